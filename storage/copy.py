"""Copy every table of one store into an empty PostgreSQL store, and prove nothing was lost.

Both stores are first migrated to the newest schema, so their tables and columns match.
The source is read in one transaction (a consistent snapshot even while a bot still
writes to it), the target written in one (all or nothing), ids kept as they are. Each
table is then compared by row count and by a checksum that ignores row order and
dialect: every value is rendered as SQLite stores it (times as ISO-8601 UTC text, days
as ``YYYY-MM-DD``) before hashing. The source is checked once more at the end, so a bot
that kept writing during the copy is noticed rather than silently left behind.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

import aiosqlite
import asyncpg

from storage import open_store
from storage.postgres import split_url

BATCH = 5000
SKIPPED_TABLES = frozenset({"schema_migrations"})
Row = tuple[Any, ...]


class CopyError(Exception):
    """The copy was refused or did not verify; the message says why."""


@dataclass(frozen=True, slots=True)
class TableCheck:
    table: str
    source_rows: int
    target_rows: int
    source_sum: str
    target_sum: str

    @property
    def ok(self) -> bool:
        return (self.source_rows, self.source_sum) == (self.target_rows, self.target_sum)


@dataclass(frozen=True, slots=True)
class CopyReport:
    tables: list[TableCheck]
    source_changed: list[str]  # tables the source changed in while the copy ran

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.tables) and not self.source_changed


class Reader(Protocol):
    def batches(
        self, table: str, columns: Sequence[tuple[str, str]]
    ) -> AsyncIterator[list[Row]]: ...


async def copy_store(
    source_url: str, target_url: str, *, progress: Callable[[str, int], None] | None = None
) -> CopyReport:
    if not target_url.startswith(("postgresql://", "postgres://")):
        raise CopyError("the target must be a postgresql:// database")
    if source_url == target_url:
        raise CopyError("the source and the target are the same database")
    # Opening migrates: both ends reach the newest schema this program knows.
    for url in (source_url, target_url):
        await (await open_store(url)).close()
    target = await asyncpg.connect(split_url(target_url)[0])
    try:
        tables = await _tables_in_order(target)
        columns = {table: await _columns(target, table) for table in tables}
        filled = [
            t for t in tables if await target.fetchval(f'SELECT EXISTS (SELECT FROM "{t}")')
        ]
        if filled:
            raise CopyError(f"the target is not empty ({', '.join(filled)} hold rows)")
        async with _reader(source_url) as reader:
            source_sums = {}
            async with target.transaction():
                for table in tables:
                    source_sums[table] = await _copy_table(
                        reader, target, table, columns[table], progress
                    )
                await _advance_identities(target, tables)
        checks = []
        for table in tables:
            source_rows, source_sum = source_sums[table]
            target_rows, target_sum = await _checksum(
                _PostgresReader(target).batches(table, columns[table])
            )
            checks.append(TableCheck(table, source_rows, target_rows, source_sum, target_sum))
        async with _reader(source_url) as again:
            changed = [
                table for table in tables
                if await _checksum(again.batches(table, columns[table])) != source_sums[table]
            ]
        return CopyReport(checks, changed)
    finally:
        await target.close()


async def _copy_table(
    reader: Reader,
    target: Any,
    table: str,
    columns: Sequence[tuple[str, str]],
    progress: Callable[[str, int], None] | None,
) -> tuple[int, str]:
    count, total = 0, 0
    names = [name for name, _ in columns]
    async for batch in reader.batches(table, columns):
        records = [tuple(_to_pg(value, kind) for value, (_, kind) in zip(row, columns,
                                                                         strict=True))
                   for row in batch]
        await target.copy_records_to_table(table, records=records, columns=names)
        for row in batch:
            total = (total + _row_hash(row)) % (1 << 256)
        count += len(batch)
        if progress is not None:
            progress(table, count)
    return count, f"{total:064x}"


async def _checksum(batches: AsyncIterator[list[Row]]) -> tuple[int, str]:
    """Row count and an order-free checksum: the sum of the rows' SHA-256 digests."""
    count, total = 0, 0
    async for batch in batches:
        for row in batch:
            total = (total + _row_hash(row)) % (1 << 256)
        count += len(batch)
    return count, f"{total:064x}"


