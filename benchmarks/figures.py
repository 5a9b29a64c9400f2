"""How long the momentum figures take for many repos, read from a real SQLite file.

    python benchmarks/figures.py [--repos 1000] [--days 120]

Prints the time to load each repo's daily stars from the store and compute its figures,
for a channel-sized list and for every repo.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.core.figures import momentum, rank_movers, total_velocity
from bot.core.repo_ref import RepoRef
from storage.sqlite import SqliteStore


async def main(repos: int, days: int) -> None:
    as_of = date(2026, 4, 13)
    now = datetime(2026, 4, 13, 9, tzinfo=UTC)
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as scratch:
        store = await SqliteStore.open(Path(scratch) / "bench.db")
        ids = []
        started = time.perf_counter()
        for n in range(repos):
            record = await store.add_repo(RepoRef("bench", f"repo{n}"), now)
            counts = {as_of - timedelta(days=d): rng.randint(0, 200) for d in range(1, days + 1)}
            await store.put_daily_stars(record.id, counts, now)
            ids.append(record.id)
        print(f"stored {repos} repos x {days} days in {time.perf_counter() - started:.2f} s")

        for label, subset in (("100 repos (a full list)", ids[:100]), (f"{repos} repos", ids)):
            started = time.perf_counter()
            figures = {}
            for repo_id in subset:
                daily = await store.daily_stars(repo_id, as_of - timedelta(days=14), as_of)
                figures[repo_id] = momentum(daily, as_of, 7)
            rank_movers(figures)
            total_velocity(figures.values())
            elapsed = time.perf_counter() - started
            print(f"{label}: figures in {elapsed * 1000:.1f} ms "
                  f"({elapsed / len(subset) * 1e6:.0f} us per repo)")
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repos", type=int, default=1000)
    parser.add_argument("--days", type=int, default=120)
    options = parser.parse_args()
    asyncio.run(main(options.repos, options.days))
