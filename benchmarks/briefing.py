"""How long a briefing takes to compose, for lists of 10, 100 and 1,000 repos.

    python benchmarks/briefing.py [--sizes 10,100,1000] [--days 365] [--runs 5]

Each repo has a year of daily stars, topics, a language and a few releases in a real
SQLite file. Prints, per list size, the median time to compose the briefing and its
Message (store reads and figures, no chart), the time to draw the chart, and the peak
memory of the process. Targets: 100 repos under 50 ms without the chart; the chart under
300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.core.repo_ref import RepoRef
from bot.core.store import RepoEvent, RepoMetadata, RepoRecord, Snapshot
from bot.features.briefing import compose
from bot.features.briefing.chart import briefing_chart
from bot.features.briefing.message import briefing_message
from storage.sqlite import SqliteStore

AS_OF = date(2026, 4, 13)
NOW = datetime(2026, 4, 13, 6, tzinfo=UTC)
TOPICS = ("llm", "inference", "agents", "database", "web", "cli", "vision", "audio")
LANGUAGES = ("Python", "Rust", "Go", "C++", "TypeScript")


async def seed(
    store: SqliteStore, count: int, days: int, rng: random.Random, *,
    as_of: date = AS_OF, at: datetime = NOW,
) -> list[RepoRecord]:
    """``count`` repos with ``days`` days of daily stars before ``as_of``, a snapshot and
    three releases, all stored at ``at``."""
    repos = []
    for n in range(count):
        ref = RepoRef("bench", f"repo{n}")
        record = await store.add_repo(ref, at)
        metadata = RepoMetadata(
            ref, topics=tuple(rng.sample(TOPICS, 2)), primary_language=rng.choice(LANGUAGES),
            created_at=datetime(2024, 1, 1, tzinfo=UTC),
        )
        await store.save_repo_metadata(record.id, metadata, at)
        level = rng.uniform(1, 300)
        counts = {as_of - timedelta(days=d): max(0, round(rng.gauss(level, level / 4)))
                  for d in range(1, days + 1)}
        await store.put_daily_stars(record.id, counts, at)
        await store.add_snapshot(record.id, Snapshot(at, sum(counts.values())))
        await store.add_events(record.id, [
            RepoEvent("release", f"v{k}", f"v{k}", at - timedelta(days=rng.randint(1, 30)))
            for k in range(3)
        ])
        saved = await store.find_repo(ref)
        assert saved is not None
        repos.append(saved)
    return repos


async def main(sizes: list[int], days: int, runs: int) -> None:
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as scratch:
        store = await SqliteStore.open(Path(scratch) / "briefing.db")
        repos = await seed(store, max(sizes), days, rng)
        print(f"{max(sizes)} repos x {days} days of daily stars in SQLite")
        for size in sizes:
            chosen = repos[:size]
            composing, drawing = [], []
            for _ in range(runs):
                started = time.perf_counter()
                briefing = await compose(store, chosen, AS_OF, 7)
                briefing_message(briefing)
                composing.append(time.perf_counter() - started)
                started = time.perf_counter()
                briefing_chart(briefing)
                drawing.append(time.perf_counter() - started)
            print(
                f"{size:>5} repos: compose {statistics.median(composing) * 1000:8.1f} ms, "
                f"chart {statistics.median(drawing) * 1000:6.1f} ms (median of {runs})"
            )
        await store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    asyncio.run(main([int(n) for n in options.sizes.split(",")], options.days, options.runs))
