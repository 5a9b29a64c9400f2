"""Where Momentum keeps its data: implementations of :class:`bot.store.Store`."""

from __future__ import annotations

import sqlite3

from bot.store import Store


class StoreUnavailable(Exception):
    """The database that ``DATABASE_URL`` names cannot be opened; the message says why."""


async def open_store(database_url: str) -> Store:
    """Open (and migrate) the store that ``database_url`` names."""
    if database_url.startswith("sqlite:///"):
        from storage.sqlite import SqliteStore

        path = database_url.removeprefix("sqlite:///")
        try:
            return await SqliteStore.open(path)
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"cannot open the SQLite database {path!r}: {exc}") from exc
    if database_url.startswith(("postgresql://", "postgres://")):
        raise StoreUnavailable(
            "DATABASE_URL names PostgreSQL, which this version does not support yet; "
            "use sqlite:///momentum.db"
        )
    raise StoreUnavailable(f"DATABASE_URL={database_url!r} is not a sqlite:/// address")
