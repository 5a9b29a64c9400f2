"""Own repositories: the token's user is a collaborator on ``me/own``, so its stargazer
list opens, and spike alerts read real hours. ``them/other`` has the same stars, but its
list is closed to the token and never asked for.

Both repos get one star at :30 of every hour from Sep 26 (60 days before ``T``), 24 a
day; 200 more on Nov 24 from 02:00 to 03:59 (every 36 s); 300 more on Nov 25 from 08:00 to
09:59 (every 24 s, 150 in each of the two hours). Collected at ``T`` (Nov 25 12:00):

- the 28-day average (Oct 27-Nov 23) is 24.0/day;
- the real 24 hours, Nov 24 12:00 to Nov 25 12:00: 12 hourly stars on Nov 24, 12 on
  Nov 25 and the 300: 324, 13.5× the average;
- the day-split estimate: Nov 25 so far (12 + 300 = 312) and half of Nov 24's 224 (112):
  424, 17.7×. The afternoon of Nov 24 was quiet, which only the hours can tell.

me/own's list at ``T``: 60 × 24 + 200 + 312 = 1,952 stars, 20 pages of 100 (52 on the
last). Back to Nov 24 12:00 are 324 stars: pages 20, 19, 18 (252) and 17 (352, whose
oldest is older), plus page 1, which says where the list ends: 5 calls.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from adapters.text import render_text
from bot.collection.collector import collect
from bot.core.repo_ref import RepoRef
from bot.core.store import AlertSettings, Store
from bot.features.alerts import pending_alerts
from bot.testing import FakeClock, Fault, ScenarioRepo
from bot.testing.github_scenario import Scenario
from storage.sqlite import SqliteStore
from tests.github_support import TOKEN, github
from tests.support import CHANNEL

T = datetime(2026, 11, 25, 12, tzinfo=UTC)
CREATED = T.date() - timedelta(days=60)
OWN = RepoRef("me", "own")
OTHER = RepoRef("them", "other")


def stars() -> list[datetime]:
    moments = [
        datetime.combine(CREATED + timedelta(days=d), time(h, 30), UTC)
        for d in range(70)
        for h in range(24)
    ]
    moments += [datetime(2026, 11, 24, 2, tzinfo=UTC) + timedelta(seconds=36 * k)
                for k in range(200)]
    moments += [datetime(2026, 11, 25, 8, tzinfo=UTC) + timedelta(seconds=24 * k)
                for k in range(300)]
    return moments


def world() -> Scenario:
    created = datetime.combine(CREATED, time(), UTC)
    return Scenario(
        [ScenarioRepo.with_stars(OWN.full_name, 71, created, stars()),
         ScenarioRepo.with_stars(OTHER.full_name, 72, created, stars())],
        collaborators={TOKEN: [OWN.full_name]},
    )


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Store]:
    store = await SqliteStore.open(tmp_path / "own.db")
    try:
        await store.add_to_watch_list(CHANNEL, [OWN, OTHER], "U_ALICE", T, cap=10)
        await store.set_alert_settings(CHANNEL, AlertSettings(), T)
        yield store
    finally:
        await store.close()


def listed(paths: list[str]) -> list[str]:
    """The requests for closed stargazer lists (not the open history)."""
    return [path for path in paths if path.endswith("/stargazers")]


async def test_own_repo_alerts_count_real_hours_and_others_estimate(db: Store) -> None:
    clock = FakeClock(T)
    async with github(world(), clock, TOKEN) as (fake, client):
        summary = await collect(db, client, T)
        assert summary.hourly == [OWN]
        # Two history pages (one each: 9 weeks old) and me/own's five list pages.
        assert summary.rest_calls == 2 + 5
        assert listed(fake.stats.paths) == ["/repos/me/own/stargazers"] + [
            "/repositories/71/stargazers"
        ] * 4
        access = await db.stargazer_access(client.viewer)
    own = await db.find_repo(OWN)
    other = await db.find_repo(OTHER)
    assert own is not None
    assert other is not None
    assert {repo_id: a.listable for repo_id, a in access.items()} == {own.id: True}

    hours = await db.hourly_stars(own.id, T - timedelta(hours=24), T)
    busy = {datetime(2026, 11, 25, 8, tzinfo=UTC), datetime(2026, 11, 25, 9, tzinfo=UTC)}
    assert hours == {
        T - timedelta(hours=n): 151 if T - timedelta(hours=n) in busy else 1
        for n in range(24, 0, -1)
    }
    assert await db.hourly_stars(other.id, T - timedelta(days=2), T) == {}

    alerts = {message.title: render_text(message) for _, message in
              await pending_alerts(db, T)}
    assert set(alerts) == {"Star spike: me/own", "Star spike: them/other"}
    assert (
        "me/own gained 324 stars in the 24 hours to Nov 25 12:00 UTC (counted hour by hour),"
        " 13.5× its 28-day average of 24.0/day." in alerts["Star spike: me/own"]
    )
    assert "324 stars (counted by the hour)" in alerts["Star spike: me/own"]
    assert "stargazer list" in alerts["Star spike: me/own"]
    assert (
        "them/other gained 424 stars in the 24 hours to Nov 25 12:00 UTC, 17.7× its 28-day"
        " average of 24.0/day." in alerts["Star spike: them/other"]
    )
    assert "424 stars (estimated from daily counts)" in alerts["Star spike: them/other"]


async def test_a_refused_list_is_remembered_and_tried_again_a_month_later(db: Store) -> None:
    clock = FakeClock(T)
    async with github(world(), clock, TOKEN) as (fake, client):
        # GitHub's role says collaborator, but the list refuses this token (a fine-grained
        # token without the permission answers 404): one call, then none.
        fake.inject(Fault(status=404, path="/repos/me/own/stargazers"))
        first = await collect(db, client, T)
        assert first.hourly == []
        assert len(listed(fake.stats.paths)) == 1
        # Without the hours the alert falls back to the day-split estimate.
        alerts = [render_text(m) for _, m in await pending_alerts(db, T)]
        assert any("me/own gained 424 stars" in text for text in alerts)

        clock.now = T + timedelta(hours=6)
        await collect(db, client, clock.now)
        assert len(listed(fake.stats.paths)) == 1

        clock.now = T + timedelta(days=30)
        again = await collect(db, client, clock.now)
        assert again.hourly == [OWN]
        access = await db.stargazer_access(client.viewer)
    assert [a.listable for a in access.values()] == [True]
    assert not any(path.startswith(("/repos/them/other/stargazers", "/repositories/72/"))
                   and not path.endswith("/history") for path in fake.stats.paths)


async def test_without_a_token_no_list_is_asked_for(db: Store) -> None:
    async with github(world(), FakeClock(T), None) as (fake, client):
        summary = await collect(db, client, T)
    assert summary.hourly == []
    assert listed(fake.stats.paths) == []
    assert await db.stargazer_access(client.viewer) == {}


def test_hand_figures() -> None:
    """The module docstring's arithmetic, once more, from the scenario's own stars."""
    moments = [m for m in stars() if m <= T]
    assert len(moments) == 1_952
    assert sum(1 for m in moments if m >= T - timedelta(hours=24)) == 324
    assert sum(1 for m in moments if m.date() == date(2026, 11, 24)) == 224


async def test_a_walk_cut_short_counts_only_the_hours_it_covers() -> None:
    async with github(world(), FakeClock(T), TOKEN) as (_fake, client):
        listing = await client.stargazers(OWN, since=T - timedelta(hours=24), max_pages=3)
    # Pages 1, 20 and 19: the 152 newest stars are 11:30, 10:30 and 150 of hour 9's 151
    # (09:00:00 every 24 s, and 09:30), so everything after 09:00:24 is known.
    assert listing.pages == 3
    assert listing.known_after == datetime(2026, 11, 25, 9, 0, 24, tzinfo=UTC)
    assert listing.hourly(T - timedelta(hours=24), T) == {
        datetime(2026, 11, 25, 10, tzinfo=UTC): 1, datetime(2026, 11, 25, 11, tzinfo=UTC): 1
    }
