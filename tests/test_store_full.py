"""A database that fills up (a full disk, or SQLite's size limit) changes a command all or
nothing, and the reply says which."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.collection.service import DataService
from bot.core.repo_ref import RepoRef
from bot.core.settings import Settings
from bot.core.store import Snapshot, StoreFull
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.testing import FakeClock
from storage.sqlite import SqliteStore
from tests.github_support import BIG, MID, T1, github, scenario
from tests.support import Chat, Clock

FULL = "Nothing was changed: the database is full"


async def full_store(path: Path) -> SqliteStore:
    """A store whose file may not grow by a single page, as on a full disk, and whose
    snapshots (what collection writes most) filled it: the other tables' pages still have
    room, so a watch list can change and the first snapshot of a new repo cannot."""
    store = await SqliteStore.open(path)
    filler = await store.add_repo(RepoRef("filler", "repo"), T1)
    [(pages,)] = await store.driver.fetch("PRAGMA page_count")
    await store.driver.execute(f"PRAGMA max_page_count = {pages}")
    minutes = 0
    try:
        while True:
            minutes += 1
            await store.add_snapshot(filler.id, Snapshot(T1 - timedelta(minutes=minutes), 9))
    except StoreFull:
        return store


async def test_watch_add_on_a_full_store_changes_nothing_and_says_so(
    tmp_path: Path, settings: Settings
) -> None:
    clock = FakeClock(T1)
    store = await full_store(tmp_path / "m.db")
    try:
        async with github(scenario(), clock, token=None) as (_, client):
            data = DataService(store, client, clock)
            chat = Chat(Router(Context(store, settings, clock, data=data)), Clock(T1))
            reply = await chat.say_text(f"watch add {BIG} {MID}")
            await data.wait_idle()
            await data.close()
        assert FULL in reply
        assert "free disk space" in reply
        assert await store.watch_list(chat.channel) == []
        assert await store.watch_audit(chat.channel) == []
    finally:
        await store.close()


async def test_once_there_is_room_the_same_command_applies_fully(
    tmp_path: Path, settings: Settings
) -> None:
    clock = FakeClock(T1)
    store = await full_store(tmp_path / "m.db")
    try:
        async with github(scenario(), clock, token=None) as (_, client):
            data = DataService(store, client, clock)
            chat = Chat(Router(Context(store, settings, clock, data=data)), Clock(T1))
            assert FULL in await chat.say_text(f"watch add {BIG} {MID}")
            await store.driver.execute("PRAGMA max_page_count = 1000000")  # room made
            reply = await chat.say_text(f"watch add {BIG} {MID}")
            await data.wait_idle()
            await data.close()
        assert "Added 2 repos: big/rocket, mid/comet." in reply
        assert [item.repo.ref for item in await store.watch_list(chat.channel)] == [BIG, MID]
        big = await store.find_repo(BIG)
        assert big is not None
        assert big.metadata.description == "A rocket <!channel>"
    finally:
        await store.close()


async def test_a_list_that_cannot_grow_changes_nothing_without_github(
    tmp_path: Path, settings: Settings, clock: Clock
) -> None:
    store = await SqliteStore.open(tmp_path / "m.db")
    try:
        [(pages,)] = await store.driver.fetch("PRAGMA page_count")
        await store.driver.execute(f"PRAGMA max_page_count = {pages}")
        chat = Chat(Router(Context(store, settings, clock)), clock)
        added = 0
        while "Added 1 repo" in (reply := await chat.say_text(f"watch add o/repo-{added}")):
            added += 1
        assert FULL in reply
        assert 0 < added < settings.max_watch
        assert len(await store.watch_list(chat.channel)) == added
        assert len(await store.watch_audit(chat.channel)) == added
    finally:
        await store.close()
