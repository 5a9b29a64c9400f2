"""The predictions' backtest on real daily star counts (../shared/stardata), turned into a
fake-GitHub scenario, collected the way the bot collects, and replayed.

    python benchmarks/backtest_stardata.py [--sample 100] [--seed 1] [--list-size 5]
        [--min-per-day 1] [--format json]

Source: EvanLi/Github-Ranking (MIT, Copyright (c) EvanLi), daily snapshots of
``stargazers_count`` reshaped in ../shared/stardata (see its README). The data is read
from there at run time and never copied into this repository.

From snapshots to GitHub's daily counts: the difference between one day's snapshot and the
next (about 03:00-04:10 UTC each) is taken as the stars of the first day. The counts are
net (unstars included): a negative difference counts as 0, and a gap of several days
between snapshots is spread evenly over its days. The repos are a seeded random sample of
those with a snapshot on every day of the file that gained at least ``--min-per-day``
stars a day over its first 28 days (chosen before any briefing the backtest replays).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gzip
import random
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path

from backtest_scenario import collect_and_backtest

from bot.features.predictions.model import HISTORY_WEEKS, WEEK
from bot.testing import ScenarioRepo

DATA = (
    Path(__file__).resolve().parents[1].parent
    / "shared" / "stardata" / "evanli_all_repos_daily_2025-08-01_to_2026-08-22.csv.gz"
)


def load_snapshots(path: Path) -> tuple[dict[str, dict[date, int]], list[date]]:
    snapshots: dict[str, dict[date, int]] = defaultdict(dict)
    with gzip.open(path, "rt", newline="") as handle:
        for row in csv.DictReader(handle):
            snapshots[row["repo"]][date.fromisoformat(row["date"])] = int(row["stars"])
    days = sorted({day for series in snapshots.values() for day in series})
    return dict(snapshots), days


def daily_counts(series: dict[date, int], days: list[date]) -> list[int]:
    """Stars per day from ``days[0]`` to the day before ``days[-1]``."""
    counts: list[int] = []
    for day, following in pairwise(days):
        span = (following - day).days
        gained = max(0, series[following] - series[day])
        share, extra = divmod(gained, span)
        counts += [share + (1 if n < extra else 0) for n in range(span)]
    return counts


def choose(
    snapshots: dict[str, dict[date, int]], days: list[date], sample: int, seed: int,
    min_per_day: float,
) -> list[str]:
    early = next(day for day in days if day >= days[0] + timedelta(days=28))
    span = (early - days[0]).days
    complete = sorted(
        name for name, series in snapshots.items()
        if len(series) == len(days) and (series[early] - series[days[0]]) / span >= min_per_day
    )
    return sorted(random.Random(seed).sample(complete, min(sample, len(complete))))


async def main(options: argparse.Namespace) -> None:
    snapshots, days = load_snapshots(DATA)
    names = choose(snapshots, days, options.sample, options.seed, options.min_per_day)
    created = datetime.combine(days[0], time(), UTC)
    repos = [
        ScenarioRepo.with_daily(name, 70_000 + n, created, daily_counts(snapshots[name], days))
        for n, name in enumerate(names)
    ]
    last_day = days[-1] - timedelta(days=1)
    now = datetime.combine(days[-1], time(12), UTC)
    start = days[0] + timedelta(days=HISTORY_WEEKS * WEEK)
    end = last_day - timedelta(days=WEEK)
    print(f"Real data (EvanLi/Github-Ranking, MIT): {len(names)} repos, "
          f"{days[0]} to {last_day}, sample seed {options.seed}")
    print(await collect_and_backtest(
        repos, now, start, end, list_size=options.list_size, output=options.format
    ))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--list-size", type=int, default=5)
    parser.add_argument("--min-per-day", type=float, default=1.0)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    asyncio.run(main(parser.parse_args()))
