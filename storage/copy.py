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
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from graphlib import CycleError, TopologicalSorter
from typing import Any

from storage import open_store
from storage.driver import Driver, Reader, Row, Statements
from storage.postgres import PostgresConnection, PostgresDriver

BATCH = 5000
SKIPPED_TABLES = frozenset({"schema_migrations"})


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


async def copy_store(
    source_url: str, target_url: str, *, progress: Callable[[str, int], None] | None = None
) -> CopyReport:
    if not target_url.startswith(("postgresql://", "postgres://")):
        raise CopyError("the target must be a postgresql:// database")
    if source_url == target_url:
        raise CopyError("the source and the target are the same database")
    # Opening migrates: both ends reach the newest schema this program knows.
    source = await open_store(source_url)
    try:
        target = await open_store(target_url)
        try:
            assert isinstance(target.driver, PostgresDriver)
            return await _copy(source.driver, target.driver, progress)
        finally:
            await target.close()
    finally:
        await source.close()


async def _copy(
    source: Driver, target: PostgresDriver, progress: Callable[[str, int], None] | None
) -> CopyReport:
    tables = await _tables_in_order(target)
    columns = {table: await _columns(target, table) for table in tables}
    filled = [t for t in tables if (await target.fetch(f'SELECT EXISTS (SELECT FROM "{t}")'))[0][0]]
    if filled:
        raise CopyError(f"the target is not empty ({', '.join(filled)} hold rows)")
    source_sums = {}
    async with source.snapshot() as reader, target.transaction() as tx:
        for table in tables:
            source_sums[table] = await _copy_table(reader, tx, table, columns[table], progress)
        await _advance_identities(tx, tables)
    checks = []
    async with target.snapshot() as written:
        for table in tables:
            source_rows, source_sum = source_sums[table]
            target_rows, target_sum = await _checksum(written, table, columns[table])
            checks.append(TableCheck(table, source_rows, target_rows, source_sum, target_sum))
    async with source.snapshot() as again:
        changed = [
            table for table in tables
            if await _checksum(again, table, columns[table]) != source_sums[table]
        ]
    return CopyReport(checks, changed)


async def _copy_table(
    reader: Reader, target: PostgresConnection, table: str, columns: Sequence[tuple[str, str]],
    progress: Callable[[str, int], None] | None,
) -> tuple[int, str]:
    names = [name for name, _ in columns]

    async def write(batch: list[Row]) -> None:
        await target.copy_rows(table, names, [
            tuple(_to_pg(value, kind) for value, (_, kind) in zip(row, columns, strict=True))
            for row in batch
        ])

    return await _checksum(reader, table, columns, write, progress)


async def _checksum(
    reader: Reader, table: str, columns: Sequence[tuple[str, str]],
    write: Callable[[list[Row]], Awaitable[None]] | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> tuple[int, str]:
    """Row count and an order-free checksum: the sum of the rows' SHA-256 digests (each
    batch read is also handed to ``write``)."""
    count, total = 0, 0
    async for batch in reader.batches(_select(table, columns), BATCH):
        if write is not None:
            await write(batch)
        total = (total + sum(_row_hash(row) for row in batch)) % (1 << 256)
        count += len(batch)
        if progress is not None:
            progress(table, count)
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


async def _tables_in_order(target: Statements) -> list[str]:
    """The schema's tables, every table after those it references."""
    names = [
        row[0] for row in await target.fetch(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            " ORDER BY table_name"
        )
        if row[0] not in SKIPPED_TABLES
    ]
    parents: dict[str, set[str]] = {name: set() for name in names}
    for child, parent in await target.fetch(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint"
        " WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"
    ):
        if child in parents and parent != child:
            parents[child].add(parent)
    try:
        return list(TopologicalSorter(parents).static_order())
    except CycleError as exc:
        raise CopyError(f"the tables' references form a cycle: {exc.args[1]}") from exc


async def _columns(target: Statements, table: str) -> list[tuple[str, str]]:
    rows = await target.fetch(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
        table,
    )
    return [(row[0], row[1]) for row in rows]


async def _advance_identities(target: Statements, tables: Sequence[str]) -> None:
    """Ids were copied as they were: new rows must be numbered after them."""
    for table, column in await target.fetch(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_identity = 'YES'"
    ):
        if table in tables:
            await target.fetch(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                f" COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
            )


def _select(table: str, columns: Sequence[tuple[str, str]]) -> str:
    # Quoted: names such as "key" and "position" are keywords somewhere.
    names = ", ".join(f'"{name}"' for name, _ in columns)
    return f'SELECT {names} FROM "{table}"'
