"""The predictions' backtest on a year of synthetic data served by the fake GitHub.

    python benchmarks/backtest_fake.py [--repos 60] [--list-size 5] [--seed 3] [--format json]

Each synthetic repo's daily stars follow a shape real repos show: a base pace (2 to 300 a
day, log-uniform) that drifts slowly and reverts, a weekday rhythm, occasional launches or
front-page days that multiply the pace and fade over a few days, and Poisson noise. The
numbers are made up; they are not GitHub data.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
from datetime import UTC, date, datetime, time, timedelta

from backtest_scenario import collect_and_backtest

from bot.features.predictions.model import HISTORY_WEEKS, WEEK
from bot.testing import ScenarioRepo

FIRST_DAY = date(2025, 8, 1)
DAYS = 385  # a year of briefings after the model's history, and a week to score the last
NOW = datetime.combine(FIRST_DAY + timedelta(days=DAYS + 1), time(12), UTC)


def poisson(rng: random.Random, mean: float) -> int:
    if mean > 50:  # Knuth's method underflows; the normal curve is as good up here
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def synthetic_daily(rng: random.Random) -> list[int]:
    base = math.exp(rng.uniform(math.log(2), math.log(300)))
    level, boost, counts = 0.0, 0.0, []
    for day in range(DAYS):
        if day % WEEK == 0:
            level = 0.8 * level + rng.gauss(0, 0.15)  # slow drift that reverts
        if rng.random() < 1 / 60:
            boost += math.exp(rng.uniform(math.log(2), math.log(20)))
        weekday = 1 - 0.2 * math.cos(2 * math.pi * (FIRST_DAY + timedelta(day)).weekday() / 7)
        counts.append(poisson(rng, base * math.exp(level) * (1 + boost) * weekday))
        boost *= 0.6  # a launch fades within a week or so
    return counts


async def main(count: int, list_size: int, seed: int, output: str) -> None:
    rng = random.Random(seed)
    created = datetime.combine(FIRST_DAY, time(), UTC)
    repos = [
        ScenarioRepo.with_daily(f"synthetic/repo{n:03d}", 50_000 + n, created, synthetic_daily(rng))
        for n in range(count)
    ]
    start = FIRST_DAY + timedelta(days=HISTORY_WEEKS * WEEK)
    end = FIRST_DAY + timedelta(days=DAYS - 2 * WEEK)
    print(f"SYNTHETIC: {count} made-up repos, {DAYS} days from {FIRST_DAY}, seed {seed}")
    print(await collect_and_backtest(repos, NOW, start, end, list_size=list_size, output=output))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=60)
    parser.add_argument("--list-size", type=int, default=5)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    options = parser.parse_args()
    asyncio.run(main(options.repos, options.list_size, options.seed, options.format))
