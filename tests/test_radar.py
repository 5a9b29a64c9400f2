"""The radar on a fake-GitHub scenario: search, pool, collector, ``/momentum radar``.

T is Wednesday 2026-11-25 12:00 UTC. Every repo is created at 00:00 of its first day and
gets its stars at 00:00 of each day (DailyLedger), so by noon today's are all in.

On the channel's list:
  w/alpha  topics llm, inference; Rust; created 700 days ago
  w/beta   topic llm; Rust; created 400 days ago
  w/gamma  topic llm; Rust; created 10 days ago, 500/day: young and rising, but listed
Themes: llm (3 repos) and Rust (3); "inference" is one repo's only, so not a theme.

Elsewhere on GitHub:
  new/fast   llm, 30 days old: 10/day for days 0-22, then 200/day (Nov 18 on). Window
             Nov 18-24: 1,400 stars = 200.0/day; total 23×10 + 8×200 = 1,830.
  new/crab   Rust (language), 20 days old, 80/day: 80.0/day; 21×80 = 1,680.
  new/steady llm, 60 days old, 50/day: 50.0/day; 61×50 = 3,050.
  new/r3, new/r2, new/r1   llm, 40 days old, 3, 2 and 1/day: 123, 82 and 41 stars.
  old/giant  llm, 400 days old, 1,000/day: too old.
  new/inference  inference only, 15 days old, 300/day: not one of the list's themes.
Radar, fastest first, five shown: new/fast 200.0, new/crab 80.0, new/steady 50.0,
new/r3 3.0, new/r2 2.0 (new/r1 is sixth).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clients.github import GitHubClient
from bot.collection.collector import collect
from bot.collection.service import DataService
from bot.core.repo_ref import RepoRef
from bot.core.settings import Settings
from bot.core.store import Store
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.features.radar import radar_picks, refresh_radar
from bot.testing import FakeClock, FakeGitHub, ScenarioRepo
from bot.testing.github_scenario import Scenario
from storage.sqlite import SqliteStore
from tests.support import CHANNEL, Chat, Clock

T = datetime(2026, 11, 25, 12, tzinfo=UTC)
LISTED = [RepoRef("w", "alpha"), RepoRef("w", "beta"), RepoRef("w", "gamma")]


def repo(name: str, github_id: int, age: int, daily: list[int], **details: object) -> ScenarioRepo:
    created = datetime.combine(T.date() - timedelta(days=age), datetime.min.time(), UTC)
    return ScenarioRepo.with_daily(name, github_id, created, daily, **details)


def world() -> Scenario:
    rust_llm: dict[str, object] = {"topics": ("llm",), "language": "Rust"}
    return Scenario([
        repo("w/alpha", 1, 700, [5] * 701, topics=("llm", "inference"), language="Rust"),
        repo("w/beta", 2, 400, [5] * 401, **rust_llm),
        repo("w/gamma", 3, 10, [500] * 11, **rust_llm),
        repo("new/fast", 10, 30, [10] * 23 + [200] * 8, topics=("llm",), language="Python"),
        repo("new/crab", 11, 20, [80] * 21, language="Rust"),
        repo("new/steady", 12, 60, [50] * 61, topics=("llm",), language="Go"),
        repo("new/r3", 13, 40, [3] * 41, topics=("llm",)),
        repo("new/r2", 14, 40, [2] * 41, topics=("llm",)),
        repo("new/r1", 15, 40, [1] * 41, topics=("llm",)),
        repo("old/giant", 16, 400, [1000] * 401, topics=("llm",), language="Rust"),
        repo("new/inference", 17, 15, [300] * 16, topics=("inference",)),
    ])


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Store]:
    store = await SqliteStore.open(tmp_path / "radar.db")
    try:
        yield store
    finally:
        await store.close()


async def listed_and_collected(store: Store, client: GitHubClient) -> None:
    await store.add_to_watch_list(CHANNEL, LISTED, "U_ALICE", T, cap=100)
    await collect(store, client, T)


async def test_radar_lists_the_young_risers_in_order_and_adds_one(
    db: Store, settings: Settings
) -> None:
    clock = FakeClock(T)
    async with FakeGitHub(world(), clock=clock) as fake, GitHubClient(
        api_url=fake.url, graphql_url=fake.graphql_url, clock=clock, sleep=clock.sleep
    ) as client:
        await listed_and_collected(db, client)
        refreshed = await refresh_radar(db, client, T)
        assert refreshed.searched == ["topic:llm", "language:Rust"]
        assert refreshed.incomplete == []
        assert refreshed.failed == {}
        # llm: new/fast, new/steady, w/gamma, r1-r3; Rust: new/crab, w/gamma.
        assert refreshed.candidates == 7
        assert fake.stats.calls["search"] == 2

        data = DataService(db, client, clock)
        chat = Chat(Router(Context(db, settings, Clock(T), data=data)), Clock(T))
        text = await chat.say_text("/momentum radar")
        rows = [line.split() for line in text.splitlines() if line.strip()[:1].isdigit()]
        assert rows == [
            ["1", "new/fast", "30", "days", "1,830", "200.0", "llm"],
            ["2", "new/crab", "20", "days", "1,680", "80.0", "Rust"],
            ["3", "new/steady", "60", "days", "3,050", "50.0", "llm"],
            ["4", "new/r3", "40", "days", "123", "3.0", "llm"],
            ["5", "new/r2", "40", "days", "82", "2.0", "llm"],
        ]
        for absent in ("w/gamma", "old/giant", "new/inference", "new/r1"):
            assert absent not in text
        assert "Radar: young repos rising in llm, Rust" in text
        assert "before Nov 25" in text

        added = await chat.say_text("/momentum radar add 1")
        assert "Added 1 repo: new/fast." in added
        await data.wait_idle()
        assert RepoRef("new", "fast") in [item.repo.ref for item in await db.watch_list(CHANNEL)]
        again = await chat.say_text("/momentum radar")
        assert "new/fast" not in again
        assert "1  new/crab" in again
        assert "There is no radar repo 9" in await chat.say_text("/momentum radar add 9")
        await chat.say("/momentum access managers")
        refused = await chat.say_text("/momentum radar add 1", can_manage=False)
        assert "You can't change this channel's watch list" in refused
        await data.close()


async def test_a_timed_out_search_keeps_the_earlier_finds(db: Store) -> None:
    clock = FakeClock(T)
    async with FakeGitHub(world(), clock=clock) as fake, GitHubClient(
        api_url=fake.url, graphql_url=fake.graphql_url, clock=clock, sleep=clock.sleep
    ) as client:
        await listed_and_collected(db, client)
        await refresh_radar(db, client, T)
        # The llm search times out twice (the first try and its retry): each answer holds
        # half the matches found (3 of 6), with incomplete_results.
        fake.search_timeouts = 2
        later = T + timedelta(days=1)
        clock.now = later
        refreshed = await refresh_radar(db, client, later)
        assert refreshed.incomplete == ["topic:llm"]
        assert fake.stats.calls["search"] == 2 + 3
        radar = await radar_picks(db, CHANNEL, later)
    assert [str(pick.ref) for pick in radar.picks] == [
        "new/fast", "new/crab", "new/steady", "new/r3", "new/r2"
    ]


async def test_search_is_paced_within_its_per_minute_budget(db: Store) -> None:
    clock = FakeClock(T)
    # Anonymous: one search a minute here (GitHub allows 10). Two themes need two.
    async with FakeGitHub(world(), clock=clock, anonymous_search_limit=1) as fake:
        async with GitHubClient(
            api_url=fake.url, graphql_url=fake.graphql_url, clock=clock, sleep=clock.sleep
        ) as client:
            await listed_and_collected(db, client)
            started = clock.now
            refreshed = await refresh_radar(db, client, T)
            assert refreshed.searched == ["topic:llm", "language:Rust"]
            assert fake.stats.statuses[403] == 0  # waited instead of being refused
            assert clock.now - started >= timedelta(minutes=1)
        async with GitHubClient(
            api_url=fake.url, graphql_url=fake.graphql_url, clock=clock, sleep=clock.sleep,
            max_wait=10,
        ) as impatient:
            clock.advance(120)  # a new minute: one search allowed, and this one spends it
            await impatient.search_repositories("topic:llm")
            # This client may wait 10 s, not the rest of the minute: it stops, unrefused.
            refreshed = await refresh_radar(db, impatient, clock.now)
            assert refreshed.searched == []
            assert refreshed.skipped == ["topic:llm", "language:Rust"]
            assert fake.stats.statuses[403] == 0


async def test_radar_without_themes_or_finds(db: Store, settings: Settings) -> None:
    chat = Chat(Router(Context(db, settings, Clock(T))), Clock(T))
    await db.add_to_watch_list(CHANNEL, LISTED[:2], "U_ALICE", T, cap=100)
    assert "Radar: no themes yet" in await chat.say_text("/momentum radar")
    assert "There is no radar repo 1" in await chat.say_text("/momentum radar add 1")
    assert "Unknown radar command" in await chat.say_text("/momentum radar zap")


async def test_radar_with_themes_but_no_candidates_says_so_plainly(
    db: Store, settings: Settings
) -> None:
    clock = FakeClock(T)
    async with FakeGitHub(world(), clock=clock) as fake, GitHubClient(
        api_url=fake.url, graphql_url=fake.graphql_url, clock=clock, sleep=clock.sleep
    ) as client:
        await listed_and_collected(db, client)
    # No search has run yet: the pool is empty.
    chat = Chat(Router(Context(db, settings, Clock(T))), Clock(T))
    before = await db.watch_list(CHANNEL)
    text = await chat.say_text("/momentum radar")
    assert "Radar: nothing new yet" in text
    assert (
        "No young repo outside the list is rising in llm or Rust yet; the radar is refreshed "
        "daily." in text
    )
    for bad in ("1", "²", "0", "-1"):
        refused = await chat.say_text(f"/momentum radar add {bad}")
        assert f"There is no radar repo {bad}" in refused
        assert "The radar shows nothing for this list yet." in refused
    assert await db.watch_list(CHANNEL) == before
