"""The stores at scale: briefing figures, command reads under load, size per repo-year.

    python benchmarks/store.py [--repos 10000] [--days 365] [--channels 5000]
        [--list-size 20] [--readers 50] [--reads 40] [--postgres-url URL]

Seeds a SQLite file through the store (repos with ``--days`` of daily stars, a snapshot
and a release each; channels watching ``--list-size`` random repos), then copies it to
a fresh PostgreSQL schema with ``momentum db copy`` (timed and verified). On each backend
it prints:

- the time to compute every channel's due briefing figures (the briefing composer, 25
  channels at once as the deliverer runs them);
- command read latency, p50 and p99, with ``--readers`` concurrent readers each doing
  ``--reads`` reads of what ``/momentum repo`` and ``/momentum watch list`` read;
- the database's size per repo-year of daily stars;
- on SQLite, the time of the ``PRAGMA quick_check`` that every open runs.

The defaults are the issue's scale (a long run: seeding takes minutes); ``--repos 300
--channels 150`` (110k rows of daily stars) gives a quick look in well under a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg

from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.store import RepoEvent, Snapshot, Store
from bot.features.briefing.compose import compose
from storage.copy import copy_store
from storage.postgres import PostgresStore, split_url
from storage.sqlite import SqliteStore

AS_OF = date(2026, 4, 13)
NOW = datetime(2026, 4, 13, 9, tzinfo=UTC)
BRIEFING_CONCURRENCY = 25  # DeliveryPolicy.concurrency
POSTGRES_URL = os.environ.get(
    "MOMENTUM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def channel_key(n: int) -> ChannelKey:
    return ChannelKey("slack", f"T{n % 50}", f"C{n:05d}")


async def seed(store: Store, repos: int, days: int, channels: int, list_size: int) -> None:
    rng = random.Random(1)
    started = time.perf_counter()
    ids = []
    for n in range(repos):
        record = await store.add_repo(RepoRef(f"owner{n % 997}", f"repo{n}"), NOW)
        counts = {AS_OF - timedelta(days=d): rng.randint(0, 200) for d in range(1, days + 1)}
        await store.put_daily_stars(record.id, counts, NOW)
        await store.add_snapshot(record.id, Snapshot(NOW, sum(counts.values()), n % 300))
        release = RepoEvent("release", "v1.0", "v1.0", NOW - timedelta(days=rng.randint(1, 20)))
        await store.add_events(record.id, [release])
        ids.append(n)
        if n % 1000 == 999:
            print(f"  seeded {n + 1} repos ({time.perf_counter() - started:.0f} s)", flush=True)
    for n in range(channels):
        chosen = rng.sample(range(repos), min(list_size, repos))
        refs = [RepoRef(f"owner{i % 997}", f"repo{i}") for i in chosen]
        await store.add_to_watch_list(channel_key(n), refs, "U1", NOW, cap=list_size)
    print(f"seeded {repos} repos x {days} days, {channels} channels x {list_size} repos"
          f" in {time.perf_counter() - started:.0f} s")


async def briefing_figures(store: Store, channels: int) -> float:
    """Seconds to compose every channel's briefing figures."""
    slots = asyncio.Semaphore(BRIEFING_CONCURRENCY)

    async def one(n: int) -> None:
        async with slots:
            listed = await store.watch_list(channel_key(n))
            await compose(store, [item.repo for item in listed], AS_OF, 7)

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(channels)))
    return time.perf_counter() - started


async def read_latency(
    store: Store, repos: int, channels: int, readers: int, reads: int
) -> list[float]:
    """Milliseconds per command read: a repo's answer, or a channel's list."""
    rng = random.Random(2)
    latencies: list[float] = []

    async def repo_answer() -> None:
        n = rng.randrange(repos)
        repo = await store.find_repo(RepoRef(f"owner{n % 997}", f"repo{n}"))
        assert repo is not None
        await store.daily_stars(repo.id, AS_OF - timedelta(days=56), AS_OF)
        await store.latest_snapshot(repo.id)
        await store.events(repo.id, NOW - timedelta(days=90), NOW)

    async def list_answer() -> None:
        await store.watch_list(channel_key(rng.randrange(channels)))

    async def reader() -> None:
        for _ in range(reads):
            read: Callable[[], Awaitable[None]] = rng.choice((repo_answer, list_answer))
            started = time.perf_counter()
            await read()
            latencies.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(*(reader() for _ in range(readers)))
    return latencies


