"""PostgreSQL for :class:`storage.store.SqlStore`: one database shared by any number of
bot instances.

A connection pool serves the process. The schema comes from the same numbered migrations
as SQLite (translated by :mod:`storage.dialect`), applied under an advisory lock so that
instances starting together migrate once. Times are ``TIMESTAMPTZ`` and days ``DATE``:
what goes in as an aware UTC datetime comes back equal.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

from bot.core.store import StoreFull
from storage.dialect import numbered_params, postgres_statement, split_statements
from storage.driver import Row, utc
from storage.store import SqlStore

# Advisory lock keys are (namespace, id) pairs of 32-bit ints; the namespace keeps ours
# apart from any other application's locks in the same database.
LOCK_NAMESPACE = 0x6D6F6D  # "mom"
_REPO_LOCK_SPACE = LOCK_NAMESPACE + 1
DEFAULT_POOL_SIZE = 10


class PostgresStore(SqlStore):
    """``DATABASE_URL`` is a libpq-style URL; a ``pool_size`` query parameter sets the
    pool's maximum (default 10), and any other query parameter is a server setting (for
    example ``search_path=momentum`` to keep the tables in their own schema)."""

    driver: PostgresDriver

    @classmethod
    async def open(cls, url: str, *, pool_size: int | None = None) -> PostgresStore:
        return await cls.migrated(await PostgresDriver.connect(url, pool_size=pool_size))

    def terminate(self) -> None:
        """Drop every connection at once, as a crashed process would (for tests)."""
        self.driver.terminate()


class PostgresConnection:
    """Statements on a connection (in a transaction) or on the pool (each on its own)."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def fetch(self, sql: str, *params: Any) -> list[Row]:
        with _full_is_store_full():
            rows = await self._conn.fetch(_sql(sql), *map(_value, params))
        return [tuple(row) for row in rows]

    async def execute(self, sql: str, *params: Any) -> int:
        with _full_is_store_full():
            status: str = await self._conn.execute(_sql(sql), *map(_value, params))
        # The command tag ends in the row count (``UPDATE 1``) unless it has none.
        count = status.rsplit(" ", 1)[-1]
        return int(count) if count.isdigit() else 0

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        # asyncpg pipelines the rows: one round trip for the batch.
        with _full_is_store_full():
            await self._conn.executemany(_sql(sql), [list(map(_value, row)) for row in rows])

    async def copy_rows(
        self, table: str, columns: Sequence[str], records: Sequence[Sequence[Any]]
    ) -> None:
        """Rows in PostgreSQL's COPY protocol: the fastest way in (``momentum db copy``)."""
        with _full_is_store_full():
            await self._conn.copy_records_to_table(table, records=records, columns=columns)

    async def batches(self, sql: str, size: int) -> AsyncIterator[list[Row]]:
        cursor = await self._conn.cursor(sql)
        while rows := await cursor.fetch(size):
            yield [tuple(row) for row in rows]


class PostgresDriver(PostgresConnection):
    for_update = " FOR UPDATE"
    skip_locked = " FOR UPDATE SKIP LOCKED"

    def __init__(self, pool: Any, dsn: str) -> None:
        super().__init__(pool)
        self.pool = pool
        self._dsn = dsn
        # Repo locks are session-level advisory locks, held on one connection of their own
        # for the life of the process, so that a long collection holds neither a pooled
        # connection nor a transaction; if this process dies, PostgreSQL drops the session
        # and with it every lock.
        self._lock_conn: Any = None  # asyncpg ships no type information
        self._lock_guard = asyncio.Lock()
        self._held: set[int] = set()

    @classmethod
    async def connect(cls, url: str, *, pool_size: int | None = None) -> PostgresDriver:
        dsn, size = split_url(url)
        pool = await asyncpg.create_pool(
            dsn=dsn, min_size=1, max_size=pool_size or size or DEFAULT_POOL_SIZE
        )
        return cls(pool, dsn)

    async def close(self) -> None:
        if self._lock_conn is not None:
            await self._lock_conn.close()
            self._lock_conn = None
        await self.pool.close()

    def terminate(self) -> None:
        if self._lock_conn is not None:
            self._lock_conn.terminate()
        self.pool.terminate()

    @asynccontextmanager
    async def transaction(self, *, migrating: bool = False) -> AsyncIterator[PostgresConnection]:
        async with self.pool.acquire() as conn, conn.transaction():
            if migrating:
                # Held to the end of the transaction: a second instance starting now waits,
                # then finds every migration applied. Keyed by schema so that separate
                # schemas (tests, several deployments in one database) do not wait.
                await conn.execute(
                    "SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))",
                    LOCK_NAMESPACE,
                )
            yield PostgresConnection(conn)

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[PostgresConnection]:
        async with (
            self.pool.acquire() as conn,
            conn.transaction(isolation="repeatable_read", readonly=True),
        ):
            yield PostgresConnection(conn)

    def statements(self, script: str) -> list[str]:
        return [postgres_statement(statement) for statement in split_statements(script)]

    async def try_lock(self, key: int) -> bool:
        async with self._lock_guard:
            if key in self._held:
                return False
            if self._lock_conn is None or self._lock_conn.is_closed():
                # A lost session lost its locks too: forget them rather than unlock later.
                self._held.clear()
                self._lock_conn = await asyncpg.connect(self._dsn)
            got = await self._lock_conn.fetchval(
                "SELECT pg_try_advisory_lock($1, $2)", _REPO_LOCK_SPACE, key
            )
            if got:
                self._held.add(key)
            return bool(got)

    async def unlock(self, key: int) -> None:
        async with self._lock_guard:
            if key not in self._held:
                return
            self._held.discard(key)
            if self._lock_conn is not None and not self._lock_conn.is_closed():
                await self._lock_conn.execute(
                    "SELECT pg_advisory_unlock($1, $2)", _REPO_LOCK_SPACE, key
                )


@contextmanager
def _full_is_store_full() -> Iterator[None]:
    try:
        yield
    except asyncpg.DiskFullError as exc:
        raise StoreFull(str(exc)) from exc


_sql = lru_cache(maxsize=512)(numbered_params)  # each query's SQL is a constant


def _value(param: Any) -> Any:
    return utc(param) if isinstance(param, datetime) else param


def split_url(url: str) -> tuple[str, int | None]:
    """``url`` without Momentum's own ``pool_size`` parameter, and that parameter."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    size = next((int(value) for name, value in query if name == "pool_size"), None)
    rest = urlencode([(name, value) for name, value in query if name != "pool_size"])
    return urlunsplit(parts._replace(query=rest)), size
