"""Issue 22's figures next to their targets, in one run.

    python benchmarks/perf_targets.py [--only compose,fanout,rss,ack,graphql] [--quick]

- compose: a briefing of 100 / 1,000 / 10,000 repos (SQLite, a year of daily stars, a
  snapshot and three releases each) against the floor: the bulk reads it makes, alone.
  Targets: under 50 ms at 100; within 2x of the floor at 10,000. Then the chart of the
  100-repo briefing (median of 5, and the first in the process). Target: under 300 ms.
- fanout: a real ``momentum run`` (Slack HTTP mode, SQLite) with 200 and 2,000 channels
  due the same minute, each watching one of 20 lists of 10 repos, real briefings with
  charts and predictions, posted to a fake Slack that answers 429 past 50 posts a second
  in the workspace and one a second in a channel. The floor is channels / 50 s; the time
  runs from the due minute (the bot started before it) to the last post. Then the
  largest again as a catch-up: due a minute before the bot starts, timed from the port
  listening. Target: within 1.1x, 0 lost, 0 duplicated.
- rss: the same process's peak RSS (VmHWM) over a fan-out of 1,000 channels. Target:
  under 150 MB.
- ack: time from spawn to the first acknowledged command with 0 / 1,000 / 5,000
  scheduled channels (benchmarks/first_ack.py). Target: under 1 s at 5,000.
- graphql: REST calls and GraphQL points of a daily refresh of 1,000 repos against the
  fake GitHub (benchmarks/collect.py). Target: 1,000 REST calls and 21 points.

``--quick``: compose at 100 and 1,000, a fan-out of 200, RSS over 200 channels, first
ack at 0 and 1,000 (one start each), a refresh of 200 repos. A full run takes many
minutes (seeding 10,000 repos, 2,000 posts at the floor's 40 s, 5,000-channel starts).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from briefing import seed

from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.store import ChannelSettings
from bot.features.briefing.chart import briefing_chart
from bot.features.briefing.compose import compose
from bot.features.briefing.reads import read_list
from bot.testing.fake_slack import FakeSlack
from storage.sqlite import SqliteStore
from tests.restart_support import (
    channel_keys,
    closed_port_url,
    free_port,
    ledger,
    run_env,
    start_bot,
)

AS_OF = date(2026, 4, 13)
WORKSPACE_PER_SECOND = 50.0
LISTS, LIST_SIZE = 20, 10
ROWS: list[tuple[str, str, str, str]] = []


def row(figure: str, measured: str, target: str, verdict: bool | None) -> None:
    mark = "" if verdict is None else ("ok" if verdict else "MISSED")
    ROWS.append((figure, measured, target, mark))
    print(f"  {figure}: {measured} (target {target}) {mark}", flush=True)


async def median_seconds(run: Callable[[], Awaitable[object]], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def compose_part(sizes: list[int]) -> None:
    print("compose (SQLite, median of 3; 1 run at 10,000)", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        store = await SqliteStore.open(Path(scratch) / "compose.db")
        started = time.perf_counter()
        repos = await seed(store, max(sizes), 365, random.Random(5))
        print(f"  seeded {max(sizes):,} repos in {time.perf_counter() - started:.0f} s")
        for size in sizes:
            chosen = repos[:size]
            runs = 1 if size >= 10_000 else 3
            await compose(store, chosen, AS_OF, 7)  # warm: the page cache, the imports
            took = await median_seconds(lambda c=chosen: compose(store, c, AS_OF, 7), runs)
            floor = await median_seconds(lambda c=chosen: read_list(store, c, AS_OF, 7), runs)
            ratio = took / floor
            if size == 100:
                row(f"compose {size:,} repos", f"{took * 1000:.1f} ms "
                    f"(floor {floor * 1000:.1f} ms, {ratio:.2f}x)", "< 50 ms", took < 0.05)
            else:
                row(f"compose {size:,} repos", f"{took * 1000:.0f} ms "
                    f"(floor {floor * 1000:.0f} ms)", "<= 2x floor" if size >= 10_000 else
                    "-", ratio <= 2 if size >= 10_000 else None)
                if size >= 10_000:
                    ROWS[-1] = (ROWS[-1][0], f"{ROWS[-1][1]} = {ratio:.2f}x", *ROWS[-1][2:])
        briefing = await compose(store, repos[:100], AS_OF, 7)
        started = time.perf_counter()
        briefing_chart(briefing)
        first = time.perf_counter() - started
        drawn = []
        for _ in range(5):
            started = time.perf_counter()
            briefing_chart(briefing)
            drawn.append(time.perf_counter() - started)
        took = statistics.median(drawn)
        row("chart of 100 repos", f"{took * 1000:.0f} ms (first in the process "
            f"{first * 1000:.0f} ms)", "< 300 ms", took < 0.3)
        await store.close()


async def seed_fanout(
    database: Path, keys: list[ChannelKey], now: datetime, due: datetime
) -> str:
    """Every channel watches one of ``LISTS`` lists, with a daily briefing at ``due``'s
    minute. Returns the period's key."""
    store = await SqliteStore.open(database)
    try:
        as_of = now.date()
        repos = await seed(store, LISTS * LIST_SIZE, 130, random.Random(5), as_of=as_of,
                           at=now - timedelta(hours=1))
        daily = ChannelSettings(timezone="UTC", schedule="daily", schedule_time=f"{due:%H:%M}")
        since = now - timedelta(days=1)
        for n, key in enumerate(keys):
            first = (n % LISTS) * LIST_SIZE
            refs = [repo.ref for repo in repos[first:first + LIST_SIZE]]
            await store.add_to_watch_list(key, refs, "U1", since, cap=LIST_SIZE)
            await store.save_channel_settings(key, daily)
    finally:
        await store.close()
    return due.date().isoformat()


