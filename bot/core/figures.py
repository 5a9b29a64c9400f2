"""Momentum figures: pure functions over daily star counts.

Days are UTC dates. A window of ``W`` days ending at ``as_of`` holds the ``W`` whole days
before ``as_of`` (``as_of`` itself is not in it); the prior window is the ``W`` days before
that. DESIGN.md's table is the specification.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Generic, TypeVar

K = TypeVar("K")

MIN_WINDOW_DAYS = 1
MAX_WINDOW_DAYS = 90

DailyStars = Mapping[date, int]


@dataclass(frozen=True, slots=True)
class Window:
    """The days ``start`` (inclusive) to ``end`` (exclusive)."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end

    def dates(self) -> tuple[date, ...]:
        return _dates(self.start, self.end)


@lru_cache(maxsize=512)
def _dates(start: date, end: date) -> tuple[date, ...]:
    # Every repo of a list asks for the same few spans: each is counted out once.
    return tuple(date.fromordinal(n) for n in range(start.toordinal(), end.toordinal()))


def window(as_of: date, days: int) -> Window:
    """The ``days`` whole days before ``as_of``."""
    check_window_days(days)
    return Window(as_of - timedelta(days=days), as_of)


def prior_window(as_of: date, days: int) -> Window:
    """The ``days`` days before :func:`window`."""
    return window(as_of - timedelta(days=days), days)


def check_window_days(days: int) -> None:
    if not MIN_WINDOW_DAYS <= days <= MAX_WINDOW_DAYS:
        raise ValueError(
            f"a window is {MIN_WINDOW_DAYS} to {MAX_WINDOW_DAYS} days, not {days}"
        )


def stars_in(daily: DailyStars, span: Window) -> int:
    return sum(daily.get(day, 0) for day in span.dates())


def missing_days(daily: DailyStars, span: Window) -> int:
    """Days of ``span`` the data does not cover (figures over them would be understated)."""
    return sum(1 for day in span.dates() if day not in daily)


@dataclass(frozen=True, slots=True)
class Momentum:
    """One repository's figures for a window and the window before it."""

    window_days: int
    stars: int
    prior_stars: int
    missing_days: int

    @property
    def velocity(self) -> float:
        """Stars gained per day in the window."""
        return self.stars / self.window_days

    @property
    def prior_velocity(self) -> float:
        return self.prior_stars / self.window_days

    @property
    def acceleration(self) -> float:
        """Change of velocity against the prior window, in stars per day."""
        return self.velocity - self.prior_velocity

    @property
    def acceleration_pct(self) -> float | None:
        """Acceleration as a percentage of the prior velocity; None when that was zero."""
        if self.prior_stars <= 0:
            return None
        return 100 * (self.stars - self.prior_stars) / self.prior_stars

    @property
    def complete(self) -> bool:
        return self.missing_days == 0


def momentum(daily: DailyStars, as_of: date, days: int) -> Momentum:
    current, prior = window(as_of, days), prior_window(as_of, days)
    return Momentum(
        window_days=days,
        stars=stars_in(daily, current),
        prior_stars=stars_in(daily, prior),
        missing_days=missing_days(daily, current) + missing_days(daily, prior),
    )


def velocity(daily: DailyStars, as_of: date, days: int) -> float:
    return stars_in(daily, window(as_of, days)) / days


def total_velocity(figures: Iterable[Momentum]) -> float:
    """The sum of the velocities of a list's repositories."""
    return sum(figure.velocity for figure in figures)


@dataclass(frozen=True, slots=True)
class Movers(Generic[K]):
    accelerating: list[tuple[K, Momentum]]
    decelerating: list[tuple[K, Momentum]]


def rank_movers(figures: Mapping[K, Momentum]) -> Movers[K]:
    """Repositories whose velocity rose, fastest first, and those whose velocity fell,
    steepest first; ties keep the order of ``figures``. Unchanged ones are in neither."""
    items = list(figures.items())
    accelerating = sorted(
        (item for item in items if item[1].acceleration > 0), key=lambda item: -item[1].acceleration
    )
    decelerating = sorted(
        (item for item in items if item[1].acceleration < 0), key=lambda item: item[1].acceleration
    )
    return Movers(accelerating, decelerating)
