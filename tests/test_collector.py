"""The collector against the fake GitHub over loopback HTTP, into a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.collection.collector import collect
from bot.core.store import RepoEvent, Store
from bot.testing import FakeClock, Fault, ScenarioRepo, week_start
from bot.testing.github_scenario import Scenario
from storage.sqlite import SqliteStore
from tests.github_support import (
    BIG,
    BIG_CREATED,
    MID,
    MID_CREATED,
    T0,
    T1,
    TOKEN,
    UNSTAR_DAY,
    big_given,
    github,
    scenario,
    watch,
)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Store]:
    store = await SqliteStore.open(tmp_path / "x.db")
    try:
        yield store
    finally:
        await store.close()


def expected(given: int, day: date, now_day: date, unstarred: int = 0) -> int:
    """What GitHub reports for a day: at noon half the day's stars (plus the one at
    00:00) are in; days after today are 0."""
    if day > now_day:
        return 0
    count = given // 2 + 1 if day == now_day and given else given
    return count - unstarred


def big_expected(day: date, at: date, removed: bool) -> int:
    unstarred = 3 if removed and day == UNSTAR_DAY else 0
    return expected(big_given(day), day, at, unstarred)


async def stored(store: Store, ref: object, start: date, end: date) -> dict[date, int]:
    repo = await store.find_repo(ref)  # type: ignore[arg-type]
    assert repo is not None
    return await store.daily_stars(repo.id, start, end + timedelta(days=1))


@pytest.mark.parametrize("token", [None, TOKEN], ids=["anonymous", "token"])
async def test_stored_days_match_the_scenario_exactly(db: Store, token: str | None) -> None:
    world, clock = scenario(), FakeClock(T0)
    await watch(db, [BIG, MID], T0)
    async with github(world, clock, token) as (fake, client):
        # Asked for explicitly: a first collection reads page 1 unless told otherwise.
        first = await collect(db, client, T0, backfill_pages=2)
        # Two pages back from the week of T0: sixty weeks, to T0's day.
        since = week_start(T0).date() - timedelta(weeks=59)
        assert await stored(db, BIG, since, T1.date()) == {
            since + timedelta(days=n): big_expected(since + timedelta(days=n), T0.date(), False)
            for n in range((T0.date() - since).days + 1)
        }
        assert sorted(first.backfilled, key=str) == [BIG, MID]
        # The run's cost, by hand: BIG needs both pages; MID (21 weeks old) fits on page 1,
        # whose Link has no next. Without a token each also costs one GET /repos. With
        # one, the token's user is a collaborator on BIG, so its stargazer list is read
        # back to T0 - 24 h: 147,940 stars on days 0-591 and 126 of day 592 by noon,
        # 148,066 in 1,481 pages of 100 (66 on the last). Since Nov 17 12:00: 115 of day
        # 591's 230 and those 126, 241 stars: pages 1481, 1480 and 1479 (266), plus page 1.
        assert fake.stats.calls["history"] == 3
        assert first.rest_calls == (3 + 4 if token else 5)
        assert first.graphql_points == (1 if token else 0)

        clock.now = T1
        second = await collect(db, client, T1)
        assert second.backfilled == []
        assert sorted(second.refreshed, key=str) == [BIG, MID]
        assert fake.stats.calls["history"] == 5

    big_days = await stored(db, BIG, since, T1.date())
    assert big_days == {
        since + timedelta(days=n): big_expected(since + timedelta(days=n), T1.date(), True)
        for n in range((T1.date() - since).days + 1)
    }
    # The day whose stars were partly taken back (day 550: 250 + (0 - 2) * 20 = 210
    # given, 3 taken back): the refresh replaced the first report of 210.
    assert big_days[UNSTAR_DAY] == 210 - 3
    assert big_days[T1.date()] == 290 // 2 + 1
    assert max(big_days) == T1.date()  # nothing stored for days not yet reached

    mid_days = await stored(db, MID, since, T1.date())
    assert all(count == 0 for day, count in mid_days.items() if day < MID_CREATED)
    assert {day: n for day, n in mid_days.items() if day >= MID_CREATED} == {
        MID_CREATED + timedelta(days=n): expected(200, MID_CREATED + timedelta(days=n), T1.date())
        for n in range(150)
    }
    assert sum(mid_days.values()) == 149 * 200 + 101

    # Only the list of the token's own repo is ever asked for; at T1 (149,853 stars, 53 on
    # page 1499; since Nov 24 12:00: 135 of 270 and 146, 281) four pages back, plus page 1.
    listed = [path for path in fake.stats.paths if path.endswith("/stargazers")]
    assert set(listed) <= {"/repos/big/rocket/stargazers", "/repositories/1001/stargazers"}
    assert len(listed) == (0 if token is None else 4 + 5)


async def test_metadata_snapshots_and_events_with_a_token(db: Store) -> None:
    world, clock = scenario(), FakeClock(T1)
    await watch(db, [BIG, MID], T1)
    async with github(world, clock, TOKEN) as (fake, client):
        summary = await collect(db, client, T1)
    assert summary.metadata_updated == 2
    big = await db.find_repo(BIG)
    assert big is not None
    assert big.metadata.github_id == 1001
    assert big.metadata.topics == ("llm", "inference")
    assert big.metadata.description == "A rocket <!channel>"
    snapshot = await db.latest_snapshot(big.id)
    assert snapshot is not None
    # 150,000 given; today's (day 599: 250 + (4 - 2) * 20 = 290) only half in by noon,
    # 290 // 2 + 1 = 146; three taken back.
    assert (snapshot.stars, snapshot.forks) == (150_000 - 290 + 146 - 3, 12_000)
    mid = await db.find_repo(MID)
    assert mid is not None
    events = await db.events(mid.id, T1 - timedelta(days=30), T1)
    assert [(e.kind, e.key, e.title) for e in events] == [("pull_request", "77", "Faster parser")]
    big_events = await db.events(big.id, T1 - timedelta(days=30), T1)
    assert big_events[0] == RepoEvent(
        "release", "v2.0.0", "Two", big_events[0].occurred_at, big_events[0].url
    )
    assert fake.stats.graphql_points == 1


async def test_refresh_completes_despite_faults_and_reports_retries(db: Store) -> None:
    world, clock = scenario(), FakeClock(T1)
    await watch(db, [BIG, MID], T1)
    async with github(world, clock, TOKEN, timeout=0.3) as (fake, client):
        fake.inject(
            Fault(status=502, times=2, path="/repos/*/stargazers/history"),
            Fault(status=500, path="/graphql"),
            Fault(status=429, retry_after=5, path="/repos/*/stargazers/history"),
            Fault(delay=1.5, path="/repos/*/stargazers/history"),
        )
        summary = await collect(db, client, T1)
    assert summary.failed == {}
    assert sorted(summary.refreshed, key=str) == [BIG, MID]
    assert summary.retries == {"server_error": 3, "secondary_limit": 1, "timeout": 1}
    assert any("retried: 1 secondary limit, 3 server error, 1 timeout" in line
               for line in summary.lines())
    # The token's own repo (BIG) is the only one whose stargazer list is read.
    assert summary.hourly == [BIG]
    assert not any(path.startswith("/repos/mid/comet/stargazers")
                   and not path.endswith("/history") for path in fake.stats.paths)


async def test_an_invalid_page_is_never_stored(db: Store) -> None:
    world, clock = scenario(), FakeClock(T1)
    await watch(db, [MID], T1)
    async with github(world, clock, TOKEN) as (fake, client):
        fake.inject(Fault(corrupt=True, times=2, path="/repos/mid/comet/stargazers/history"))
        summary = await collect(db, client, T1)
    assert list(summary.failed) == [MID]
    assert "totals" in summary.failed[MID]
    mid = await db.find_repo(MID)
    assert mid is not None
    assert mid.stars_fetched_at is None
    assert await db.daily_stars(mid.id, MID_CREATED, T1.date()) == {}


@pytest.mark.parametrize("token", [None, TOKEN], ids=["anonymous", "token"])
async def test_renamed_repo_keeps_history_and_deleted_repo_is_gone(
    db: Store, token: str | None
) -> None:
    world, clock = scenario(), FakeClock(T0)
    await watch(db, [BIG, MID], T0)
    async with github(world, clock, token) as (_fake, client):
        await collect(db, client, T0)
        world.rename("big/rocket", "space/rocket")
        world.delete("mid/comet")
        clock.now = T1
        summary = await collect(db, client, T1)
    new = type(BIG)("space", "rocket")
    assert summary.renamed == {BIG: new}
    assert summary.gone == [MID]
    renamed = await db.find_repo(new)
    assert renamed is not None
    days = await db.daily_stars(renamed.id, BIG_CREATED, T1.date() + timedelta(days=1))
    # Days from before the rename are still there, and the refresh went on after it.
    assert days[T0.date() - timedelta(days=100)] == big_given(T0.date() - timedelta(days=100))
    assert days[UNSTAR_DAY] == big_given(UNSTAR_DAY) - 3
    gone = await db.find_repo(MID)
    assert gone is not None
    assert gone.status == "gone"
    assert [r.ref for r in await db.watched_repos() if r.status == "active"] == [new]


async def test_without_a_token_the_stalest_go_first_within_60_calls(db: Store) -> None:
    # Forty small repositories, each two pages deep: a backfill of two pages (asked for)
    # costs 2 calls each, 80 in all, and an anonymous hour allows 60.
    start = T1.date() - timedelta(days=300)
    world = Scenario(
        ScenarioRepo.with_daily(f"o/r{n}", 5000 + n, T1 - timedelta(days=300), [1] * 301)
        for n in range(40)
    )
    clock = FakeClock(T1)
    refs = [type(BIG)("o", f"r{n}") for n in range(40)]
    await watch(db, refs, T1)
    async with github(world, clock, None) as (fake, client):
        first = await collect(db, client, T1, backfill_pages=2)
        assert len(first.backfilled) == 30
        assert sorted(first.skipped, key=lambda ref: int(ref.name[1:])) == refs[30:]
        assert first.rest_calls == 60 == fake.stats.core_charged
        assert first.rest_remaining == 0
        # The ten left need 20 calls: the next hour covers them.
        assert first.fresh_at == T1 + timedelta(hours=1)
        assert first.fresh_at is not None
        clock.now = first.fresh_at
        second = await collect(db, client, clock.now, backfill_pages=2)
    # Never-fetched first (10 x 2 calls), then the 30 refreshes; 10 calls left for metadata.
    assert sorted(second.backfilled, key=str) == sorted(refs[30:], key=str)
    assert second.skipped == []
    assert second.rest_calls == 60
    assert second.metadata_updated == 10
    repo = await db.find_repo(refs[35])
    assert repo is not None
    days = await db.daily_stars(repo.id, start, T1.date() + timedelta(days=1))
    assert days == {start + timedelta(days=n): 1 for n in range(301)}
