"""How fast the Slack adapter acknowledges slash commands, in HTTP mode on loopback.

    python benchmarks/slack_commands.py [--commands 2000] [--concurrency 50] [--repos 100]

Sends signed ``/momentum repo owner/name`` commands (form-encoded and signed as Slack
sends them) to the running Bolt app, with a fake Slack Web API and ``response_url``
receiver on loopback and a real SQLite store holding ``--repos`` repos with 56 days of
history. Prints the ack latency (HTTP round trip of the command, which is what Slack
times against its 3 s limit), commands per second, how long until every answer reached
its response_url, and the process's peak memory (fake Slack, app and client together).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.slack.app import SlackAdapter
from bot.commands import Router
from bot.context import Context
from bot.repo_ref import RepoRef
from bot.settings import Settings
from bot.store import Snapshot
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


async def main(commands: int, concurrency: int, repos: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        store = await SqliteStore.open(Path(scratch) / "bench.db")
        names = await seed(store, repos)
        async with FakeSlack() as slack:
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None,
                SLACK_BOT_TOKEN=slack.bot_token,
                SLACK_SIGNING_SECRET=SIGNING_SECRET,
                SLACK_API_URL=slack.api_url,
                PORT=0,
            )
            router = Router(Context(store, settings, lambda: NOW))
            adapter = SlackAdapter(settings, router, host="127.0.0.1")
            await adapter.start()
            url = f"http://127.0.0.1:{adapter.port}/slack/events"
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
                            response_url=slack.response_url(f"c{n}"),
                            user=f"U{n % 200:04d}",
                        )
                        started = time.perf_counter()
                        async with http.post(url, data=body, headers=signed_headers(body)) as r:
                            await r.read()
                            assert r.status == 200, r.status
                        latencies.append(time.perf_counter() - started)

                started = time.perf_counter()
                await asyncio.gather(*(worker() for _ in range(concurrency)))
                acked = time.perf_counter() - started
                await slack.wait_for("response_url", commands, within=120)
                answered = time.perf_counter() - started
            await adapter.close()
        await store.close()

    latencies.sort()
    ms = [value * 1000 for value in latencies]
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, round(0.99 * len(ms)) - 1)]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{commands} signed /momentum repo commands, concurrency {concurrency}, {repos} repos")
    print(f"ack latency: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {ms[-1]:.1f} ms")
    print(f"throughput: {commands / acked:.0f} commands/s acknowledged")
    print(f"all {commands} answers at response_url after {answered:.2f} s")
    print(f"peak memory (RSS, whole process): {peak_mib:.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--repos", type=int, default=100)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(args.commands, args.concurrency, args.repos))
