"""Where Momentum keeps its data: :class:`storage.store.SqlStore`, the one implementation of
:class:`bot.core.store.Store`, on SQLite (:mod:`storage.sqlite`) or PostgreSQL
(:mod:`storage.postgres`)."""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit, urlunsplit

from storage.store import SqlStore


class StoreUnavailable(Exception):
    """The database that ``DATABASE_URL`` names cannot be opened; the message says why."""


async def open_store(database_url: str) -> SqlStore:
    """Open (and migrate) the store that ``database_url`` names."""
    if database_url.startswith("sqlite:///"):
        from storage.sqlite import SqliteStore

        path = database_url.removeprefix("sqlite:///")
        try:
            return await SqliteStore.open(path)
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"cannot open the SQLite database {path!r}: {exc}") from exc
    if not database_url.startswith(("postgresql://", "postgres://")):
        raise StoreUnavailable(
            f"DATABASE_URL={database_url!r} is neither a sqlite:/// nor a postgresql:// address"
        )
    try:
        # asyncpg is the optional `postgres` extra: only a PostgreSQL install needs it.
        from storage.postgres import PostgresStore
    except ImportError as exc:
        raise StoreUnavailable(
            "DATABASE_URL names PostgreSQL, which needs asyncpg:"
            " pip install 'momentum-bot[postgres]'"
        ) from exc
    try:
        return await PostgresStore.open(database_url)
    except Exception as exc:
        network = isinstance(exc, TimeoutError | OSError)
        if not network and not type(exc).__module__.startswith("asyncpg"):
            raise
        where = f"PostgreSQL at {redacted_url(database_url)}: {exc}"
        raise StoreUnavailable(f"cannot {'reach' if network else 'open'} {where}") from exc


def redacted_url(url: str) -> str:
    """The URL without its password, fit for an error message."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
