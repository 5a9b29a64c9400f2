"""``momentum db migrate`` and ``momentum db copy`` from SQLite to PostgreSQL."""

from __future__ import annotations

import argparse
import io
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.app.cli import db as db_cli
from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.store import (
    AlertSettings,
    ChannelSettings,
    PredictionDraft,
    RepoEvent,
    RepoMetadata,
    Snapshot,
    Store,
)
from storage.copy import CopyError, copy_store
from storage.migrations import load_migrations
from storage.postgres import PostgresStore
from storage.sqlite import SqliteStore
from tests.pg_support import scratch_schema

T0 = datetime(2026, 4, 13, 9, 0, 0, 123456, tzinfo=UTC)
C1 = ChannelKey("slack", "T1", "C1")
C2 = ChannelKey("discord", "G1", "C2")
VLLM = RepoRef("vllm-project", "vllm")
OLLAMA = RepoRef("ollama", "ollama")


async def fill(store: Store) -> None:
    """A row in every table, with the awkward values: microseconds, None, unicode, floats."""
    await store.add_to_watch_list(C1, [VLLM, OLLAMA], "U1", T0, cap=10)
    await store.add_to_watch_list(C2, [OLLAMA], "U2", T0 + timedelta(seconds=1), cap=10)
    await store.remove_from_watch_list(C1, [OLLAMA], "U1", T0 + timedelta(minutes=1))
    vllm = await store.find_repo(VLLM)
    assert vllm is not None
    await store.save_repo_metadata(vllm.id, RepoMetadata(
        VLLM, node_id="R_1", github_id=599_547_518, description="Fast LLM serving — “quoted”",
        primary_language="Python", topics=("llm", "inference"), created_at=T0 - timedelta(
            days=900), pushed_at=T0), T0)
    await store.put_daily_stars(vllm.id, {date(2026, 4, d): 100 + d for d in range(1, 13)}, T0)
    await store.add_snapshot(vllm.id, Snapshot(T0, 60_000, 10_500))
    await store.add_snapshot(vllm.id, Snapshot(T0 + timedelta(hours=6), 60_120, None))
    await store.add_events(vllm.id, [RepoEvent("release", "v0.9.0", "v0.9.0", T0, None)])
    feed = await store.add_feed(C1, "https://blog.example/rss", "Blog", "U1", T0, cap=5)
    assert feed is not None
    item = RepoEvent("feed_item", "b1", "Why", T0, None, source="Blog")
    await store.add_mentions(vllm.id, [item], feed_id=feed.id)
    await store.save_channel_settings(C1, ChannelSettings(window_days=14, timezone="Europe/Berlin"))
    await store.pause_channel(C2, "is_archived")
    await store.set_workspace_access("slack", "T1", "managers")
    await store.set_state("discord.commands_hash", "abc", T0)
    await store.claim_delivery(C1, "2026-W16", "a", T0)
    await store.finish_delivery(C1, "2026-W16", "done", T0, message_id="1713.0001")
    draft = PredictionDraft("list_velocity", "Likely, 70%: above 150", {"threshold": 150.5}, 0.7,
                            date(2026, 4, 27))
    await store.add_prediction_set(C1, "2026-W16", T0, "ab" * 32, None, [draft])
    await store.set_prediction_message(C1, "2026-W16", "1713.0001")
    (prediction,) = await store.predictions(C1)
    await store.resolve_prediction(prediction.id, True, T0 + timedelta(days=15))
    await store.save_radar_pool("topic:llm", [vllm.id], T0)
    await store.set_alert_settings(C1, AlertSettings(2.5, 10, True), T0)
    await store.claim_alert(C1, vllm.id, "spike", T0)
    await store.set_stargazer_access(vllm.id, "0123456789abcdef", True, T0)
    await store.put_hourly_stars(vllm.id, {T0 - timedelta(hours=1): 7}, T0)


async def test_copy_moves_every_row_and_verifies(tmp_path: Path) -> None:
    source_url = f"sqlite:///{tmp_path / 'momentum.db'}"
    sqlite_store = await SqliteStore.open(tmp_path / "momentum.db")
    await fill(sqlite_store)
    async with scratch_schema() as target_url:
        report = await copy_store(source_url, target_url)
        assert report.ok, report
        with sqlite3.connect(tmp_path / "momentum.db") as raw:
            counts = {
                check.table: raw.execute(f'SELECT COUNT(*) FROM "{check.table}"').fetchone()[0]
                for check in report.tables
            }
        assert {check.table: check.target_rows for check in report.tables} == counts
        assert all(counts.values())  # the scenario puts a row in every table

        copied = await PostgresStore.open(target_url)
        try:
            for key in (C1, C2):
                assert await copied.watch_list(key) == await sqlite_store.watch_list(key)
                assert await copied.watch_audit(key) == await sqlite_store.watch_audit(key)
                assert await copied.get_channel(key) == await sqlite_store.get_channel(key)
                assert await copied.predictions(key) == await sqlite_store.predictions(key)
                assert await copied.prediction_sets(key) == await sqlite_store.prediction_sets(key)
                assert await copied.recent_deliveries(key, 5) == await (
                    sqlite_store.recent_deliveries(key, 5))
                assert await copied.alert_settings(key) == await sqlite_store.alert_settings(key)
            assert await copied.radar_pool(["topic:llm"]) == await sqlite_store.radar_pool(
                ["topic:llm"])
            # New rows are numbered after the copied ones.
            jan = await copied.add_repo(RepoRef("janhq", "jan"), T0)
            assert jan.id == max(r.id for r in await sqlite_store.watched_repos()) + 1
        finally:
            await copied.close()
        with pytest.raises(CopyError, match="not empty"):
            await copy_store(source_url, target_url)
    await sqlite_store.close()


async def test_the_commands_print_what_they_did(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    db_cli.add_arguments(parser.add_subparsers(dest="command"))
    source_url = f"sqlite:///{tmp_path / 'momentum.db'}"
    out = io.StringIO()
    args = parser.parse_args(["db", "migrate"])
    assert await db_cli.run(args, source_url, out) == 0
    assert await db_cli.run(args, source_url, out) == 0
    newest = len(load_migrations())
    assert out.getvalue().splitlines() == [
        f"{source_url}: schema version 0 → {newest} of {newest}",
        f"{source_url}: schema version {newest} of {newest}, up to date",
    ]
    store = await SqliteStore.open(tmp_path / "momentum.db")
    await fill(store)
    await store.close()
    async with scratch_schema() as target_url:
        out = io.StringIO()
        args = parser.parse_args(["db", "copy", "--to", target_url])
        assert await db_cli.run(args, source_url, out) == 0
        lines = out.getvalue().splitlines()
        assert lines[0].split() == ["table", "source", "rows", "target", "rows", "checksum"]
        daily = next(line for line in lines if line.startswith("daily_stars "))
        assert daily.split()[1:3] == ["12", "12"]
        assert daily.split()[4] == "same"
        assert lines[-1].startswith("copied and verified")
        assert await db_cli.run(args, source_url, io.StringIO()) == 1  # not empty now
