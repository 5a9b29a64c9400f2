"""Spike alerts on a fake-GitHub scenario, collected as in production, checked by hand.

Stars are spread evenly over each day (a day's n stars at 00:00 + k·24h/n), so at noon
n/2 + 1 of an even n are in; at 18:00, 3n/4 + 1. Collections run at the times below and
``pending_alerts`` after each. The 24 hours at noon: today's so far + half of yesterday.

s/spike   40/day; 400 on Nov 24 and 25 (release v3.0 on Nov 24 06:00); 600 on Nov 29 and
          30. 244 days of 40 before Nov 24: 9,760 stars.
  Nov 25 12:00: 201 + 400/2 = 401 in 24 h; baseline Oct 27-Nov 23 = 40/day; 401 > 3×40
                and >= 20: spike (10.0×). Total 9,760 + 400 + 201 = 10,361: 10,000 passed
                within the 24 hours (10,361 - 401 = 9,960), a milestone. v3.0: 18 h of Nov
                24 measured (to its end): 400×18/24 = 300 stars, (300/18)/(40/24) = 10.0×.
  Nov 25 18:00: 301 + 400/4 = 401: still high, no second alert.
  Nov 27 12:00: 21 + 40/2 = 41; baseline Oct 29-Nov 25 = (26×40 + 800)/28 = 65.71: fallen
                back, re-armed.
  Nov 30 12:00: 301 + 600/2 = 601; baseline Nov 1-28 = 65.71; 601 > 197.1: a new spike
                (601/65.71 = 9.1×).
p/plateau 300/day: 151 + 150 = 301 against 300: never.
s/slow    day i since creation (100 days before Nov 25) gets 20 + 2i: a steady climb. On
          Nov 30 at noon: 116 + 228/2 = 230 against Nov 1-28 (i = 76..103), 20 + 2·89.5
          = 199/day: 1.2×, never.
t/tiny    1/day, 12 on Nov 24 and 25: 7 + 6 = 13 in 24 h, 13× its average but below the
          floor of 20: never.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from adapters.text import render_text
from bot.clients.github import GitHubClient
from bot.collection.collector import collect
from bot.core.message import Message
from bot.core.repo_ref import RepoRef
from bot.core.settings import Settings
from bot.core.store import Store
from bot.features.alerts import last_24_hours, pending_alerts
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.testing import FakeClock, FakeGitHub, ScenarioRelease, ScenarioRepo
from bot.testing.github_scenario import Scenario
from storage.sqlite import SqliteStore
from tests.github_support import TOKEN, stars_from
from tests.support import CHANNEL, Chat, Clock

T = datetime(2026, 11, 25, 12, tzinfo=UTC)
SPIKE_START = date(2026, 11, 24)
SPIKE_CREATED = SPIKE_START - timedelta(days=244)
REPOS = [RepoRef("s", "spike"), RepoRef("p", "plateau"), RepoRef("s", "slow"),
         RepoRef("t", "tiny")]


def spike_given(day: date) -> int:
    if day in {date(2026, 11, 24), date(2026, 11, 25)}:
        return 400
    if day in {date(2026, 11, 29), date(2026, 11, 30)}:
        return 600
    return 40


def repo(name: str, github_id: int, created: date, given: Callable[[date], int],
         **details: object) -> ScenarioRepo:
    days = (date(2026, 12, 2) - created).days
    return ScenarioRepo.with_stars(
        name, github_id, datetime.combine(created, time(), UTC),
        stars_from(created, days, given), **details,
    )


def world() -> Scenario:
    slow_created = T.date() - timedelta(days=100)
    return Scenario([
        repo("s/spike", 1, SPIKE_CREATED, spike_given, releases=[
            ScenarioRelease("v3.0", "v3.0", datetime(2026, 11, 24, 6, tzinfo=UTC))
        ]),
        repo("p/plateau", 2, T.date() - timedelta(days=200), lambda day: 300),
        repo("s/slow", 3, slow_created, lambda day: 20 + 2 * (day - slow_created).days),
        repo("t/tiny", 4, T.date() - timedelta(days=90),
             lambda day: 12 if day in {date(2026, 11, 24), date(2026, 11, 25)} else 1),
    ])


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Store]:
    store = await SqliteStore.open(tmp_path / "alerts.db")
    try:
        yield store
    finally:
        await store.close()


async def test_a_spike_alerts_once_and_again_only_after_it_falls_back(
    db: Store, settings: Settings
) -> None:
    clock = FakeClock(T)
    chat = Chat(Router(Context(db, settings, Clock(T))), Clock(T))
    await db.add_to_watch_list(CHANNEL, REPOS, "U_ALICE", T, cap=100)
    assert "Alerts are off here" in await chat.say_text("/momentum alerts")
    assert "above 3× the 28-day" in await chat.say_text("/momentum alerts on")
    assert "Milestones  on (10,000, 50,000, 100,000 stars)" in await chat.say_text(
        "/momentum alerts milestones on"
    )
    sent: dict[datetime, list[tuple[str, Message]]] = {}
    async with FakeGitHub(world(), clock=clock) as fake, GitHubClient(
        api_url=fake.url, graphql_url=fake.graphql_url, token=TOKEN, clock=clock,
        sleep=clock.sleep,
    ) as client:
        for moment in (T, T + timedelta(hours=6), datetime(2026, 11, 27, 12, tzinfo=UTC),
                       datetime(2026, 11, 30, 12, tzinfo=UTC)):
            clock.now = moment
            await collect(db, client, moment)
            due = await pending_alerts(db, moment)
            assert {key for key, _ in due} <= {CHANNEL}
            sent[moment] = [(message.title, message) for _, message in due]

    titles = {moment: [title for title, _ in alerts] for moment, alerts in sent.items()}
    assert list(titles.values()) == [
        ["Star spike: s/spike", "Milestone: s/spike passed 10,000 stars"],
        [],
        [],
        ["Star spike: s/spike"],
    ]
    first = render_text(sent[T][0][1])
    assert (
        "s/spike gained 401 stars in the 24 hours to Nov 25 12:00 UTC, 10.0× its 28-day "
        "average of 40.0/day." in first
    )
    assert ("release v3.0, published Nov 24 06:00 UTC; stars ran 10.0× baseline for 18 h "
            "after it") in first
    assert sent[T][0][1].audience == "channel"
    assert "s/spike has 10,361 stars." in render_text(sent[T][1][1])
    second = render_text(sent[datetime(2026, 11, 30, 12, tzinfo=UTC)][0][1])
    assert "gained 601 stars" in second
    assert "9.1× its 28-day average of 65.7/day" in second


async def test_alerts_off_and_a_higher_factor(db: Store, settings: Settings) -> None:
    clock = FakeClock(T)
    chat = Chat(Router(Context(db, settings, Clock(T))), Clock(T))
    await db.add_to_watch_list(CHANNEL, REPOS, "U_ALICE", T, cap=100)
    # 401 is 10.0× the average: a factor of 10.5 lets it pass; off sends nothing at all.
    assert "above 10.5×" in await chat.say_text("/momentum alerts on 10.5")
    async with FakeGitHub(world(), clock=clock) as fake, GitHubClient(
        api_url=fake.url, graphql_url=fake.graphql_url, token=TOKEN, clock=clock,
        sleep=clock.sleep,
    ) as client:
        await collect(db, client, T)
    assert await pending_alerts(db, T) == []
    await chat.say("/momentum alerts on 9.5")
    assert [m.title for _, m in await pending_alerts(db, T)] == ["Star spike: s/spike"]
    assert "Alerts are off" in await chat.say_text("/momentum alerts off")
    assert await db.alert_settings(CHANNEL) is None
    assert await pending_alerts(db, T) == []


async def test_alert_commands_check_words_and_permissions(
    db: Store, settings: Settings
) -> None:
    chat = Chat(Router(Context(db, settings, Clock(T))), Clock(T))
    assert "'1' is not a factor" in await chat.say_text("/momentum alerts on 1")
    assert "'x3y' is not a factor" in await chat.say_text("/momentum alerts on x3y")
    assert "Unknown alerts command" in await chat.say_text("/momentum alerts sometimes")
    await chat.say("/momentum access managers")
    refused = await chat.say_text("/momentum alerts on", can_manage=False)
    assert "You can't change this channel's alerts" in refused
    assert await db.alert_settings(CHANNEL) is None


def test_the_24_hours_split_yesterday_by_the_hour() -> None:
    daily = {date(2026, 11, 24): 240, date(2026, 11, 25): 30}
    # At 06:00, 18 of yesterday's 24 hours are inside: 30 + 240 × 18/24 = 210.
    assert last_24_hours(daily, datetime(2026, 11, 25, 6, tzinfo=UTC)) == 210
    assert last_24_hours(daily, datetime(2026, 11, 25, 0, tzinfo=UTC)) == 270
