"""Real daily star counts (``../shared/stardata``, see its README) turned into the
backtest's inputs: each repo's stars per day, and the sets of lists the fit and the
forecast-skill benchmark replay.

Sources: EvanLi/Github-Ranking (MIT, Copyright (c) EvanLi) and yuxiaopeng/Github-Ranking-AI
(MIT). The data is read at run time and never copied into this repository.

From snapshots to daily stars: the difference between one day's snapshot and the next is
taken as the stars of the first day; a negative difference (more unstars than stars)
counts as 0. A gap of up to ``MAX_GAP`` days between a repo's snapshots is spread evenly
over its days; a longer one (the sources stopped for weeks, or the repo left every list)
leaves its days missing, so no week that holds them is forecast or scored.

Repos are chosen for a block from what was known before it: at least ``MIN_WEEKS`` whole
weeks of history and at least one star a day over the 28 days before its first briefing.
They are shuffled with a fixed seed and cut into lists of ``LIST_SIZE``.
"""

from __future__ import annotations

import csv
import gzip
import os
import random
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from pathlib import Path

from bot.features.predictions.model import MIN_WEEKS, WEEK, weekly_stars
from bot.features.predictions.replay import RepoHistory

DEFAULT_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "stardata"
EVANLI_ALL = "evanli_all_repos_daily_2025-08-01_to_2026-08-22.csv.gz"
EVANLI_TOP = "evanli_top100_overall_daily_2018-12-18_to_2026-08-22.csv.gz"
YUXIAOPENG = "yuxiaopeng_ai_ranking_all_repos_daily_2023-05-18_to_2026-08-22.csv.gz"
MAX_GAP = 10
LIST_SIZE = 5
SEED = 1
# The tuning period: briefings from TUNE_START to TUNE_END on the evanli file.
TUNE_START, TUNE_END = date(2025, 11, 21), date(2026, 8, 14)

Snapshots = dict[str, dict[date, int]]


def data_dir(given: str | None) -> Path:
    """``given``, else $MOMENTUM_STARDATA, else ../shared/stardata; exits with one line
    when the folder is not there."""
    path = Path(given or os.environ.get("MOMENTUM_STARDATA") or DEFAULT_DIR)
    if not (path / EVANLI_ALL).is_file():
        sys.exit(
            f"stardata not found in {path}: pass --data DIR or set MOMENTUM_STARDATA to the "
            "folder holding the real daily star counts"
        )
    return path


def load(path: Path, keep: Callable[[dict[str, str]], bool] = lambda row: True) -> Snapshots:
    snapshots: Snapshots = defaultdict(dict)
    with gzip.open(path, "rt", newline="") as handle:
        for row in csv.DictReader(handle):
            if keep(row):
                snapshots[row["repo"]][date.fromisoformat(row["date"])] = int(row["stars"])
    return dict(snapshots)


def daily_counts(series: dict[date, int]) -> dict[date, int]:
    days = sorted(series)
    counts: dict[date, int] = {}
    for day, following in pairwise(days):
        span = (following - day).days
        if span > MAX_GAP:
            continue
        share, extra = divmod(max(0, series[following] - series[day]), span)
        for n in range(span):
            counts[day + timedelta(days=n)] = share + (1 if n < extra else 0)
    return counts


@dataclass(frozen=True, slots=True)
class Block:
    """Briefings every 7 days from ``start`` to ``end`` over ``lists`` of repo ids."""

    label: str
    start: date
    end: date
    histories: dict[int, RepoHistory]
    lists: list[list[int]]


def block(
    label: str, daily: dict[str, dict[date, int]], names: Iterable[str], start: date, end: date,
    seed: int = SEED,
) -> Block:
    chosen = sorted(name for name in names if name in daily and _eligible(daily[name], start))
    random.Random(f"{seed}:{label}").shuffle(chosen)
    last = max(max(daily[name]) for name in chosen) if chosen else end
    reported = datetime.combine(last + timedelta(days=1), time(), UTC)
    histories = {n: RepoHistory(name, daily[name], reported) for n, name in enumerate(chosen)}
    ids = list(histories)
    lists = [ids[n : n + LIST_SIZE] for n in range(0, len(ids), LIST_SIZE)]
    return Block(label, start, end, histories, lists)


def _eligible(days: dict[date, int], start: date) -> bool:
    if len(weekly_stars(days, start)) < MIN_WEEKS:
        return False
    recent = [days[start - timedelta(days=n)] for n in range(1, 4 * WEEK + 1)]
    return sum(recent) >= 4 * WEEK


def months_after(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def all_daily(snapshots: Snapshots) -> dict[str, dict[date, int]]:
    return {name: daily_counts(series) for name, series in snapshots.items()}


def tuning_block(folder: Path, seed: int = SEED, offset: int = 0) -> Block:
    """The tuning period's briefings, ``offset`` days (0 to 6) after TUNE_START's weekday:
    the bot's briefings fall on any day of the week, and each weekday's weeks are cut
    from the days differently. The last briefing is the last of that weekday on or
    before TUNE_END, so no briefing falls outside the tuning period."""
    if not 0 <= offset < WEEK:
        raise ValueError("the offset is a weekday's, 0 to 6 days")
    daily = _evanli_daily(folder)
    start = TUNE_START + timedelta(days=offset)
    end = TUNE_END - timedelta(days=(TUNE_END - start).days % WEEK)
    return block(f"tuning:{seed}", daily, daily, start, end, seed)


@cache
def _evanli_daily(folder: Path) -> dict[str, dict[date, int]]:
    return all_daily(load(folder / EVANLI_ALL))


def held_out(folder: Path) -> dict[str, list[Block]]:
    """The issue's three held-out sets: (a) AI repos of the yuxiaopeng file that are not
    in the evanli file, tuning period; (b) yuxiaopeng, quarterly blocks 2023-09 to
    2025-06; (c) evanli's overall top 100, half-year blocks 2019-04 to 2024-09."""
    evanli_names = set(load(folder / EVANLI_ALL))
    ai = all_daily(load(folder / YUXIAOPENG))
    sets: dict[str, list[Block]] = {
        "a": [block("a", ai, (n for n in ai if n not in evanli_names), TUNE_START, TUNE_END)]
    }
    sets["b"] = [
        _calendar_block(f"b:{first}", ai, ai, first, 3)
        for first in _firsts(date(2023, 9, 1), date(2025, 6, 1), 3)
    ]
    top = load(folder / EVANLI_TOP, lambda row: row["list"] == "top-100-stars")
    top_daily = all_daily(top)
    sets["c"] = [
        _calendar_block(
            f"c:{first}", top_daily, (n for n, s in top.items() if _listed(s, first)), first, 6
        )
        for first in _firsts(date(2019, 4, 1), date(2024, 10, 1), 6)
    ]
    return sets


def _listed(snapshots: dict[date, int], first: date) -> bool:
    """In the top 100 in the week before ``first`` (the sources skipped some days)."""
    return any(first - timedelta(days=n) in snapshots for n in range(WEEK))


def _firsts(first: date, stop: date, months: int) -> list[date]:
    found = []
    while first < stop:
        found.append(first)
        first = months_after(first, months)
    return found


def _calendar_block(
    label: str, daily: dict[str, dict[date, int]], names: Iterable[str], first: date, months: int
) -> Block:
    return block(label, daily, names, first, months_after(first, months) - timedelta(days=1))