def status_mib(pid: int, field: str) -> float:
    """A memory figure of /proc/PID/status (VmHWM: the peak RSS; VmRSS: now), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def next_minute(after: datetime) -> datetime:
    return after.replace(second=0, microsecond=0) + timedelta(minutes=1)


async def fanout(
    channels: int, *, at_start: bool = False
) -> tuple[float, float, int, int, int, float]:
    """Seconds from the due minute (``at_start``: from listening, the briefings having come
    due while the bot was down) to the last post, the floor, lost, duplicated, 429s and
    the bot's peak RSS in MiB."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        database = folder / "momentum.db"
        async with FakeSlack() as slack:
            slack.pace_posts(per_channel_seconds=1.0, workspace_per_second=WORKSPACE_PER_SECOND)
            keys = channel_keys(slack, channels)
            now = datetime.now(UTC)
            # Time enough to seed, start and time the schedules before the minute comes.
            due = now - timedelta(minutes=1) if at_start else next_minute(
                now + timedelta(seconds=20))
            period = await seed_fanout(database, keys, now, due)
            env = run_env(slack, database, free_port(), closed_port_url())
            env["SLACK_POSTS_PER_SECOND"] = str(WORKSPACE_PER_SECOND)
            bot = await start_bot(env, folder, folder / "run.log")
            try:
                listening = await bot.listening_after(within=120) + bot.started
                if at_start:
                    began, since = listening, "listening"
                else:
                    began = time.monotonic() + (due - datetime.now(UTC)).total_seconds()
                    since = "the due minute"
                    if slack.posted:
                        print(f"  {len(slack.posted)} posted before the due minute")
                    await asyncio.sleep(max(0.0, began - time.monotonic()))
                deadline = time.monotonic() + 30 + 5 * channels / WORKSPACE_PER_SECOND
                first = None
                while len(slack.posted) < channels and time.monotonic() < deadline:
                    if first is None and slack.posted:
                        first = time.monotonic() - began
                    await asyncio.sleep(0.05)
                took = time.monotonic() - began
                print(f"  first post {first or 0:.1f} s after {since}; last {took:.1f} s")
                # Anything posted twice would come soon after.
                await asyncio.sleep(2)
                rss = status_mib(bot.process.pid, "VmHWM")
                print(f"  the bot's RSS: peak {rss:.0f} MiB, after the fan-out "
                      f"{status_mib(bot.process.pid, 'VmRSS'):.0f} MiB")
                print(f"  the bot's CPU time since spawn: {cpu_seconds(bot.process.pid):.1f} s")
            finally:
                await bot.stop()
            received = Counter(str(call.params.get("channel")) for call in slack.posted)
            lost = sum(1 for key in keys if received[key.channel] == 0)
            duplicated = sum(count - 1 for count in received.values() if count > 1)
            refused = len(slack.calls_to("chat.postMessage")) - len(slack.posted)
            statuses = Counter(ledger(database, period).values())
            if statuses.get("done", 0) != channels:
                print(f"  ledger: {dict(statuses)}")
    return took, channels / WORKSPACE_PER_SECOND, lost, duplicated, refused, rss