def quick_check_time(path: Path) -> tuple[float, int]:
    """Seconds of the integrity check ``SqliteStore.open`` runs, and the rows it covered."""
    with sqlite3.connect(path) as raw:
        rows = sum(
            raw.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
            for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        )
        started = time.perf_counter()
        assert raw.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        return time.perf_counter() - started, rows


def sqlite_size(path: Path) -> tuple[int, int | None]:
    """The file's size, and daily_stars' share (None without the dbstat table)."""
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try:
            daily = raw.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name IN"
                " ('daily_stars', 'sqlite_autoindex_daily_stars_1')"
            ).fetchone()[0]
        except sqlite3.OperationalError:
            daily = None
    return path.stat().st_size, daily


async def postgres_size(url: str) -> tuple[int, int]:
    conn = await asyncpg.connect(split_url(url)[0])
    try:
        await conn.execute("ANALYZE")
        total = await conn.fetchval(
            "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c"
            " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'"
        )
        daily = await conn.fetchval("SELECT pg_total_relation_size('daily_stars')")
    finally:
        await conn.close()
    return int(total), int(daily)


def report(
    name: str, figures: float, latencies: list[float], size: tuple[int, int | None],
    repo_years: float, channels: int,
) -> None:
    cuts = statistics.quantiles(latencies, n=100)
    total, daily = size
    print(f"{name}:")
    print(f"  all {channels} briefings' figures: {figures:.1f} s"
          f" ({figures / channels * 1000:.1f} ms per channel)")
    print(f"  command reads ({len(latencies)}): p50 {cuts[49]:.2f} ms, p99 {cuts[98]:.2f} ms")
    line = f"  size: {total / 2**20:.0f} MiB, {total / repo_years / 1024:.1f} KiB per repo-year"
    if daily is not None:
        line += f" (daily stars alone: {daily / repo_years / 1024:.1f} KiB)"
    print(line)


async def main(options: argparse.Namespace) -> None:
    repo_years = options.repos * options.days / 365
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "bench.db"
        sqlite_store = await SqliteStore.open(path)
        await seed(sqlite_store, options.repos, options.days, options.channels, options.list_size)
        figures = await briefing_figures(sqlite_store, options.channels)
        latencies = await read_latency(
            sqlite_store, options.repos, options.channels, options.readers, options.reads
        )
        await sqlite_store.close()
        report("SQLite", figures, latencies, sqlite_size(path), repo_years, options.channels)
        seconds, rows = quick_check_time(path)
        print(f"  quick_check at open: {seconds * 1000:.0f} ms for {rows:,} rows")

        schema = f"momentum_bench_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(options.postgres_url)
        await admin.execute(f'CREATE SCHEMA "{schema}"')
        url = f"{options.postgres_url}{'&' if '?' in options.postgres_url else '?'}"
        url += f"search_path={schema}"
        try:
            started = time.perf_counter()
            copied = await copy_store(f"sqlite:///{path}", url)
            rows = sum(check.target_rows for check in copied.tables)
            print(f"momentum db copy: {rows:,} rows in {time.perf_counter() - started:.1f} s,"
                  f" verified: {copied.ok}")
            size = await postgres_size(url)
            pg_store = await PostgresStore.open(url, pool_size=options.pool_size)
            figures = await briefing_figures(pg_store, options.channels)
            latencies = await read_latency(
                pg_store, options.repos, options.channels, options.readers, options.reads
            )
            await pg_store.close()
            report(f"PostgreSQL (pool of {options.pool_size})", figures, latencies, size,
                   repo_years, options.channels)
        finally:
            await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
            await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repos", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--channels", type=int, default=5_000)
    parser.add_argument("--list-size", type=int, default=20)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--reads", type=int, default=40, help="reads per reader")
    parser.add_argument("--pool-size", type=int, default=20)
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    asyncio.run(main(parser.parse_args()))
