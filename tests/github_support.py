"""A scenario for GitHub tests, and the wiring of the fake GitHub to a real client.

The two repositories' stars follow simple rules, so a test can say by hand what GitHub
must report for any day:

- ``big/rocket``: created 599 days before ``T1``; on its ``i``-th day it gets
  ``250 + (i % 5 - 2) * 20`` stars (210 to 290), spread evenly over the day from 00:00;
  150,000 stars over 600 days. Three stars given on ``UNSTAR_DAY`` are taken back at
  ``UNSTAR_AT`` (between the two runs at ``T0`` and ``T1``).
- ``mid/comet``: created 149 days before ``T1``, 200 stars every day: 30,000 over 150 days.

At noon, a day's ``n`` evenly spread stars (``n`` is even here) have reached ``n // 2 + 1``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.clients.github import GitHubClient
from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.store import Store
from bot.testing import FakeClock, FakeGitHub, ScenarioPull, ScenarioRelease, ScenarioRepo, Unstar
from bot.testing.github_scenario import Scenario

T0 = datetime(2026, 11, 18, 12, tzinfo=UTC)  # a Wednesday: first run (backfill)
T1 = datetime(2026, 11, 25, 12, tzinfo=UTC)  # a week later: the refresh
CHANNEL = ChannelKey("slack", "T1", "C1")
BIG = RepoRef("big", "rocket")
MID = RepoRef("mid", "comet")
BIG_CREATED = T1.date() - timedelta(days=599)
MID_CREATED = T1.date() - timedelta(days=149)
UNSTAR_DAY = date(2026, 10, 7)
UNSTAR_AT = datetime(2026, 11, 20, 10, tzinfo=UTC)
TOKEN = "ghp_test"


def big_given(day: date) -> int:
    i = (day - BIG_CREATED).days
    return 250 + (i % 5 - 2) * 20 if 0 <= i < 600 else 0


def mid_given(day: date) -> int:
    return 200 if 0 <= (day - MID_CREATED).days < 150 else 0


def spread(day: date, count: int) -> list[datetime]:
    midnight = datetime.combine(day, time(), UTC)
    return [midnight + timedelta(seconds=k * 86_400 // count) for k in range(count)]


def stars_from(first: date, days: int, given: Any) -> list[datetime]:
    moments: list[datetime] = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        moments += spread(day, given(day))
    return moments


def scenario() -> Scenario:
    big_stars = stars_from(BIG_CREATED, 600, big_given)
    unstarred = spread(UNSTAR_DAY, big_given(UNSTAR_DAY))[:3]
    big = ScenarioRepo.with_stars(
        BIG.full_name,
        1001,
        datetime.combine(BIG_CREATED, time(), UTC),
        big_stars,
        unstars=[Unstar(given, UNSTAR_AT) for given in unstarred],
        forks=12_000,
        description="A rocket <!channel>",
        topics=("llm", "inference"),
        language="Rust",
        releases=[ScenarioRelease("v2.0.0", "Two", datetime(2026, 11, 10, 15, tzinfo=UTC))],
    )
    mid = ScenarioRepo.with_stars(
        MID.full_name,
        2002,
        datetime.combine(MID_CREATED, time(9), UTC),
        stars_from(MID_CREATED, 150, mid_given),
        forks=800,
        language="Go",
        pulls=[ScenarioPull(77, "Faster parser", datetime(2026, 11, 12, 8, tzinfo=UTC))],
    )
    return Scenario([big, mid], collaborators={TOKEN: [BIG.full_name]})


@asynccontextmanager
async def github(
    world: Scenario, clock: FakeClock, token: str | None, **options: Any
) -> AsyncIterator[tuple[FakeGitHub, GitHubClient]]:
    """The fake GitHub and a client pointed at it; the client sleeps on the fake clock."""
    async with FakeGitHub(world, clock=clock) as fake:
        options.setdefault("timeout", 2.0)
        client = GitHubClient(
            api_url=fake.url,
            graphql_url=fake.graphql_url,
            token=token,
            clock=clock,
            sleep=clock.sleep,
            **options,
        )
        async with client:
            yield fake, client


async def watch(store: Store, refs: list[RepoRef], at: datetime) -> None:
    await store.add_to_watch_list(CHANNEL, refs, "U_ALICE", at, cap=1000)
