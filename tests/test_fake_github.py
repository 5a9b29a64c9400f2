"""The fake GitHub answers as DESIGN.md says GitHub does, so tests against it mean something."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from bot.testing import FakeClock, FakeGitHub, Fault
from tests.github_support import BIG_CREATED, T1, TOKEN, big_given, scenario

T1_SUNDAY = datetime(2026, 11, 22, tzinfo=UTC)


@pytest.fixture
async def fake() -> AsyncIterator[FakeGitHub]:
    async with FakeGitHub(scenario(), clock=FakeClock(T1)) as github:
        yield github


@pytest.fixture
async def http(fake: FakeGitHub) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=fake.url) as client:
        yield client


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_history_page_one_holds_the_current_week_with_future_days_zero(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/repos/big/rocket/stargazers/history")
    weeks = response.json()
    assert response.status_code == 200
    assert len(weeks) == 30
    assert weeks[0]["week"] == int(T1_SUNDAY.timestamp())
    # Sunday, Monday, Tuesday whole; Wednesday (T1) until noon; the rest not yet reached.
    sunday = T1_SUNDAY.date()
    assert weeks[0]["days"][:3] == [big_given(sunday.replace(day=22 + n)) for n in range(3)]
    assert weeks[0]["days"][3] == 290 // 2 + 1
    assert weeks[0]["days"][4:] == [0, 0, 0]
    assert weeks[1]["week"] == weeks[0]["week"] - 7 * 86_400


async def test_history_pagination_limits_and_links(http: httpx.AsyncClient) -> None:
    # BIG was created on Saturday 2025-04-05: its weeks run from Sunday 2025-03-30 to
    # 2026-11-22, 87 weeks; pages of 30 make 3.
    assert BIG_CREATED.isoformat() == "2025-04-05"
    response = await http.get("/repos/big/rocket/stargazers/history", params={"per_page": 100})
    assert len(response.json()) == 30  # larger than 30 is silently 30
    link = response.headers["Link"]
    assert '/repositories/1001/stargazers/history?per_page=30&page=2>; rel="next"' in link
    assert 'page=3>; rel="last"' in link
    last = await http.get("/repositories/1001/stargazers/history", params={"page": 3})
    weeks = last.json()
    assert len(weeks) == 87 - 60
    assert datetime.fromtimestamp(weeks[-1]["week"], UTC).date().isoformat() == "2025-03-30"
    assert 'rel="next"' not in last.headers["Link"]
    assert (await http.get("/repositories/1001/stargazers/history?page=101")).status_code == 422
    assert (await http.get("/repositories/1001/stargazers/history?per_page=0")).status_code == 422


async def test_etag_and_rate_limit_headers(http: httpx.AsyncClient) -> None:
    first = await http.get("/repos/mid/comet", headers=auth())
    assert first.headers["X-RateLimit-Limit"] == "5000"
    assert first.headers["X-RateLimit-Remaining"] == "4999"
    assert first.headers["X-RateLimit-Resource"] == "core"
    conditional = {**auth(), "If-None-Match": first.headers["ETag"]}
    again = await http.get("/repos/mid/comet", headers=conditional)
    assert again.status_code == 304
    assert again.headers["X-RateLimit-Remaining"] == "4999"  # a conditional 304 is free
    anonymous = await http.get("/repos/mid/comet/stargazers/count")
    assert anonymous.json() == {"count": 149 * 200 + 101}
    assert anonymous.headers["X-RateLimit-Limit"] == "60"


async def test_stargazer_lists_are_closed(http: httpx.AsyncClient) -> None:
    assert (await http.get("/repos/mid/comet/stargazers")).status_code == 401
    refused = await http.get("/repos/mid/comet/stargazers", headers=auth())
    assert refused.status_code == 403
    assert refused.json()["message"] == "Resource not accessible by integration"
    own = await http.get("/repos/big/rocket/stargazers", headers=auth())  # a collaborator
    assert own.status_code == 200
    assert len(own.json()) == 30


async def test_renamed_repository_redirects_like_github(
    fake: FakeGitHub, http: httpx.AsyncClient
) -> None:
    fake.scenario.rename("mid/comet", "mid/meteor")
    moved = await http.get("/repos/mid/comet/stargazers/history?page=1")
    assert moved.status_code == 301
    assert moved.headers["Location"] == f"{fake.url}/repositories/2002/stargazers/history?page=1"
    assert (await http.get("/repos/nobody/nothing")).status_code == 404


async def test_graphql_errors_have_github_shape(http: httpx.AsyncClient) -> None:
    query = """{
      rateLimit { cost remaining }
      a: repository(owner: "big", name: "rocket") { stargazerCount }
      b: repository(owner: "no", name: "such") { stargazerCount }
      c: repository(owner: "mid", name: "comet") {
        stargazerCount stargazers(first: 1) { totalCount }
      }
    }"""
    assert (await http.post("/graphql", json={"query": query})).status_code == 401
    body = (await http.post("/graphql", json={"query": query}, headers=auth())).json()
    assert body["data"]["a"] == {"stargazerCount": 150_000 - 290 + 146 - 3}
    assert body["data"]["b"] is None
    assert body["data"]["c"] is None  # FORBIDDEN on a non-null field nulls the repository
    kinds = {tuple(error["path"]): error["type"] for error in body["errors"]}
    assert kinds == {("b",): "NOT_FOUND", ("c", "stargazers"): "FORBIDDEN"}
    assert body["data"]["rateLimit"] == {"cost": 1, "remaining": 4999}


async def test_faults_and_exhausted_budgets(fake: FakeGitHub, http: httpx.AsyncClient) -> None:
    fake.inject(Fault(status=403, retry_after=30, path="/repos/*/stargazers/count"))
    limited = await http.get("/repos/mid/comet/stargazers/count")
    assert (limited.status_code, limited.headers["Retry-After"]) == (403, "30")
    assert "secondary rate limit" in limited.json()["message"]
    fake.exhaust(None)
    spent = await http.get("/repos/mid/comet/stargazers/count")
    assert spent.status_code == 403
    assert spent.headers["X-RateLimit-Remaining"] == "0"
    assert fake.stats.calls["count"] == 2
