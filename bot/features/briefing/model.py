"""The figures a briefing holds, before any wording."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from bot.core.figures import Momentum
from bot.core.repo_ref import RepoRef
from bot.core.store import EventKind, RepoEvent

MoveKind = Literal["spike", "sustained", "pace_change", "steady"]


@dataclass(frozen=True, slots=True)
class Coincidence:
    """An event in or just before a window (a release, merged PR, Hacker News story or
    feed item) and how the repo's stars ran in the 48 hours after it."""

    event: RepoEvent
    stars_after: float  # stars in the measured hours after the event
    hours: float  # hours measured (48, or fewer when the event is recent)
    baseline_per_day: float  # the repo's daily average over the 28 days before the event
    # Other candidate events within 48 hours of this one: their lifts overlap its own.
    others: int = 0

    @property
    def kind(self) -> EventKind:
        return self.event.kind

    @property
    def lift(self) -> float | None:
        """Stars per hour after the event as a multiple of the baseline; None from zero."""
        if self.baseline_per_day <= 0:
            return None
        return (self.stars_after / self.hours) / (self.baseline_per_day / 24)


@dataclass(frozen=True, slots=True)
class Move:
    """How a window's stars were spread over its days.

    ``spike``: one day holds at least half of the window's stars; ``sustained``: most
    days were on the move's side of the prior window's average (above it for a rise,
    below for a fall); ``pace_change``: the window's last days ran at a clearly
    different pace from its first; ``steady``: none of these."""

    kind: MoveKind
    days: int
    stars: int  # the window's stars
    peak_day: date | None  # the day with the most stars (the earliest on a tie)
    peak_share: float  # that day's share of the window's stars (0 when it has none)
    days_beyond: int  # days above (rise) or below (fall) the prior window's average
    prior_velocity: float
    start_pace: float  # stars/day over the window's first days (see ``edge_days``)
    end_pace: float  # stars/day over its last days
    edge_days: int


@dataclass(frozen=True, slots=True)
class RepoFigures:
    """One repo's line in a briefing. ``figures`` is None when the data cannot measure
    both windows; ``exact`` is False when they are net differences of snapshots."""

    ref: RepoRef
    stars: int | None  # the total, from the newest snapshot on or before as_of's day
    figures: Momentum | None
    exact: bool
    note: str | None = None
    recent_daily: tuple[int, ...] = ()  # both windows' days before as_of, oldest first
    topics: tuple[str, ...] = ()
    language: str | None = None
    data_through: date | None = None  # the last day with stored data
    coincidence: Coincidence | None = None
    # The whole weeks before the current window, oldest first (7-day windows only).
    weeks_before: tuple[int, ...] = ()
    # The prediction model's spread of this repo's weekly stars (log(1 + stars)); None
    # without enough history or for windows other than a week.
    swing: float | None = None
    move: Move | None = None  # exact daily history only
    # Hacker News stories and feed items about the repo in the current window.
    coverage: tuple[RepoEvent, ...] = ()

    @property
    def swing_pct(self) -> float | None:
        return swing_pct(self.swing)

    @property
    def beyond_usual(self) -> bool | None:
        """Whether the change is beyond the repo's usual week-to-week swing; None when
        that swing is unknown."""
        if self.figures is None or self.swing is None:
            return None
        return beyond(self.figures.stars, self.figures.prior_stars, self.swing)

    @property
    def stars_gained(self) -> int | None:
        return None if self.figures is None else self.figures.stars

    @property
    def velocity(self) -> float | None:
        return None if self.figures is None else self.figures.velocity

    @property
    def prior_velocity(self) -> float | None:
        return None if self.figures is None else self.figures.prior_velocity

    @property
    def acceleration(self) -> float | None:
        return None if self.figures is None else self.figures.acceleration

    @property
    def acceleration_pct(self) -> float | None:
        return None if self.figures is None else self.figures.acceleration_pct


