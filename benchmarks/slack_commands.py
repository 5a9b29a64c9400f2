"""How fast the Slack adapter acknowledges slash commands, in HTTP mode on loopback.

    python benchmarks/slack_commands.py [--commands 2000] [--concurrency 50] [--repos 100]
                                        [--workers 8]

Three processes, so that only the app's own work is timed against the app: the app (the
Bolt app in HTTP mode with a real SQLite store holding ``--repos`` repos with 56 days of
history), Slack's side (the fake Web API and the ``response_url`` receiver), and this one,
the load generator, which sends signed ``/momentum repo owner/name`` commands
(form-encoded and signed as Slack sends them) with ``--concurrency`` in flight.

Prints the ack latency (HTTP round trip of the command, which is what Slack times against
its 3 s limit), commands acknowledged per second, how long until every answer reached its
response_url, and the app process's peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.slack.app import ANSWER_WORKERS, SlackAdapter
from bot.core.repo_ref import RepoRef
from bot.core.settings import Settings
from bot.core.store import Snapshot
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.testing.fake_slack import FakeSlack
from storage.sqlite import SqliteStore
from tests.slack_support import SIGNING_SECRET, command_body, signed_headers

AS_OF = date(2026, 4, 13)
NOW = datetime(2026, 4, 13, 9, tzinfo=UTC)


async def seed(store: SqliteStore, repos: int) -> list[str]:
    rng = random.Random(1)
    names = []
    for n in range(repos):
        ref = RepoRef("bench", f"repo{n}")
        record = await store.add_repo(ref, NOW)
        counts = {AS_OF - timedelta(days=d): rng.randint(0, 200) for d in range(1, 57)}
        await store.put_daily_stars(record.id, counts, NOW)
        await store.add_snapshot(record.id, Snapshot(NOW, stars=rng.randint(1000, 90000)))
        names.append(str(ref))
    return names


# -- Slack's side (its own process) ------------------------------------------------------


def slack_process(conn: Connection) -> None:
    asyncio.run(_serve_slack(conn))


async def _serve_slack(conn: Connection) -> None:
    async with FakeSlack() as slack:
        conn.send({"api_url": slack.api_url, "bot_token": slack.bot_token, "url": slack.url})
        expected: int = await asyncio.to_thread(conn.recv)
        await slack.wait_for("response_url", expected, within=300)
        conn.send(time.monotonic())


# -- the app (its own process) -----------------------------------------------------------


def app_process(conn: Connection, slack: dict[str, str], repos: int, workers: int) -> None:
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_serve_app(conn, slack, repos, workers))


async def _serve_app(
    conn: Connection, slack: dict[str, str], repos: int, workers: int
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        store = await SqliteStore.open(Path(scratch) / "bench.db")
        names = await seed(store, repos)
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            SLACK_BOT_TOKEN=slack["bot_token"],
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=slack["api_url"],
            PORT=0,
        )
        router = Router(Context(store, settings, lambda: NOW))
        adapter = SlackAdapter(settings, router, store, host="127.0.0.1", answer_workers=workers)
        await adapter.start()
        conn.send({"port": adapter.port, "names": names})
        await asyncio.to_thread(conn.recv)  # told to stop
        await adapter.close()
        await store.close()
    conn.send(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


# -- the load generator (this process) ---------------------------------------------------


async def send_commands(
    url: str, names: list[str], slack_url: str, commands: int, concurrency: int
) -> tuple[list[float], float]:
    """Latencies of each ack in seconds, and how long the whole burst took."""
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(commands):
        queue.put_nowait(n)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def worker() -> None:
            while not queue.empty():
                n = queue.get_nowait()
                body = command_body(
                    f"repo {names[n % len(names)]}",
                    response_url=f"{slack_url}/commands/T_FAKE/c{n}",
                    user=f"U{n % 200:04d}",
                )
                headers = signed_headers(body)
                started = time.perf_counter()
                async with http.post(url, data=body, headers=headers) as response:
                    await response.read()
                    assert response.status == 200, response.status
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, time.perf_counter() - started


def main(commands: int, concurrency: int, repos: int, workers: int) -> None:
    spawn = multiprocessing.get_context("spawn")
    slack_end, slack_child = spawn.Pipe()
    app_end, app_child = spawn.Pipe()
    slack_proc = spawn.Process(target=slack_process, args=(slack_child,), daemon=True)
    slack_proc.start()
    slack: dict[str, str] = slack_end.recv()
    app_proc = spawn.Process(
        target=app_process, args=(app_child, slack, repos, workers), daemon=True
    )
    app_proc.start()
    ready: dict[str, Any] = app_end.recv()
    try:
        slack_end.send(commands)
        url = f"http://127.0.0.1:{ready['port']}/slack/events"
        began = time.monotonic()
        latencies, acked = asyncio.run(
            send_commands(url, ready["names"], slack["url"], commands, concurrency)
        )
        answered = slack_end.recv() - began
        app_end.send("stop")
        peak_mib: float = app_end.recv()
    finally:
        for proc in (app_proc, slack_proc):
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()

    ms = sorted(value * 1000 for value in latencies)
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, round(0.99 * len(ms)) - 1)]
    print(
        f"{commands} signed /momentum repo commands, concurrency {concurrency}, {repos} repos,"
        f" {workers} answer workers (app, fake Slack and load generator in 3 processes)"
    )
    print(f"ack latency: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {ms[-1]:.1f} ms")
    print(f"throughput: {commands / acked:.0f} commands/s acknowledged")
    print(f"all {commands} answers at response_url after {answered:.2f} s")
    print(f"peak memory (RSS, app process): {peak_mib:.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--repos", type=int, default=100)
    parser.add_argument("--workers", type=int, default=ANSWER_WORKERS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    main(args.commands, args.concurrency, args.repos, args.workers)
