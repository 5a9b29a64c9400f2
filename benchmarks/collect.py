"""What collecting costs, against the fake GitHub on loopback, into a real SQLite file.

    python benchmarks/collect.py [--repos 1000] [--anonymous 50]

With a token: ``--repos`` watched repositories (10 to 200,000 stars, log-uniform, 1 to 6
years old) are collected for the first time (history page 1 each), then refreshed a day
later. Prints REST calls, GraphQL points, wall time, peak memory (the process's, fake
server included) and the cost per repo.
Without a token: ``--anonymous`` repositories, collected every hour (60 calls each) until
all are fresh. The fake's clock is simulated, so no run waits for real hours.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clients.github import GitHubClient
from bot.collection.collector import CollectSummary, collect
from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.testing import FakeClock, FakeGitHub, ScenarioRepo
from bot.testing.github_scenario import Scenario
from storage.sqlite import SqliteStore

NOW = datetime(2026, 11, 25, 6, tzinfo=UTC)
CHANNEL = ChannelKey("console", "bench", "bench")


def synthetic_repos(count: int, seed: int = 7) -> list[ScenarioRepo]:
    rng = random.Random(seed)
    repos = []
    for n in range(count):
        total = round(math.exp(rng.uniform(math.log(10), math.log(200_000))))
        days = rng.randint(365, 6 * 365)
        # A few busy days over a steady trickle; ``total`` is reached at NOW and the stars
        # go on for a few days after it, so a later refresh has something new to read.
        weights = [1.0 + (5.0 if rng.random() < 0.02 else 0.0) for _ in range(days + 3)]
        scale = total / sum(weights[:days])
        daily = [int(w * scale) for w in weights]
        daily[days - 1] += total - sum(daily[:days])
        created = NOW - timedelta(days=days - 1, hours=NOW.hour)
        repos.append(ScenarioRepo.with_daily(f"bench{n % 97}/repo{n}", 10_000 + n, created, daily))
    return repos


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def timed_collect(
    store: SqliteStore, client: GitHubClient, clock: FakeClock
) -> tuple[CollectSummary, float]:
    started = time.perf_counter()
    summary = await collect(store, client, clock.now)
    return summary, time.perf_counter() - started


def report(label: str, summary: CollectSummary, seconds: float, repos: int) -> None:
    print(f"{label}:")
    for line in summary.lines()[:3]:
        print(f"  {line}")
    points = summary.graphql_points
    print(
        f"  wall {seconds:.1f} s, peak memory {peak_mib():.0f} MiB; per repo:"
        f" {summary.rest_calls / repos:.2f} REST calls, {points / repos:.3f} GraphQL points"
    )


async def with_token(count: int, scratch: Path) -> None:
    clock = FakeClock(NOW)
    repos = synthetic_repos(count)
    refs = [RepoRef(r.owner, r.name) for r in repos]
    store = await SqliteStore.open(scratch / "token.db")
    try:
        await store.add_to_watch_list(CHANNEL, refs, "bench", NOW, cap=len(refs))
        async with FakeGitHub(Scenario(repos), clock=clock) as fake:
            async with GitHubClient(
                api_url=fake.url, graphql_url=fake.graphql_url, token="bench",
                clock=clock, sleep=clock.sleep,
            ) as client:
                summary, seconds = await timed_collect(store, client, clock)
                report(f"first collection of {count} repos (token)", summary, seconds, count)
                clock.advance(24 * 3600)
                summary, seconds = await timed_collect(store, client, clock)
                report(f"daily refresh of {count} repos (token)", summary, seconds, count)
            closed = fake.stats.calls["stargazers"]
            print(f"  closed stargazer endpoints touched: {closed}")
    finally:
        await store.close()


async def anonymous(count: int, scratch: Path) -> None:
    clock = FakeClock(NOW)
    repos = synthetic_repos(count, seed=11)
    refs = [RepoRef(r.owner, r.name) for r in repos]
    store = await SqliteStore.open(scratch / "anonymous.db")
    try:
        await store.add_to_watch_list(CHANNEL, refs, "bench", NOW, cap=len(refs))
        async with FakeGitHub(Scenario(repos), clock=clock) as fake:
            async with GitHubClient(
                api_url=fake.url, graphql_url=fake.graphql_url, clock=clock, sleep=clock.sleep
            ) as client:
                runs = calls = 0
                while True:
                    summary = await collect(store, client, clock.now)
                    runs += 1
                    calls += summary.rest_calls
                    if not summary.skipped or runs > 48:
                        break
                    clock.now = max(summary.fresh_at or clock.now, clock.now) + timedelta(
                        seconds=1
                    )
            hours = (clock.now - NOW).total_seconds() / 3600
        print(
            f"{count} repos without a token: all collected after {runs} hourly runs"
            f" ({hours:.1f} h of simulated time), {calls} REST calls"
            f" ({calls / count:.1f} per repo); a daily refresh then costs"
            f" {count} history calls, {math.ceil(count / 60)} hour(s)"
        )
    finally:
        await store.close()


async def main(count: int, anonymous_count: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        await with_token(count, Path(scratch))
        await anonymous(anonymous_count, Path(scratch))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=1000)
    parser.add_argument("--anonymous", type=int, default=50)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.repos, arguments.anonymous))
