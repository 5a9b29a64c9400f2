"""Database files that earlier versions of Momentum wrote keep opening, migrating and
reading back what they hold, with nothing to do by hand."""

import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

from bot.core.repo_ref import RepoRef
from bot.core.store import AlertSettings, Snapshot
from storage.migrations import load_migrations
from storage.sqlite import SqliteStore
from tests.data.stores.make_main_db import (
    C1,
    DAYS,
    HERE,
    HOURS,
    METADATA,
    OLLAMA,
    SETTINGS,
    T0,
    T1,
    VLLM,
)


async def test_a_file_main_wrote_opens_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "momentum.db"
    shutil.copy(HERE / "main-v4.db", path)
    store = await SqliteStore.open(path)
    try:
        assert await store.schema_version() == len(load_migrations())
        repo = await store.find_repo(VLLM)
        assert repo is not None
        assert (repo.metadata, repo.metadata_fetched_at, repo.stars_fetched_at) == (
            METADATA, T1, T1
        )
        assert [w.repo.ref for w in await store.watch_list(C1)] == [VLLM, OLLAMA]
        assert await store.daily_stars(repo.id, min(DAYS), max(DAYS) + timedelta(days=1)) == DAYS
        assert await store.hourly_stars(repo.id, T0 - timedelta(days=1), T0) == HOURS
        # Times compare as the file holds them: T1 carries microseconds.
        assert await store.latest_snapshot(repo.id) == Snapshot(T1, 41250, None)
        assert await store.latest_snapshot(repo.id, T1 - timedelta(microseconds=1)) == Snapshot(
            T0, 41000, 6100
        )
        channel = await store.get_channel(C1)
        assert channel is not None
        assert (channel.settings, channel.created_at) == (SETTINGS, T0)
        assert await store.workspace_access("slack", "T1") == "managers"
        done = await store.get_delivery(C1, "2026-W16")
        assert done is not None
        assert (done.status, done.finished_at, done.message_id) == ("done", T1, "1713.5")
        stale = await store.stale_claims(T1 + timedelta(minutes=1), T0)
        assert [(d.period, d.claimed_by) for d in stale] == [("2026-W17", "host-b")]
        assert await store.get_state("commands-hash") == "abc123"
        [prediction] = await store.predictions(C1, open_only=True)
        assert (prediction.probability, prediction.made_at, prediction.inputs) == (
            0.4, T0, {"v": 27.3}
        )
        assert await store.alert_settings(C1) == AlertSettings(2.5, 10, True)
        assert not await store.claim_alert(C1, repo.id, "spike", T1)  # sent already
        assert [c.repo.id for c in await store.radar_pool(["topic:llm"])] == [repo.id]
        # What this version writes sorts among what main wrote.
        await store.add_snapshot(repo.id, Snapshot(T1 + timedelta(hours=1), 41300))
        assert await store.latest_snapshot(repo.id, T1 + timedelta(minutes=1)) == Snapshot(
            T1, 41250, None
        )
        await store.add_to_watch_list(C1, [RepoRef("ggml-org", "llama.cpp")], "U2", T1, cap=10)
    finally:
        await store.close()
    with sqlite3.connect(path) as raw:
        added = [r[0] for r in raw.execute("SELECT added_at FROM watch_list ORDER BY position")]
    assert added == [
        "2026-04-13T09:00:00+00:00", "2026-04-13T09:00:00+00:00",
        "2026-04-14T11:30:15.250000+00:00",
    ]


async def test_a_file_at_schema_version_1_migrates_on_open(tmp_path: Path) -> None:
    path = tmp_path / "momentum.db"
    first = load_migrations()[0]
    with sqlite3.connect(path) as raw:  # as the first release created and filled it
        raw.executescript(first.sql)
        raw.executescript(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL);"
            "INSERT INTO schema_migrations VALUES (1, 'initial', '2026-03-01T00:00:00+00:00');"
            "INSERT INTO repos (id, owner, name, name_key, added_at) VALUES"
            " (1, 'vllm-project', 'vllm', 'vllm-project/vllm', '2026-04-13T09:00:00+00:00');"
            "INSERT INTO daily_stars VALUES (1, '2026-04-12', 95, '2026-04-13T09:00:00+00:00');"
            "INSERT INTO daily_stars VALUES"
            " (1, '2026-04-11', 78, '2026-04-14T11:30:15.250000+00:00');"
        )
    store = await SqliteStore.open(path)
    try:
        assert await store.schema_version() == len(load_migrations())
        repo = await store.find_repo(VLLM)
        assert repo is not None
        # Migration 2 backfills the latest report of the repo's days.
        assert repo.stars_fetched_at == T1
        assert await store.daily_stars(repo.id, min(DAYS), max(DAYS) + timedelta(days=1)) == {
            min(DAYS) + timedelta(days=1): 78, max(DAYS): 95
        }
    finally:
        await store.close()
