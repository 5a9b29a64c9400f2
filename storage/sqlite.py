"""SQLite for :class:`storage.store.SqlStore`: one file, WAL mode, foreign keys on.

One connection serves the process; a lock keeps one task's transaction from interleaving
with another's on it. ``BEGIN IMMEDIATE`` makes a second process that shares the file wait
for the write lock instead of failing half-way. Times are kept as ISO-8601 UTC text
(``2026-11-22T09:00:00+00:00``), days as ``YYYY-MM-DD``: text that sorts as time does.
"""

from __future__ import annotations

import asyncio
import shlex
import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, closing, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.core.store import StoreFull
from storage import StoreUnavailable
from storage.dialect import split_statements
from storage.driver import Row, utc
from storage.store import SqlStore


class SqliteStore(SqlStore):
    @classmethod
    async def open(cls, path: str | Path) -> SqliteStore:
        return await cls.migrated(await SqliteDriver.connect(path))


class SqliteDriver:
    for_update = ""
    skip_locked = ""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        self._on = _Connection(db)
        self._lock = asyncio.Lock()
        # One SQLite file serves one process, so collection locks live in memory.
        self._held: set[int] = set()

    @classmethod
    async def connect(cls, path: str | Path) -> SqliteDriver:
        # A failed aiosqlite.connect leaves its worker thread racing the closing event loop
        # (a stray traceback at exit), so learn whether the file opens before handing over,
        # and whether it is sound: damage found at start beats a briefing failing later.
        await asyncio.to_thread(_check, path)
        db = await aiosqlite.connect(path, isolation_level=None)
        try:
            for pragma in ("journal_mode = WAL", "foreign_keys = ON", "busy_timeout = 10000",
                           "synchronous = NORMAL"):
                await db.execute(f"PRAGMA {pragma}")
        except BaseException:
            await db.close()
            raise
        return cls(db)

    async def close(self) -> None:
        await self._db.close()

    async def fetch(self, sql: str, *params: Any) -> list[Row]:
        # One trip to aiosqlite's thread instead of three (execute, fetch, close): reads
        # are most of what a briefing does.
        async with self._lock:
            return await self._on.fetch(sql, *params)

    async def execute(self, sql: str, *params: Any) -> int:
        # A statement alone is a transaction of its own: no BEGIN, one trip.
        async with self._lock:
            with _full_is_store_full():
                return await self._on.execute(sql, *params)

    @asynccontextmanager
    async def transaction(self, *, migrating: bool = False) -> AsyncIterator[_Connection]:
        async with self._lock:
            with _full_is_store_full():
                await self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._on
                    await self._db.execute("COMMIT")
                except BaseException:
                    # SQLite has rolled back by itself after some errors (a full disk).
                    if self._db.in_transaction:
                        await self._db.execute("ROLLBACK")
                    raise

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[_Connection]:
        async with self._lock:
            # In WAL mode a read transaction sees one snapshot, whatever others write.
            await self._db.execute("BEGIN")
            try:
                yield self._on
            finally:
                await self._db.execute("COMMIT")

    def statements(self, script: str) -> list[str]:
        return list(split_statements(script))

    async def try_lock(self, key: int) -> bool:
        taken = key in self._held
        self._held.add(key)
        return not taken

    async def unlock(self, key: int) -> None:
        self._held.discard(key)


class _Connection:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def fetch(self, sql: str, *params: Any) -> list[Row]:
        rows = await self._db.execute_fetchall(sql, [_value(p) for p in params])
        return [tuple(row) for row in rows]

    async def execute(self, sql: str, *params: Any) -> int:
        async with self._db.execute(sql, [_value(p) for p in params]) as cursor:
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._db.executemany(sql, [[_value(p) for p in row] for row in rows])

    async def batches(self, sql: str, size: int) -> AsyncIterator[list[Row]]:
        async with self._db.execute(sql) as cursor:
            while rows := await cursor.fetchmany(size):
                yield [tuple(row) for row in rows]


def _value(param: Any) -> Any:
    if isinstance(param, datetime):
        return utc(param).isoformat()
    if isinstance(param, date):
        return param.isoformat()
    return param


@contextmanager
def _full_is_store_full() -> Iterator[None]:
    try:
        yield
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode == sqlite3.SQLITE_FULL:
            raise StoreFull(str(exc)) from exc
        raise


def _check(path: str | Path) -> None:
    try:
        with closing(sqlite3.connect(path)) as db:
            db.text_factory = lambda text: text.decode(errors="replace")
            problems = [row[0] for row in db.execute("PRAGMA quick_check(1)")]
    except sqlite3.DatabaseError as exc:
        if exc.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            raise
        problems = [str(exc)]
    except UnicodeDecodeError:  # the message quotes a schema whose text is damaged
        problems = ["malformed database schema"]
    if problems != ["ok"]:
        problem = " ".join(problems[0].split())  # one line: quick_check's spans several
        raise StoreUnavailable(
            f"the SQLite database {str(path)!r} is damaged ({problem}); stop the bot and"
            " restore the file from a backup, or save what is readable with"
            f" `sqlite3 {shlex.quote(str(path))} .recover | sqlite3 recovered.db`"
            " and set DATABASE_URL=sqlite:///recovered.db"
        )
