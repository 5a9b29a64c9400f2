"""A comparison's figures: each repository's curve of cumulative stars and its table row.

GitHub's daily history counts stars still present, bucketed by the day they were given, so
a curve's point for a day is "stars still present that were given by then". When the
stored history does not reach back to the repository's start, the stars given before its
first stored day are the total less the stored days (so the curve still ends at the
total), and the days to 1k or 10k are unknown when the curve starts above them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.figures import momentum

VELOCITY_WINDOWS = (7, 28, 90)
MILESTONES = (1_000, 10_000)


@dataclass(frozen=True, slots=True)
class RepoHistory:
    """What the store holds for one repository, as a comparison needs it."""

    name: str  # owner/name as the reader knows it
    daily: Mapping[date, int]  # stored days, any span
    total: int | None  # the newest star count, when one is stored
    created: date | None  # GitHub's creation date, when known
    complete: bool  # True when ``daily`` reaches back to the repository's start


@dataclass(frozen=True, slots=True)
class Milestone:
    stars: int
    days: int | None  # days from the start to the day the curve reached ``stars``
    reached: bool  # False: not yet (days is None); True with days None: before the data


@dataclass(frozen=True, slots=True)
class CompareRow:
    name: str
    stars: int
    velocities: tuple[float | None, ...]  # per VELOCITY_WINDOWS; None without the days
    acceleration: float | None  # 7-day velocity against the 7 days before
    start: date | None  # creation day, else the first day with stars
    age_days: int | None
    milestones: tuple[Milestone, ...]
    curve: tuple[tuple[date, int], ...]  # (day, cumulative stars) over the span asked for
    complete: bool

    def offset(self, day: date) -> int | None:
        """Days since this repository's start (``aligned`` charts)."""
        return None if self.start is None else (day - self.start).days


def compare_row(history: RepoHistory, as_of: date, span_days: int | None) -> CompareRow:
    """Figures over the whole days before ``as_of``; the curve covers ``span_days`` of them
    (all stored days when None)."""
    days = sorted(day for day in history.daily if day < as_of)
    stored = sum(history.daily[day] for day in days)
    total = history.total if history.total is not None else stored
    before = 0 if history.complete else max(total - stored, 0)
    running, cumulative = before, []
    for day in days:
        running += history.daily[day]
        cumulative.append((day, running))
    first_star = next((day for day in days if history.daily[day] > 0), None)
    start = history.created or (first_star if history.complete else None)
    first_shown = None if span_days is None else as_of - timedelta(days=span_days)
    curve = tuple(point for point in cumulative if first_shown is None or point[0] >= first_shown)
    return CompareRow(
        name=history.name,
        stars=total,
        velocities=tuple(_velocity(history.daily, as_of, n) for n in VELOCITY_WINDOWS),
        acceleration=_acceleration(history.daily, as_of),
        start=start,
        age_days=None if start is None else (as_of - start).days,
        milestones=tuple(_milestone(cumulative, before, start, n) for n in MILESTONES),
        curve=curve,
        complete=history.complete,
    )


def _velocity(daily: Mapping[date, int], as_of: date, days: int) -> float | None:
    figure = momentum(daily, as_of, days)
    # The prior window may be missing (a young repo); the current one must be whole.
    current_missing = sum(1 for n in range(1, days + 1) if as_of - timedelta(n) not in daily)
    return None if current_missing else figure.velocity


def _acceleration(daily: Mapping[date, int], as_of: date) -> float | None:
    figure = momentum(daily, as_of, 7)
    return figure.acceleration if figure.complete else None


def _milestone(
    cumulative: list[tuple[date, int]], before: int, start: date | None, stars: int
) -> Milestone:
    if before >= stars:
        return Milestone(stars, None, reached=True)  # reached before the stored days
    for day, total in cumulative:
        if total >= stars:
            return Milestone(stars, None if start is None else (day - start).days, reached=True)
    return Milestone(stars, None, reached=False)
