"""``watch add`` and ``repo`` against the fake GitHub: checked, canonical, collected."""

from __future__ import annotations

from pathlib import Path

from bot.collection.service import DataService
from bot.core.settings import Settings
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.testing import FakeClock, Fault
from storage.sqlite import SqliteStore
from tests.github_support import BIG, MID, T1, github, scenario
from tests.support import Chat, Clock


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
            assert "could not be reached about big/rocket just now" in text
            assert "being collected now" not in text
            await data.close()
    finally:
        await store.close()