@dataclass(frozen=True, slots=True)
class Theme:
    """A topic or language that several repos on the list share."""

    name: str
    kind: str  # "topic" or "language"
    repos: tuple[RepoRef, ...]
    velocity: float
    prior_velocity: float

    @property
    def change_pct(self) -> float | None:
        if self.prior_velocity <= 0:
            return None
        return 100 * (self.velocity - self.prior_velocity) / self.prior_velocity


@dataclass(frozen=True, slots=True)
class ThemeCoverage:
    """A theme's share of the list's stars in the window against its share of the
    window's coverage items (shares from 0 to 1)."""

    name: str
    kind: str  # "topic" or "language"
    stars: int
    items: int
    star_share: float
    item_share: float

    @property
    def gap(self) -> float:
        """Positive: the theme draws more stars than coverage; negative: the reverse."""
        return self.star_share - self.item_share


@dataclass(frozen=True, slots=True)
class Coverage:
    """Where the list's attention (stars) and its coverage (HN stories, feed items about
    its repos in the window) diverge, theme by theme."""

    stars: int  # the list's stars in the window
    items: int  # distinct coverage items
    hn_stories: int
    feed_items: int
    themes: tuple[ThemeCoverage, ...]  # largest gap first, either way
    stars_ahead: tuple[ThemeCoverage, ...]  # more of the stars than of the coverage
    coverage_ahead: tuple[ThemeCoverage, ...]  # more of the coverage than of the stars


@dataclass(frozen=True, slots=True)
class Briefing:
    as_of: date
    window_days: int
    repos: tuple[RepoFigures, ...]
    accelerating: tuple[RepoFigures, ...]
    decelerating: tuple[RepoFigures, ...]
    themes: tuple[Theme, ...]
    stale_after_days: int = 1
    synthetic: bool = False
    notes: tuple[str, ...] = field(default=())
    # Measured repos whose change stayed within their usual swing.
    steady: tuple[RepoFigures, ...] = ()
    # The prediction model's spread of the whole list's weekly stars (log scale); None
    # unless every measured repo has enough exact history.
    swing: float | None = None
    coverage: Coverage | None = None  # None without coverage items in the window

    @property
    def swing_pct(self) -> float | None:
        return swing_pct(self.swing)

    @property
    def change(self) -> float:
        return self.total_velocity - self.prior_total_velocity

    @property
    def change_pct(self) -> float | None:
        if self.prior_total_velocity <= 0:
            return None
        return 100 * self.change / self.prior_total_velocity

    @property
    def swings_beyond(self) -> float | None:
        """The list's change in multiples of its usual swing (both on the log scale the
        model uses); None when the swing is unknown."""
        if self.swing is None or not self.measured:
            return None
        days = self.window_days
        now, before = self.total_velocity * days, self.prior_total_velocity * days
        return abs(math.log1p(now) - math.log1p(before)) / self.swing

    @property
    def measured(self) -> tuple[RepoFigures, ...]:
        return tuple(repo for repo in self.repos if repo.velocity is not None)

    @property
    def total_velocity(self) -> float:
        return sum(repo.velocity or 0.0 for repo in self.measured)

    @property
    def prior_total_velocity(self) -> float:
        return sum(repo.prior_velocity or 0.0 for repo in self.measured)

    @property
    def gained(self) -> int:
        return sum(1 for repo in self.measured if (repo.stars_gained or 0) > 0)

    @property
    def lost(self) -> int:
        return sum(1 for repo in self.measured if (repo.stars_gained or 0) < 0)


def swing_pct(swing: float | None) -> float | None:
    """A log-scale spread as the percentage a week may rise by and still be usual."""
    return None if swing is None else 100 * math.expm1(swing)


def beyond(stars: float, prior_stars: float, swing: float) -> bool:
    return abs(math.log1p(stars) - math.log1p(prior_stars)) > swing
