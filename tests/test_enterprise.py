"""GitHub Enterprise Server: no star history, no ``/stargazers/count``. The fake plays it
(``enterprise=True``); the collector counts days from the stargazer list where the token
may read it, and records snapshots of totals elsewhere, which briefings turn into net
figures, labelled.

Both repos were created Oct 1; the fake's daily ledger gives each day's stars at 00:00.

- ``me/own`` (the token's user is a collaborator): day ``i`` gets ``i % 10 + 1`` stars. By
  Nov 10 (day 40): four runs of 1..10 (220) and 1: 221 stars, three list pages of 100.
  Nov 18-24 are days 48-54: 9 + 10 + 1 + 2 + 3 + 4 + 5 = 34; Nov 11-17, days 41-47: 2 +
  ... + 8 = 35.
- ``them/other``: 30 stars a day to Nov 17, 50 from Nov 18. Snapshots at noon: Nov 24 -
  Nov 17 = 7 × 50 = 350 (Nov 18-24), Nov 17 - Nov 10 = 7 × 30 = 210. On Nov 10, 41 days
  × 30 = 1,230.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.clients.github import GitHubClient
from bot.collection.collector import HISTORY_MISSING, collect
from bot.core.repo_ref import RepoRef
from bot.core.store import RepoRecord, Store
from bot.features.briefing.compose import compose
from bot.testing import FakeClock, FakeGitHub, ScenarioRepo
from bot.testing.github_scenario import Scenario
from storage.sqlite import SqliteStore
from tests.github_support import TOKEN
from tests.support import CHANNEL

T0 = datetime(2026, 11, 10, 12, tzinfo=UTC)
CREATED = date(2026, 10, 1)
OWN = RepoRef("me", "own")
OTHER = RepoRef("them", "other")


def world() -> Scenario:
    created = datetime.combine(CREATED, time(), UTC)
    other_daily = [30 if CREATED + timedelta(days=i) < date(2026, 11, 18) else 50
                   for i in range(70)]
    return Scenario(
        [ScenarioRepo.with_daily(OWN.full_name, 81, created, [i % 10 + 1 for i in range(70)]),
         ScenarioRepo.with_daily(OTHER.full_name, 82, created, other_daily)],
        collaborators={TOKEN: [OWN.full_name]},
    )


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Store]:
    store = await SqliteStore.open(tmp_path / "ghes.db")
    try:
        await store.add_to_watch_list(CHANNEL, [OWN, OTHER], "U_ALICE", T0, cap=10)
        yield store
    finally:
        await store.close()


async def record(store: Store, ref: RepoRef) -> RepoRecord:
    found = await store.find_repo(ref)
    assert found is not None
    return found


def client_for(fake: FakeGitHub, clock: FakeClock, token: str | None) -> GitHubClient:
    return GitHubClient(api_url=fake.url, graphql_url=fake.graphql_url, token=token,
                        clock=clock, sleep=clock.sleep)


async def test_days_from_the_list_where_it_opens_snapshots_elsewhere(db: Store) -> None:
    clock = FakeClock(T0)
    async with FakeGitHub(world(), clock=clock, enterprise=True) as fake, client_for(
        fake, clock, TOKEN
    ) as client:
        first = await collect(db, client, T0)
        assert first.history_missing
        assert first.from_stargazers == [OWN]
        assert first.from_snapshots == [OTHER]
        # A first collection covers one page's 30 weeks, as a refresh does: no backfill.
        assert first.backfilled == []
        assert "no star-history endpoint" in "\n".join(first.lines())
        # Each repo: a history 404, then GET /repos shows the repo is there, so it is the
        # endpoint that is missing. me/own's list: page 1, then pages 3 and 2.
        assert fake.stats.calls == {"rate_limit": 1, "graphql": 1, "history": 2, "repo": 2,
                                    "stargazers": 3}
        # The closed list of them/other is never asked for.
        assert [path for path in fake.stats.paths if path.endswith("/stargazers")] == [
            "/repos/me/own/stargazers", "/repositories/81/stargazers",
            "/repositories/81/stargazers",
        ]
        assert await db.get_state(HISTORY_MISSING + client.api_url) == T0.isoformat()

        for day in range(1, 16):  # daily, to Nov 25
            clock.now = T0 + timedelta(days=day)
            summary = await collect(db, client, clock.now)
            assert summary.failed == {}
            if day == 1:
                # Remembered: no history call at all the next day.
                assert fake.stats.calls["history"] == 2

    own, other = await record(db, OWN), await record(db, OTHER)
    days = await db.daily_stars(own.id, CREATED, date(2026, 11, 26))
    assert days == {CREATED + timedelta(days=i): i % 10 + 1 for i in range(56)}
    assert await db.daily_stars(other.id, CREATED, date(2026, 11, 26)) == {}
    first_snapshot = await db.latest_snapshot(other.id, T0)
    assert first_snapshot is not None
    assert first_snapshot.stars == 1_230

    briefing = await compose(db, [own, other], date(2026, 11, 25), 7)
    lines = {line.ref: line for line in briefing.repos}
    own_line, other_line = lines[OWN], lines[OTHER]
    assert own_line.exact
    assert own_line.figures is not None
    assert (own_line.figures.stars, own_line.figures.prior_stars) == (34, 35)
    assert not other_line.exact
    assert other_line.figures is not None
    assert (other_line.figures.stars, other_line.figures.prior_stars) == (350, 210)
    assert other_line.note is not None
    assert other_line.note.startswith("net, from snapshots")


async def test_without_a_token_snapshots_only_and_gone_repos_are_noticed(db: Store) -> None:
    clock = FakeClock(T0)
    scenario = world()
    async with FakeGitHub(scenario, clock=clock, enterprise=True) as fake, client_for(
        fake, clock, None
    ) as client:
        first = await collect(db, client, T0)
        assert sorted(first.from_snapshots, key=str) == [OWN, OTHER]
        # A history 404 and a GET /repos each, which is also the snapshot (and metadata).
        assert first.rest_calls == 4
        assert fake.stats.calls["stargazers"] == 0

        # No /stargazers/count either: the total comes from GET /repos, and once the
        # count endpoint is known to be missing it is not asked again.
        assert await client.star_count(OTHER) == 1_230
        assert await client.star_count(OTHER) == 1_230
        assert fake.stats.calls["count"] == 1

        scenario.delete(OTHER.full_name)
        clock.now = T0 + timedelta(days=1)
        second = await collect(db, client, clock.now)
        assert second.gone == [OTHER]
        assert second.from_snapshots == [OWN]
        assert second.rest_calls == 2  # history known missing: GET /repos alone
        assert fake.stats.calls["stargazers"] == 0
    own = await record(db, OWN)
    snapshot = await db.latest_snapshot(own.id)
    # me/own on Nov 11 (day 41): 221 + 2.
    assert snapshot is not None
    assert (snapshot.taken_at, snapshot.stars) == (T0 + timedelta(days=1), 223)
    assert own.stars_fetched_at == T0 + timedelta(days=1)
