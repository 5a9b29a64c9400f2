"""A huge GitHub answer is refused for its repository without stalling the event loop
(issue 15: ~40 MB history pages held Slack acks for up to 12.4 s)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bot.clients.github import GitHubClient
from bot.collection.collector import collect
from bot.testing import FakeClock, FakeGitHub, Fault, week_start
from bot.testing.loopback import LoopbackServer
from storage.sqlite import SqliteStore
from tests.github_support import BIG, MID, T1, scenario, watch

# The longest the loop may go without running a ready task while a huge page arrives.
MAX_LAG_SECONDS = 0.25


def huge_history_page(megabytes: int) -> bytes:
    """Valid weeks, repeated to ``megabytes`` MB: each costs real parsing."""
    start = int(week_start(T1).timestamp())
    week = {"week": start, "total": 7, "days": [1, 1, 1, 1, 1, 1, 1]}
    one = len(json.dumps(week)) + 1
    return json.dumps([week] * (megabytes * 1_000_000 // one)).encode()


def serve_elsewhere(server: LoopbackServer) -> Callable[[], None]:
    """Run ``server`` on its own event loop in a thread, so the loop under test measures
    the client alone; returns what stops it."""
    ready = threading.Event()
    loop = asyncio.new_event_loop()

    def run() -> None:
        loop.run_until_complete(server.start())
        ready.set()
        loop.run_forever()
        loop.run_until_complete(server.stop())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)

    def stop() -> None:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)

    return stop


async def test_a_40_mb_page_fails_its_repo_and_the_loop_keeps_turning(tmp_path: Path) -> None:
    page = huge_history_page(40)
    clock = FakeClock(T1)
    fake = FakeGitHub(scenario(), clock=clock)
    stop_fake = serve_elsewhere(fake)
    store = await SqliteStore.open(tmp_path / "m.db")
    lags: list[float] = []
    done = asyncio.Event()

    async def probe() -> None:
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - before - 0.01)

    try:
        await watch(store, [BIG, MID], T1)
        fake.inject(Fault(path=f"/repos/{BIG}/stargazers/history", body=page))
        async with GitHubClient(api_url=fake.url, graphql_url=fake.graphql_url,
                                clock=clock, sleep=clock.sleep) as client:
            probing = asyncio.create_task(probe())
            summary = await collect(store, client, T1)
            done.set()
            await probing
        assert summary.refreshed == [MID]
        assert summary.failed[BIG] == (
            f"GitHub answered 200: the answer from /repos/{BIG}/stargazers/history is larger"
            " than the 128 KiB this client reads"
        )
        assert max(lags) < MAX_LAG_SECONDS, max(lags)
    finally:
        await store.close()
        stop_fake()
