"""A huge GitHub answer is refused for its repository without stalling the event loop
(issue 15: ~40 MB history pages held Slack acks for up to 12.4 s)."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from pathlib import Path

from bot.collection.collector import collect
from bot.testing import FakeClock, Fault, week_start
from storage.sqlite import SqliteStore
from tests.github_support import BIG, MID, T1, github, scenario, watch

# The longest the loop may go without running a ready task while a huge page arrives.
MAX_LAG_SECONDS = 0.25


def huge_history_page(megabytes: int) -> bytes:
    """Valid weeks, repeated to ``megabytes`` MB: each costs real parsing."""
    start = int(week_start(T1).timestamp())
    week = {"week": start, "total": 7, "days": [1, 1, 1, 1, 1, 1, 1]}
    one = len(json.dumps(week)) + 1
    return json.dumps([week] * (megabytes * 1_000_000 // one)).encode()


async def test_a_40_mb_page_fails_its_repo_and_the_loop_keeps_turning(tmp_path: Path) -> None:
    page = huge_history_page(40)
    store = await SqliteStore.open(tmp_path / "m.db")
    lags: list[float] = []
    stop = asyncio.Event()

    async def probe() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - before - 0.01)

    try:
        await watch(store, [BIG, MID], T1)
        async with github(scenario(), FakeClock(T1), None) as (fake, client):
            fake.inject(Fault(path=f"/repos/{BIG}/stargazers/history", body=page))
            probing = asyncio.create_task(probe())
            started = time.perf_counter()
            summary = await collect(store, client, T1)
            elapsed = timedelta(seconds=time.perf_counter() - started)
            stop.set()
            await probing
        assert summary.refreshed == [MID]
        assert summary.failed[BIG] == (
            f"GitHub answered 200: the answer from /repos/{BIG}/stargazers/history is larger"
            " than the 128 KiB this client reads"
        )
        assert max(lags) < MAX_LAG_SECONDS, (max(lags), elapsed)
    finally:
        await store.close()
