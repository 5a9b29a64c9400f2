"""``momentum collect`` against a GitHub that sends fields no client should trust: each
bad answer fails its own repository, listed in the summary, and never the run."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.collection.collector import collect
from bot.testing import FakeClock, FakeGitHub, Fault, ScenarioRepo
from storage.sqlite import SqliteStore
from tests.github_support import BIG, MID, T1, TOKEN, github, scenario, watch
from tests.test_console import momentum

NAMES = ("a/lang", "b/future", "c/past", "d/reset", "e/fine")


@pytest.fixture
async def fake() -> AsyncIterator[FakeGitHub]:
    created = datetime.now(UTC) - timedelta(days=60)
    repos = [ScenarioRepo.with_daily(name, number, created, [100] * 61, language="Python")
             for number, name in enumerate(NAMES, start=1)]
    async with FakeGitHub(repos) as server:
        yield server


def language_as_text(body: Any) -> None:
    for node in body["data"].values():
        if node.get("nameWithOwner") == "a/lang":
            node["primaryLanguage"] = "Python"  # GitHub sends {"name": "Python"}


def first_week_at(stamp: int) -> Any:
    def rewrite(weeks: Any) -> None:
        weeks[0]["week"] = stamp
    return rewrite


async def test_bad_fields_fail_their_repo_and_the_summary_lists_them(
    tmp_path: Path, fake: FakeGitHub
) -> None:
    added = await momentum(["console"], "watch add " + " ".join(NAMES) + "\n", tmp_path, fake,
                           GITHUB_TOKEN=TOKEN)
    assert "Added 5 repos" in added.stdout, added.stderr
    history = "/repos/{}/stargazers/history"
    fake.inject(
        Fault(path="/graphql", rewrite=language_as_text),
        # Each bad page is read twice (the second time fresh) before it is given up.
        Fault(path=history.format("b/future"), times=2, rewrite=first_week_at(10**20)),
        Fault(path=history.format("c/past"), times=2, rewrite=first_week_at(-(10**13))),
        Fault(path=history.format("d/reset"),
              headers={"X-RateLimit-Reset": "99999999999999999999"}),
    )
    result = await momentum(["collect"], "", tmp_path, fake, GITHUB_TOKEN=TOKEN)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    # a/lang's history is fine (its metadata is not); b, c and d fail; e is fine.
    assert lines[0] == ("2 of 5 repositories refreshed (0 backfilled), 3 failed,"
                        " 0 left for later, 0 gone")
    assert any(line.startswith("b/future: star history of b/future is invalid: 0.week:")
               and "less than or equal to 253402300799" in line for line in lines)
    assert any(line.startswith("c/past: star history of c/past is invalid: 0.week:")
               and "greater than or equal to 0" in line for line in lines)
    assert any(line.startswith("d/reset: ") and "rate-limit headers are malformed" in line
               for line in lines)
    assert any(line.startswith("a/lang: its metadata was not updated:")
               and "primaryLanguage" in line for line in lines)


async def test_a_secondary_limit_wait_is_shown_while_it_lasts(
    tmp_path: Path, fake: FakeGitHub
) -> None:
    await momentum(["console"], "watch add e/fine\n", tmp_path, fake)
    fake.inject(Fault(status=429, retry_after=1, path="/repos/e/fine/stargazers/history"))
    result = await momentum(["collect"], "", tmp_path, fake)
    assert result.returncode == 0, result.stderr
    assert ("momentum: GitHub's secondary rate limit: waiting 1 s before retry 1 of 4"
            in result.stderr)
    assert "1 of 1 repositories refreshed" in result.stdout
    assert "retried: 1 secondary limit" in result.stdout


async def test_a_persistent_secondary_limit_is_not_called_a_spent_budget(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "m.db")
    try:
        await watch(store, [BIG, MID], T1)
        clock = FakeClock(T1)
        async with github(scenario(), clock, TOKEN) as (fake, client):
            fake.inject(Fault(status=403, times=100, path="/repos/*/stargazers/history"))
            summary = await collect(store, client, T1, concurrency=1)
        text = "\n".join(summary.lines())
        assert summary.secondary_limit
        assert sorted(summary.skipped, key=str) == [BIG, MID]
        assert "budget ran out" not in text
        # 5,000 calls an hour: /rate_limit is free, GraphQL has its own points, and the
        # fake charges no refused request (the history read, then its one retry a minute
        # later): all 5,000 left.
        assert clock.now == T1 + timedelta(seconds=60)
        assert ("GitHub's secondary rate limit (too many requests in a short time, not the"
                " hourly budget (5000 calls left)) stopped the run: 2 repositories left for"
                " later; run again in a few minutes") in text
    finally:
        await store.close()
