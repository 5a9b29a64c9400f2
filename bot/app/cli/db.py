"""``momentum db``: bring a database's schema up to date, and move an install to PostgreSQL.

    momentum db migrate [--database URL]
    momentum db copy [--from sqlite:///momentum.db] --to postgresql://…

``migrate`` applies pending migrations and may be run any number of times (instances
starting together are safe too: PostgreSQL migrations run under an advisory lock).
``copy`` fills an empty PostgreSQL database from a running install and prints, per table,
row counts and checksums of both sides; it exits non-zero unless every table matches.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from typing import Any, TextIO

from storage import StoreUnavailable, open_store, redacted_url
from storage.migrations import load_migrations


def add_arguments(commands: argparse._SubParsersAction[Any]) -> None:
    """Adds ``db`` and its actions to the ``momentum`` command's subcommands."""
    db = commands.add_parser("db", help="migrate the database, or copy it to PostgreSQL")
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    migrate = actions.add_parser(
        "migrate", help="apply pending schema migrations (safe to run again)"
    )
    migrate.add_argument("--database", metavar="URL", help="default: DATABASE_URL")
    copy = actions.add_parser(
        "copy", help="copy every table into an empty PostgreSQL database, then verify"
    )
    copy.add_argument("--from", dest="source", metavar="URL", help="default: DATABASE_URL")
    copy.add_argument("--to", dest="target", metavar="URL", required=True)


async def run(args: argparse.Namespace, database_url: str, out: TextIO = sys.stdout) -> int:
    """Runs ``momentum db ACTION``; ``database_url`` is the configured ``DATABASE_URL``."""
    from storage.copy import CopyError

    try:
        if args.db_command == "migrate":
            return await _migrate(args.database or database_url, out)
        return await _copy(args.source or database_url, args.target, out)
    except (CopyError, StoreUnavailable) as exc:
        print(f"momentum db {args.db_command}: {exc}", file=sys.stderr)
        return 1


async def _migrate(url: str, out: TextIO) -> int:
    before = await _version(url)
    store = await open_store(url)
    await store.close()
    after = await _version(url)
    newest = len(load_migrations())
    if after == before:
        print(f"{redacted_url(url)}: schema version {after} of {newest}, up to date", file=out)
    else:
        print(f"{redacted_url(url)}: schema version {before} → {after} of {newest}", file=out)
    return 0


async def _copy(source: str, target: str, out: TextIO) -> int:
    from storage.copy import copy_store

    report = await copy_store(source, target)
    width = max(len(check.table) for check in report.tables)
    print(f"{'table':<{width}}  {'source rows':>11}  {'target rows':>11}  checksum", file=out)
    for check in report.tables:
        same = "same" if check.source_sum == check.target_sum else f"≠ {check.target_sum[:16]}"
        print(
            f"{check.table:<{width}}  {check.source_rows:>11,}  {check.target_rows:>11,}  "
            f"{check.source_sum[:16]} {same}{'' if check.ok else '  MISMATCH'}",
            file=out,
        )
    rows = sum(check.target_rows for check in report.tables)
    if report.source_changed:
        print(
            "the source changed while it was copied (" + ", ".join(report.source_changed)
            + "): stop every bot instance, empty the target and copy again",
            file=out,
        )
    if not report.ok:
        print("copy NOT verified", file=out)
        return 1
    print(f"copied and verified {rows:,} rows in {len(report.tables)} tables", file=out)
    return 0


async def _version(url: str) -> int:
    """The schema version a database is at now (0: none), without migrating it."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                row = db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        except sqlite3.Error:
            return 0
        return int(row[0] or 0)
    import asyncpg

    from storage.postgres import split_url

    try:
        conn = await asyncpg.connect(split_url(url)[0])
    except (OSError, asyncpg.PostgresError) as exc:
        raise StoreUnavailable(f"cannot open {redacted_url(url)}: {exc}") from exc
    try:
        if await conn.fetchval("SELECT to_regclass('schema_migrations')") is None:
            return 0
        return int(await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))
    finally:
        await conn.close()
