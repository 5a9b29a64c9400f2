"""What a backend gives :class:`storage.store.SqlStore`: statements run, transactions, locks.

Queries are written once, in the SQL both backends share, with ``?`` placeholders; a driver
turns them into its own (``$1, $2, …`` for PostgreSQL) and converts values on the way in:
times go in as aware datetimes, days as dates, and each driver stores them as its schema
declares them (ISO-8601 UTC text in SQLite, ``TIMESTAMPTZ`` and ``DATE`` in PostgreSQL).
What comes back is in the backend's form; the store reads both.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any, Protocol

Row = tuple[Any, ...]


class Statements(Protocol):
    """Where statements run: inside a transaction, or (for a :class:`Driver`) each alone."""

    async def fetch(self, sql: str, *params: Any) -> list[Row]: ...

    async def execute(self, sql: str, *params: Any) -> int:
        """Runs one statement; the number of rows it changed."""
        ...


class Transaction(Statements, Protocol):
    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """One statement for each of ``rows``, sent as one batch."""
        ...


class Reader(Protocol):
    def batches(self, sql: str, size: int) -> AsyncIterator[list[Row]]:
        """A query's rows, ``size`` at a time."""
        ...


class Driver(Statements, Protocol):
    # Ends a one-table SELECT whose rows the transaction goes on to change: PostgreSQL
    # locks them (``skip_locked``: passing over rows another instance holds); SQLite has
    # one writer at a time, so both are empty there.
    for_update: str
    skip_locked: str

    def transaction(self, *, migrating: bool = False) -> AbstractAsyncContextManager[Transaction]:
        """A write transaction; ``migrating`` also shuts out other instances' migrations.
        The database's running out of room raises ``bot.core.store.StoreFull``."""
        ...

    def snapshot(self) -> AbstractAsyncContextManager[Reader]:
        """One read-only transaction: every read sees the database as it was at the first
        (``momentum db copy`` reads a whole database that a bot may still be writing)."""
        ...

    def statements(self, script: str) -> list[str]:
        """A migration (written for SQLite) as this backend runs it."""
        ...

    async def try_lock(self, key: int) -> bool:
        """Takes the lock ``key`` unless someone (this process or another) holds it."""
        ...

    async def unlock(self, key: int) -> None: ...

    async def close(self) -> None: ...


def utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{moment!r} has no time zone; the store keeps UTC times")
    return moment.astimezone(UTC)
