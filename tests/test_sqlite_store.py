"""What only the SQLite backend promises: one file, WAL, foreign keys, migrations."""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from storage.migrations import load_migrations
from storage.sqlite import SqliteStore

T0 = datetime(2026, 4, 13, 9, 0, tzinfo=UTC)


async def test_migrations_are_applied_once_and_recorded(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    store = await SqliteStore.open(path)
    await store.add_to_watch_list(ChannelKey("console", "local", "c"), [RepoRef("a", "b")],
                                  "me", T0, cap=5)
    await store.close()
    store = await SqliteStore.open(path)
    try:
        assert await store.schema_version() == len(load_migrations())
        assert len(await store.watch_list(ChannelKey("console", "local", "c"))) == 1
    finally:
        await store.close()
    with sqlite3.connect(path) as raw:
        versions = [row[0] for row in raw.execute("SELECT version FROM schema_migrations")]
        assert versions == list(range(1, len(load_migrations()) + 1))
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "m.db")
    try:
        with pytest.raises(sqlite3.IntegrityError):
            await store.put_daily_stars(4242, {T0.date(): 1}, T0)
    finally:
        await store.close()


async def test_a_database_newer_than_the_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    await (await SqliteStore.open(path)).close()
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO schema_migrations VALUES (999, 'future', '2030-01-01')")
    with pytest.raises(RuntimeError, match="newer than this program"):
        await SqliteStore.open(path)
