"""Writes ``main-v4.db``: a small database as Momentum at schema version 4 (the main branch
before the single store) left it, so that every later store is tested against real files.

    python tests/data/stores/make_main_db.py

Run once with that version's code; the file is committed and this script is kept as the
record of what it holds (``tests/test_store_files.py`` reads it back).
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.store import AlertSettings, ChannelSettings, RepoEvent, RepoMetadata, Snapshot

HERE = Path(__file__).parent
T0 = datetime(2026, 4, 13, 9, 0, tzinfo=UTC)
# Microseconds as collection times carry them: the file holds them as UTC text.
T1 = datetime(2026, 4, 14, 11, 30, 15, 250000, tzinfo=UTC)
C1 = ChannelKey("slack", "T1", "C1")
VLLM = RepoRef("vllm-project", "vllm")
OLLAMA = RepoRef("ollama", "ollama")
METADATA = RepoMetadata(
    ref=VLLM, node_id="R_kgDOJ", github_id=599547518, description="Fast LLM serving",
    primary_language="Python", topics=("llm", "inference"),
    created_at=datetime(2023, 2, 9, 11, 23, 4, tzinfo=UTC), pushed_at=T0,
)
DAYS = {date(2026, 4, 10): 120, date(2026, 4, 11): 78, date(2026, 4, 12): 95}
HOURS = {T0 - timedelta(hours=2): 4, T0 - timedelta(hours=1): 7}
SETTINGS = ChannelSettings(window_days=14, timezone="Europe/Paris", schedule="daily",
                           schedule_weekday=2, schedule_time="08:30")


async def fill(path: Path) -> None:
    from storage.sqlite import SqliteStore

    store = await SqliteStore.open(path)
    await store.add_to_watch_list(C1, [VLLM, OLLAMA], "U1", T0, cap=10)
    repo = await store.find_repo(VLLM)
    assert repo is not None
    await store.save_repo_metadata(repo.id, METADATA, T1)
    await store.add_snapshot(repo.id, Snapshot(T0, 41000, 6100))
    await store.add_snapshot(repo.id, Snapshot(T1, 41250, None))
    await store.put_daily_stars(repo.id, DAYS, T1)
    await store.put_hourly_stars(repo.id, HOURS, T1)
    await store.set_stargazer_access(repo.id, "viewer-1", True, T0)
    await store.add_events(repo.id, [RepoEvent("release", "v0.8.0", "v0.8.0", T0, "https://x/1")])
    await store.save_channel_settings(C1, SETTINGS)
    await store.set_workspace_access("slack", "T1", "managers")
    await store.claim_delivery(C1, "2026-W16", "host-a", T0)
    await store.finish_delivery(C1, "2026-W16", "done", T1, message_id="1713.5")
    await store.claim_delivery(C1, "2026-W17", "host-b", T1)
    await store.set_state("commands-hash", "abc123", T0)
    await store.add_prediction(C1, "breakout", "vllm passes 45k", {"v": 27.3}, 0.4, T0,
                               date(2026, 5, 1))
    await store.set_alert_settings(C1, AlertSettings(2.5, 10, True), T0)
    await store.claim_alert(C1, repo.id, "spike", T1)
    await store.save_radar_pool("topic:llm", [repo.id], T0)
    await store.close()


def main(path: Path) -> None:
    path.unlink(missing_ok=True)
    asyncio.run(fill(path))
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA journal_mode = DELETE")  # one self-contained file to commit
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA page_size = 1024")  # small pages: a small file to commit
        raw.execute("VACUUM")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "main-v4.db")