def _row_hash(row: Row) -> int:
    canonical = json.dumps([_canonical(value) for value in row], ensure_ascii=False)
    return int.from_bytes(hashlib.sha256(canonical.encode()).digest(), "big")


def _canonical(value: Any) -> Any:
    """The value as SQLite keeps it, whichever store it was read from."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, float):
        return repr(value)
    return value


def _to_pg(value: Any, kind: str) -> Any:
    """A value read from either store, as asyncpg writes a column of type ``kind``."""
    if value is None or not isinstance(value, str):
        return value
    if kind == "timestamp with time zone":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    return value


async def _tables_in_order(conn: Any) -> list[str]:
    """The schema's tables, every table after those it references."""
    names = [
        row[0] for row in await conn.fetch(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            " ORDER BY table_name"
        )
        if row[0] not in SKIPPED_TABLES
    ]
    parents: dict[str, set[str]] = {name: set() for name in names}
    for child, parent in await conn.fetch(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint"
        " WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"
    ):
        if child in parents and parent != child:
            parents[child].add(parent)
    ordered: list[str] = []
    while parents:
        ready = sorted(name for name, needs in parents.items() if needs <= set(ordered))
        if not ready:
            raise CopyError(f"the tables' references form a cycle: {sorted(parents)}")
        ordered += ready
        for name in ready:
            del parents[name]
    return ordered


async def _columns(
    conn: Any,
    table: str,
) -> list[tuple[str, str]]:
    rows = await conn.fetch(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        table,
    )
    return [(row[0], row[1]) for row in rows]


async def _advance_identities(
    conn: Any,
    tables: Sequence[str],
) -> None:
    """Ids were copied as they were: new rows must be numbered after them."""
    for table, column in await conn.fetch(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_identity = 'YES'"
    ):
        if table in tables:
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                f" COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
            )


def _select(table: str, columns: Sequence[tuple[str, str]]) -> str:
    # Quoted: names such as "key" and "position" are keywords somewhere.
    names = ", ".join(f'"{name}"' for name, _ in columns)
    return f'SELECT {names} FROM "{table}"'


@asynccontextmanager
async def _reader(url: str) -> AsyncIterator[Reader]:
    if url.startswith("sqlite:///"):
        db = await aiosqlite.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        try:
            # One read transaction: in WAL mode, a snapshot that a running bot's writes
            # do not disturb.
            await db.execute("BEGIN")
            yield _SqliteReader(db)
            await db.execute("COMMIT")
        finally:
            await db.close()
        return
    conn = await asyncpg.connect(split_url(url)[0])
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            yield _PostgresReader(conn)
    finally:
        await conn.close()


@dataclass
class _SqliteReader:
    db: aiosqlite.Connection

    async def batches(
        self, table: str, columns: Sequence[tuple[str, str]]
    ) -> AsyncIterator[list[Row]]:
        async with self.db.execute(_select(table, columns)) as cursor:
            while rows := await cursor.fetchmany(BATCH):
                yield [tuple(row) for row in rows]


@dataclass
class _PostgresReader:
    conn: Any

    async def batches(
        self, table: str, columns: Sequence[tuple[str, str]]
    ) -> AsyncIterator[list[Row]]:
        # A cursor needs a transaction; reuse the caller's or open a short one.
        if self.conn.is_in_transaction():
            async for batch in self._cursor(_select(table, columns)):
                yield batch
            return
        async with self.conn.transaction(isolation="repeatable_read", readonly=True):
            async for batch in self._cursor(_select(table, columns)):
                yield batch

    async def _cursor(self, query: str) -> AsyncIterator[list[Row]]:
        cursor = await self.conn.cursor(query)
        while rows := await cursor.fetch(BATCH):
            yield [tuple(row) for row in rows]
