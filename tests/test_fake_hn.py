"""The fake HN Search API answers as hn.algolia.com/api/v1 does, so tests against it mean
something: pagination fields, numeric filters, tags, the 1,000-hit limit, 429s."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.testing.fake_hn import FakeHackerNews, FakeStory, HNFault

START = datetime(2026, 11, 1, tzinfo=UTC)


def numbered(count: int) -> list[FakeStory]:
    # Story n is n hours after START, has n points and links to github.com/o/r<n>.
    return [
        FakeStory(n, f"Story {n}", f"https://github.com/o/r{n}", START + timedelta(hours=n), n)
        for n in range(1, count + 1)
    ]


@pytest.fixture
async def http() -> AsyncIterator[tuple[FakeHackerNews, httpx.AsyncClient]]:
    async with FakeHackerNews(numbered(45)) as hn, httpx.AsyncClient(base_url=hn.api_url) as c:
        yield hn, c


async def test_pages_of_twenty_by_default(http: tuple[FakeHackerNews, httpx.AsyncClient]) -> None:
    _, client = http
    first = (await client.get("/search_by_date", params={"tags": "story"})).json()
    # 45 hits in pages of 20: 20, 20 and 5; newest (story 45) first.
    paging = (first["nbHits"], first["nbPages"], first["page"], first["hitsPerPage"])
    assert paging == (45, 3, 0, 20)
    assert [h["objectID"] for h in first["hits"][:2]] == ["45", "44"]
    last = (await client.get("/search_by_date", params={"page": "2"})).json()
    assert [h["objectID"] for h in last["hits"]] == ["5", "4", "3", "2", "1"]
    hit = last["hits"][0]
    assert hit["created_at_i"] == int((START + timedelta(hours=5)).timestamp())
    assert hit["created_at"] == "2026-11-01T05:00:00.000Z"
    assert hit["_tags"] == ["story", "author_someone", "story_5"]


async def test_numeric_filters_are_anded_and_bad_ones_refused(
    http: tuple[FakeHackerNews, httpx.AsyncClient],
) -> None:
    _, client = http
    after = int((START + timedelta(hours=40)).timestamp())
    # created after hour 40 (41..45) and at most 43 points (n points): 41, 42, 43.
    answer = await client.get(
        "/search_by_date", params={"numericFilters": f"created_at_i>{after},points<=43"}
    )
    assert [h["objectID"] for h in answer.json()["hits"]] == ["43", "42", "41"]
    bad = await client.get("/search_by_date", params={"numericFilters": "karma>3"})
    assert bad.status_code == 400
    assert bad.json()["status"] == 400


async def test_words_restricted_to_url_with_the_last_a_prefix(
    http: tuple[FakeHackerNews, httpx.AsyncClient],
) -> None:
    _, client = http
    params = {"query": "github.com/o/r4", "restrictSearchableAttributes": "url"}
    answer = (await client.get("/search_by_date", params=params)).json()
    # "r4" is a prefix of r4 and r40..r45 (not of r14 or r24: tokens start at a boundary).
    assert sorted(int(h["objectID"]) for h in answer["hits"]) == [4, 40, 41, 42, 43, 44, 45]
    titles = {**params, "restrictSearchableAttributes": "title", "query": "github"}
    assert (await client.get("/search_by_date", params=titles)).json()["nbHits"] == 0


async def test_relevance_search_orders_by_points(
    http: tuple[FakeHackerNews, httpx.AsyncClient],
) -> None:
    hn, client = http
    hn.stories.append(FakeStory(99, "Old hit", "https://a.example", START, points=500))
    answer = (await client.get("/search", params={"hitsPerPage": "2"})).json()
    assert [h["objectID"] for h in answer["hits"]] == ["99", "45"]


async def test_tags_in_parentheses_are_ored() -> None:
    poll = FakeStory(7, "A poll", None, START, extra_tags=("poll",))
    async with FakeHackerNews([poll]) as hn, httpx.AsyncClient(base_url=hn.api_url) as client:
        assert (await client.get("/search", params={"tags": "poll"})).json()["nbHits"] == 1
        ored = await client.get("/search", params={"tags": "author_nobody,(story,poll)"})
        assert ored.json()["nbHits"] == 0
        story = (await client.get("/search", params={"tags": "(show_hn,story)"})).json()
        assert story["hits"][0]["url"] is None  # a text post has no url


async def test_only_a_thousand_hits_are_reachable() -> None:
    async with FakeHackerNews(numbered(1200)) as hn, httpx.AsyncClient(base_url=hn.api_url) as c:
        first = (await c.get("/search_by_date", params={"hitsPerPage": "1000"})).json()
        assert (first["nbHits"], first["nbPages"], len(first["hits"])) == (1200, 1, 1000)
        beyond = (await c.get("/search_by_date", params={"hitsPerPage": "1000", "page": "1"}))
        assert beyond.json()["hits"] == []
        assert "only fetch the 1000 hits" in beyond.json()["message"]


async def test_hourly_budget_and_injected_faults() -> None:
    fake = FakeHackerNews([], hourly_limit=2)
    async with fake as hn, httpx.AsyncClient(base_url=hn.api_url) as c:
        hn.inject(HNFault(503), HNFault(429, retry_after=30))
        assert (await c.get("/search_by_date")).status_code == 503
        limited = await c.get("/search_by_date")
        assert (limited.status_code, limited.headers["Retry-After"]) == (429, "30")
        # Faults are not charged; the budget of 2 is then spent by two searches.
        assert [(await c.get("/search_by_date")).status_code for _ in range(3)] == [200, 200, 429]
        assert hn.stats.searches == 5
