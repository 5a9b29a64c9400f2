"""``watch add`` and ``repo`` against the fake GitHub: checked, canonical, collected."""

from __future__ import annotations

import re
import socket
from datetime import timedelta
from pathlib import Path

from bot.collection.service import DataService
from bot.core.settings import Settings
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.testing import FakeClock, FakeGitHub, Fault, ScenarioRepo
from bot.testing.github_scenario import Scenario
from storage.sqlite import SqliteStore
from tests.github_support import BIG, MID, T1, TOKEN, github, scenario
from tests.support import Chat, Clock
from tests.test_console import momentum


async def test_added_repos_are_checked_spelt_as_github_does_and_collected(
    tmp_path: Path, settings: Settings
) -> None:
    clock = FakeClock(T1)
    store = await SqliteStore.open(tmp_path / "m.db")
    try:
        async with github(scenario(), clock, token=None) as (fake, client):
            data = DataService(store, client, clock)
            chat = Chat(Router(Context(store, settings, clock, data=data)), Clock(T1))

            refused = await chat.say_text("watch add Big/Rocket nobody/nothing")
            assert "Nothing was added: 1 repo does not exist on GitHub" in refused
            assert "nobody/nothing" in refused
            assert await store.watch_list(chat.channel) == []

            added = await chat.say_text("watch add BIG/ROCKET mid/comet")
            assert "Added 2 repos: big/rocket, mid/comet." in added
            assert "being collected now" in added
            await data.wait_idle()
            # Never the closed stargazer list; one check and the history pages per repo.
            assert fake.stats.calls["stargazers"] == 0
            assert fake.stats.calls["history"] >= 2

            # Nov 18-24 are days 592-598 of big/rocket: 250, 270, 290, 210, 230, 250, 270
            # = 1,770 (252.9/day); Nov 11-17, days 585-591: 1,690 (241.4/day); +11.4, +5%.
            # Total at T1 (noon): 150,000 - 290 (today's stars) + 146 (reached by noon)
            # - 3 unstarred = 149,853.
            text = await chat.say_text("repo big/rocket")
            assert "252.9/day (prior 241.4/day, +11.4, +5%)" in text
            assert "149,853" in text
            assert "A rocket <!channel>" in text  # plain text here; renderers escape it
            # mid/comet: 200 every day since its creation 149 days before T1.
            text = await chat.say_text(f"repo {MID}")
            assert "200.0/day (prior 200.0/day, ±0.0, +0%)" in text
            await data.close()
    finally:
        await store.close()


async def test_a_github_outage_does_not_stop_an_add(tmp_path: Path, settings: Settings) -> None:
    clock = FakeClock(T1)
    store = await SqliteStore.open(tmp_path / "m.db")
    try:
        async with github(scenario(), clock, token=None, max_retries=1) as (fake, client):
            data = DataService(store, client, clock)
            chat = Chat(Router(Context(store, settings, clock, data=data)), Clock(T1))
            fake.inject(Fault(status=503, times=10, path=f"/repos/{BIG}"))
            text = await chat.say_text(f"watch add {BIG}")
            assert "Added 1 repo: big/rocket." in text
            assert "Added unchecked: big/rocket." in text
            assert "GitHub answered with server errors" in text
            assert "being collected now" not in text
            await data.close()
    finally:
        await store.close()


def many(count: int) -> Scenario:
    """``org/r0`` .. : 30 days old, 10 stars a day."""
    created = T1 - timedelta(days=30)
    return Scenario([ScenarioRepo.with_daily(f"org/r{n}", 100 + n, created, [10] * 31)
                     for n in range(count)])