async def fanout_part(counts: list[int]) -> None:
    print(f"fan-out (momentum run, {LISTS} lists of {LIST_SIZE} repos, "
          f"{WORKSPACE_PER_SECOND:g} posts/s)", flush=True)
    for count, at_start in [(count, False) for count in counts] + [(counts[-1], True)]:
        took, floor, lost, duplicated, refused, rss = await fanout(count, at_start=at_start)
        ratio = took / floor
        figure = f"catch-up of {count:,} at start" if at_start else f"fan-out {count:,} briefings"
        row(figure,
            f"{took:.1f} s against {floor:.0f} s = {ratio:.2f}x; lost {lost}, duplicated "
            f"{duplicated}, 429s {refused}; peak RSS {rss:.0f} MiB",
            "<= 1.1x, 0, 0", ratio <= 1.1 and lost == 0 and duplicated == 0)


async def rss_part(channels: int) -> None:
    print(f"memory (momentum run, {channels:,} channels due)", flush=True)
    *_, rss = await fanout(channels)
    row(f"peak RSS, {channels:,} channels", f"{rss:.0f} MiB", "< 150 MB", rss * 1.048576 < 150)


async def ack_part(counts: list[int], trials: int) -> None:
    from first_ack import TARGET_SECONDS, measure

    print("first ack (momentum run, Slack HTTP mode)", flush=True)
    for count in counts:
        runs = sorted([await measure(count, False) for _ in range(trials)], key=lambda r: r[1])
        acked = runs[len(runs) // 2][1]
        row(f"first ack, {count:,} channels", f"{acked:.2f} s",
            f"< {TARGET_SECONDS:g} s" if count >= 5000 else "-",
            acked < TARGET_SECONDS if count >= 5000 else None)


async def graphql_part(repos: int) -> None:
    from collect import CHANNEL, synthetic_repos

    from bot.clients.github import GitHubClient
    from bot.collection.collector import collect
    from bot.testing import FakeClock, FakeGitHub
    from bot.testing.github_scenario import Scenario

    print(f"refresh ({repos:,} repos, fake GitHub)", flush=True)
    start = datetime(2026, 4, 13, 9, tzinfo=UTC)
    clock = FakeClock(start)
    scenario = synthetic_repos(repos)
    with tempfile.TemporaryDirectory() as scratch:
        store = await SqliteStore.open(Path(scratch) / "refresh.db")
        refs = [RepoRef(r.owner, r.name) for r in scenario]
        await store.add_to_watch_list(CHANNEL, refs, "bench", start, cap=len(refs))
        async with FakeGitHub(Scenario(scenario), clock=clock) as fake, GitHubClient(
            api_url=fake.url, graphql_url=fake.graphql_url, token="bench",
            clock=clock, sleep=clock.sleep,
        ) as client:
            await collect(store, client, clock.now)
            clock.advance(24 * 3600)
            summary = await collect(store, client, clock.now)
        await store.close()
    points = summary.graphql_points
    want_points = -(-repos // 49)  # batches of 49 repos, 1 point each
    row(f"daily refresh of {repos:,} repos", f"{summary.rest_calls:,} REST calls, "
        f"{points} GraphQL points", f"{repos:,} calls, {want_points} points" if repos == 1000
        else "-", summary.rest_calls <= repos and points <= want_points)


async def main(only: set[str], quick: bool) -> None:
    if "compose" in only:
        await compose_part([100, 1000] if quick else [100, 1000, 10_000])
    if "fanout" in only:
        await fanout_part([200] if quick else [200, 2000])
    if "rss" in only:
        await rss_part(200 if quick else 1000)
    if "ack" in only:
        await ack_part([0, 1000] if quick else [0, 1000, 5000], 1 if quick else 3)
    if "graphql" in only:
        await graphql_part(200 if quick else 1000)
    width = max(len(r[0]) for r in ROWS) if ROWS else 10
    print()
    print(f"{'figure':<{width}}  {'measured':<70}  {'target':<16}")
    for figure, measured, target, mark in ROWS:
        print(f"{figure:<{width}}  {measured:<70}  {target:<16}  {mark}")


if __name__ == "__main__":
    parts = ("compose", "fanout", "rss", "ack", "graphql")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(parts),
                        help=f"comma-separated parts: {', '.join(parts)}")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one trial")
    args = parser.parse_args()
    chosen = set(args.only.split(","))
    if chosen - set(parts):
        parser.error(f"unknown parts: {', '.join(sorted(chosen - set(parts)))}")
    asyncio.run(main(chosen, args.quick))
