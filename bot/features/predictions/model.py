"""The forecaster: next week's stars from the spread of a series' own recent weeks.

Work on y = log(1 + weekly stars), where a repo's ups and downs are proportional to its
size. The point forecast for next week is the mean of y over the last ``LEVEL_WEEKS``
weeks (recent weeks, not just the last one: a spike tends to fade and a dip to recover).
The spread is how far that same forecast missed, week after week, over the series' own
history (the root mean square of its one-week-ahead errors), widened for the uncertainty
of the level itself; with only a few misses to go on, the forecast is Student's t with as
many degrees of freedom as misses. ``backtest`` chose these numbers; README says how.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.features.predictions.student_t import t_survival

WEEK = 7
# Weeks the level is averaged over; backtests of 2 to 8 weeks did best at 6.
LEVEL_WEEKS = 6
HISTORY_WEEKS = 16
# Four one-week misses are the fewest that say anything about a series' spread.
MIN_WEEKS = LEVEL_WEEKS + 4


@dataclass(frozen=True, slots=True)
class WeekForecast:
    """What next week's stars may be: Student's t on log(1 + stars)."""

    weeks: tuple[int, ...]  # the series' weekly stars, oldest first
    center: float
    scale: float
    dof: int

    def prob_above(self, stars: float) -> float:
        """P(next week's stars > ``stars``); stars are whole, so the cut is halfway
        between the last count that fails and the first that passes."""
        first_passing = math.floor(stars) + 1
        if first_passing <= 0:
            return 1.0
        return t_survival((math.log(first_passing + 0.5) - self.center) / self.scale, self.dof)

    def inputs(self) -> dict[str, object]:
        return {
            "weeks": list(self.weeks),
            "center": round(self.center, 6),
            "scale": round(self.scale, 6),
            "dof": self.dof,
        }


def prob_ahead(leader: WeekForecast, other: WeekForecast) -> float:
    """P(``leader`` gains more stars next week than ``other``), the two taken as
    independent; their difference's spread is the two spreads combined."""
    scale = math.hypot(leader.scale, other.scale)
    return t_survival((other.center - leader.center) / scale, min(leader.dof, other.dof))


def weekly_stars(
    daily: Mapping[date, int], as_of: date, weeks: int = HISTORY_WEEKS
) -> tuple[int, ...]:
    """Stars in each whole week before ``as_of``, oldest first, back to the first week
    the data does not fully cover (days the store lacks are not guessed at)."""
    found: list[int] = []
    end = as_of
    for _ in range(weeks):
        days = [end - timedelta(days=n) for n in range(1, WEEK + 1)]
        if any(day not in daily for day in days):
            break
        found.append(sum(daily[day] for day in days))
        end -= timedelta(days=WEEK)
    return tuple(reversed(found))


def forecast(weeks: Sequence[int]) -> WeekForecast | None:
    """Next week's forecast; None with fewer than ``MIN_WEEKS`` weeks of history."""
    if len(weeks) < MIN_WEEKS:
        return None
    y = [math.log1p(count) for count in weeks]
    misses = [
        y[i + 1] - _level(y[: i + 1]) for i in range(LEVEL_WEEKS - 1, len(y) - 1)
    ]
    spread = math.sqrt(sum(miss * miss for miss in misses) / len(misses))
    # A series that never moved still has Poisson noise: one star either way.
    floor = math.log1p(1 / (1 + math.exp(_level(y))))
    scale = max(spread, floor) * math.sqrt(1 + 1 / LEVEL_WEEKS)
    return WeekForecast(tuple(weeks), _level(y), scale, len(misses))


def _level(y: Sequence[float]) -> float:
    recent = y[-LEVEL_WEEKS:]
    return sum(recent) / len(recent)
