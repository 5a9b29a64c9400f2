"""What several instances on one database rely on, on every backend (and PostgreSQL's own
promises: concurrent starts, locks across processes, the same schema as SQLite)."""

from __future__ import annotations

import asyncio
import inspect
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.store import AlertSettings, Store
from storage.migrations import load_migrations
from storage.postgres import PostgresStore
from storage.sqlite import SqliteStore
from tests.pg_support import scratch_schema

T0 = datetime(2026, 4, 13, 9, 0, tzinfo=UTC)
C1 = ChannelKey("slack", "T1", "C1")
C2 = ChannelKey("discord", "G1", "C2")


async def test_a_repo_lock_is_held_once(store: Store) -> None:
    assert await store.try_lock_repo(7)
    assert not await store.try_lock_repo(7)
    assert await store.try_lock_repo(8)
    await store.unlock_repo(7)
    assert await store.try_lock_repo(7)
    await store.unlock_repo(7)
    await store.unlock_repo(8)
    await store.unlock_repo(99)  # not held: nothing happens


async def test_stale_claims_are_the_unfinished_ones_in_the_window(store: Store) -> None:
    await store.claim_delivery(C1, "2026-W16", "dead", T0)
    await store.claim_delivery(C2, "2026-W16", "alive", T0 + timedelta(minutes=9))
    await store.claim_delivery(C1, "2026-W15", "old", T0 - timedelta(days=7))
    await store.claim_delivery(C2, "2026-W15", "done", T0)
    await store.finish_delivery(C2, "2026-W15", "done", T0)
    stale = await store.stale_claims(T0 + timedelta(minutes=5), T0 - timedelta(hours=12))
    assert [(d.channel, d.period, d.claimed_by, d.claimed_at) for d in stale] == [
        (C1, "2026-W16", "dead", T0)
    ]


async def test_radar_pool_and_alerts_round_trip(store: Store) -> None:
    a = await store.add_repo(RepoRef("a", "one"), T0)
    b = await store.add_repo(RepoRef("b", "two"), T0)
    await store.save_radar_pool("topic:llm", [b.id, a.id, b.id], T0)
    await store.save_radar_pool("language:Rust", [a.id], T0)
    pool = await store.radar_pool(["language:Rust", "topic:llm"])
    assert [(c.theme, c.repo.id, c.rank, c.found_at) for c in pool] == [
        ("language:Rust", a.id, 1, T0), ("topic:llm", b.id, 1, T0), ("topic:llm", a.id, 2, T0)
    ]
    assert await store.alert_settings(C1) is None
    await store.set_alert_settings(C1, AlertSettings(2.5, 10, True), T0)
    assert await store.alert_settings(C1) == AlertSettings(2.5, 10, True)
    assert await store.alerting_channels() == [(C1, AlertSettings(2.5, 10, True))]
    assert await store.claim_alert(C1, a.id, "spike", T0)
    assert not await store.claim_alert(C1, a.id, "spike", T0)
    await store.rearm_alert(C1, a.id, "spike")
    assert await store.claim_alert(C1, a.id, "spike", T0)
    await store.set_alert_settings(C1, None, T0)
    assert await store.alerting_channels() == []


async def test_instances_starting_together_migrate_once() -> None:
    async with scratch_schema() as url:
        stores = await asyncio.gather(*(PostgresStore.open(url, pool_size=2) for _ in range(4)))
        try:
            assert {await s.schema_version() for s in stores} == {len(load_migrations())}
            conn = await asyncpg.connect(url)
            try:
                versions = [r[0] for r in await conn.fetch("SELECT version FROM schema_migrations")]
            finally:
                await conn.close()
            assert sorted(versions) == list(range(1, len(load_migrations()) + 1))
        finally:
            await asyncio.gather(*(s.close() for s in stores))


async def test_a_repo_lock_holds_across_instances_and_dies_with_its_holder() -> None:
    async with scratch_schema() as url:
        first = await PostgresStore.open(url, pool_size=2)
        second = await PostgresStore.open(url, pool_size=2)
        try:
            assert await first.try_lock_repo(42)
            assert not await second.try_lock_repo(42)
            first.terminate()  # the instance dies: PostgreSQL drops its session's locks
            for _ in range(50):
                if await second.try_lock_repo(42):
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("the dead instance's lock was never released")
        finally:
            await second.close()


async def test_postgres_has_the_same_tables_and_columns_as_sqlite(tmp_path: Path) -> None:
    await (await SqliteStore.open(tmp_path / "m.db")).close()
    with sqlite3.connect(tmp_path / "m.db") as raw:
        tables = [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        expected = {t: [c[1] for c in raw.execute(f"PRAGMA table_info({t})")] for t in tables}
    async with scratch_schema() as url:
        await (await PostgresStore.open(url)).close()
        conn = await asyncpg.connect(url)
        try:
            rows = await conn.fetch(
                "SELECT table_name, column_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
            )
        finally:
            await conn.close()
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(row[1])
    assert found == expected


def test_both_backends_implement_every_store_method() -> None:
    # Methods are added to the protocol while the backends are worked on: a missing one
    # would otherwise surface only when some command reaches it on PostgreSQL.
    methods = [n for n, v in vars(Store).items() if inspect.iscoroutinefunction(v)]
    for backend in (SqliteStore, PostgresStore):
        for name in methods:
            assert hasattr(backend, name), f"{backend.__name__} lacks {name}"
            ours = inspect.signature(getattr(backend, name)).parameters
            assert list(ours) == list(inspect.signature(getattr(Store, name)).parameters), name