async def test_the_cap_and_duplicates_are_applied_before_any_github_request(
    tmp_path: Path, settings: Settings
) -> None:
    clock = FakeClock(T1)
    store = await SqliteStore.open(tmp_path / "m.db")
    try:
        async with github(scenario(), clock, token=None) as (fake, client):
            data = DataService(store, client, clock)
            chat = Chat(Router(Context(store, settings, clock, data=data)), Clock(T1))
            names = " ".join(f"org/r{n}" for n in range(421))
            text = await chat.say_text(f"watch add {names}")
            assert "Nothing was added: the watch list would be too long" in text
            assert "(room for 100)" in text
            assert sum(fake.stats.calls.values()) == 0
            assert await store.watch_list(chat.channel) == []

            text = await chat.say_text(f"watch add {BIG} BIG/ROCKET {BIG}")
            assert "Added 1 repo: big/rocket." in text
            await data.wait_idle()
            assert fake.stats.calls["repo"] == 1  # one check for the three spellings
            # Already on the list: no check at all.
            text = await chat.say_text(f"watch add {BIG}")
            assert "Already on the list: big/rocket." in text
            assert fake.stats.calls["repo"] == 1
            await data.close()
    finally:
        await store.close()


async def test_with_a_token_names_are_checked_in_graphql_batches(
    tmp_path: Path, settings: Settings
) -> None:
    clock = FakeClock(T1)
    store = await SqliteStore.open(tmp_path / "m.db")
    try:
        async with github(many(60), clock, token=TOKEN) as (fake, client):
            data = DataService(store, client, clock)
            chat = Chat(Router(Context(store, settings, clock, data=data)), Clock(T1))
            text = await chat.say_text("watch add " + " ".join(f"org/r{n}" for n in range(60)))
            assert "Added 60 repos" in text
            assert "unchecked" not in text
            await data.wait_idle()
            # No REST check: 60 names are two GraphQL queries (49 + 11), and the background
            # collection's metadata two more; its history is one page per repo.
            assert fake.stats.calls["repo"] == 0
            assert fake.stats.calls["graphql"] == 2 + 2
            assert fake.stats.calls["history"] == 60
            await data.close()
    finally:
        await store.close()


async def test_without_a_token_a_command_checks_at_most_twenty_names_and_lists_the_rest(
    tmp_path: Path, settings: Settings
) -> None:
    clock = FakeClock(T1)
    store = await SqliteStore.open(tmp_path / "m.db")
    try:
        async with github(many(25), clock, token=None) as (fake, client):
            data = DataService(store, client, clock)
            chat = Chat(Router(Context(store, settings, clock, data=data)), Clock(T1))
            text = await chat.say_text("watch add " + " ".join(f"org/r{n}" for n in range(25)))
            assert "Added 25 repos" in text
            unchecked = ", ".join(f"org/r{n}" for n in range(20, 25))
            assert f"Added unchecked: {unchecked}." in text
            assert "a command checks at most 20 repos on GitHub" in text
            await data.wait_idle()
            # 20 checks; the 20 checked repos are collected (a page each), the other 5
            # wait for the next refresh: 40 of the anonymous hour's 60.
            assert fake.stats.calls["repo"] == 20
            assert fake.stats.calls["history"] == 20
            await data.close()
    finally:
        await store.close()


async def test_with_github_unreachable_the_console_says_the_repos_were_added_unchecked(
    tmp_path: Path,
) -> None:
    with socket.socket() as sock:  # a port nothing listens on once this is closed
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    async with FakeGitHub(scenario()) as fake:
        result = await momentum(
            ["console"], f"watch add {BIG} {MID}\nwatch list\n", tmp_path, fake,
            GITHUB_API_URL=closed, GITHUB_GRAPHQL_URL=f"{closed}/graphql",
        )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Added 2 repos: big/rocket, mid/comet." in result.stdout
    # The client retries a refused connection with jittered backoff (3.75 to 7.5 s in
    # all), so for each repo either it gives up first or the check's 5 s deadline does
    # (on a loaded machine a connect may time out instead of being refused).
    text = " ".join(result.stdout.split())
    reason = (r"(GitHub could not be reached|GitHub did not answer within 5 s"
              r"|GitHub did not answer in time)")
    assert re.search(
        r"Added unchecked: big/rocket, mid/comet\. GitHub could not check them just now "
        rf"\({reason}(; {reason})?\); the next refresh checks and collects them", text
    ), text
    assert "Watch list: 2 of 100 repos" in result.stdout
    assert sum(fake.stats.calls.values()) == 0
