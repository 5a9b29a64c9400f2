"""GitHub's cost of ``momentum compare … --since all`` for three five-year-old repos: the
first run fetches every history page back to each creation week, the second none.

    python benchmarks/compare_cost.py [--out DIR]

Runs the real command as a subprocess against the fake GitHub on loopback, counts what the
fake was asked, and writes the linear and log charts to DIR (default: a temporary folder)
so they can be looked at.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.testing import FakeGitHub, ScenarioRepo

AGE_DAYS = 5 * 365
PAGE_DAYS = 30 * 7


def repos() -> list[ScenarioRepo]:
    created = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    created -= timedelta(days=AGE_DAYS)
    shapes = {
        # A steady climber, a launch that faded, and a late bloomer.
        "steady/climber": [40 + day // 20 for day in range(AGE_DAYS + 1)],
        "early/launch": [max(5, round(900 * math.exp(-day / 60))) for day in range(AGE_DAYS + 1)],
        "late/bloomer": [round(2 * math.exp(day / 300)) for day in range(AGE_DAYS + 1)],
    }
    return [
        ScenarioRepo.with_daily(name, number, created, daily)
        for number, (name, daily) in enumerate(shapes.items(), start=1)
    ]


async def run(fake: FakeGitHub, database: Path, *args: str) -> tuple[float, str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "MOMENTUM_"))
    }
    environment |= {
        "GITHUB_API_URL": fake.url,
        "GITHUB_GRAPHQL_URL": fake.graphql_url,
        "DATABASE_URL": f"sqlite:///{database}",
        "LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "compare",
        *(repo.full_name for repo in repos()),
        "--since",
        "all",
        *args,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"momentum compare failed: {err.decode().strip()}")
    return time.perf_counter() - started, out.decode()


async def main(out: Path) -> None:
    expected_pages = math.ceil((AGE_DAYS + 7) / PAGE_DAYS)
    async with FakeGitHub(repos()) as fake:
        database = out / "compare.db"
        database.unlink(missing_ok=True)
        print(f"three repos created {AGE_DAYS} days ago; a history page holds 30 weeks")
        for label, extra in (
            ("first", ("--chart", str(out / "compare-linear.png"))),
            ("second", ("--log", "--chart", str(out / "compare-log.png"))),
        ):
            before = dict(fake.stats.calls)
            seconds, text = await run(fake, database, *extra)
            spent = {k: v - before.get(k, 0) for k, v in fake.stats.calls.items()}
            history = spent.get("history", 0)
            print(
                f"{label} compare all: {history} history calls (3 x {expected_pages} pages "
                f"expected first, 0 after), {spent.get('repo', 0)} repo calls, "
                f"{spent.get('graphql', 0)} GraphQL requests, {seconds:.1f} s"
            )
        print(text)
        print(f"charts: {out / 'compare-linear.png'}, {out / 'compare-log.png'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.mkdtemp(prefix="compare-")))
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    asyncio.run(main(options.out))
