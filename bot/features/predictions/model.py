"""The forecaster: a small logistic model per kind of question.

Each question compares next week's stars with a threshold (or with another repo's stars).
What the model sees, all on log(1 + stars per week), where a repo's ups and downs are
proportional to its size:
- how far each of the last six weeks, the 4- and 6-week medians, the 16-week mean, each
  of the last seven days and the last three days (each at its weekly rate) lie above the
  threshold (or the other repo);
- the distances of last week, the week before and the 3-, 6- and 16-week means in units
  of the series' own week-to-week spread, and the log of that spread;
- the repo's size, and its products with last week's, the 4-week median's, the last
  day's and the last three days' distances (a big repo's week moves less with its news);
- the share of the 16 weeks above the threshold (or ahead of the other repo): the series'
  own record, which a few wild weeks do not distort as they do the spread; and how far
  its best week lies above the threshold and how many weeks ago it was (a repo fading
  from a peak keeps fading);
- the parts of last week's, the 4-week median's, the last three days', the last day's and
  the 16-week mean's distances that lie above the threshold (0 below it): a series above
  its threshold does not drift as one below it does.
Cross-validation inside the tuning period chose these (``benchmarks/tune_predictions.py``);
the weights of each kind were fitted by ``benchmarks/fit_predictions.py`` on real daily
stars (the tuning period only) and ship in ``coefficients.json``.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

from bot.core.figures import Window
from bot.features.predictions.claims import Kind

WEEK = 7
HISTORY_WEEKS = 16
# The spread is measured as the misses of a 6-week mean; four misses are the fewest that
# say anything about a series' spread.
LEVEL_WEEKS = 6
MIN_WEEKS = LEVEL_WEEKS + 4
# The levels each question compares, on log(1 + stars per week).
LEVELS = (
    "week_6", "week_5", "week_4", "week_3", "week_2", "last_week", "median_4", "median_6",
    "mean_16", "day_7", "day_6", "day_5", "day_4", "day_3", "day_2", "last_day",
    "last_3_days",
)
SCALED = ("spread_last_week", "spread_week_before", "spread_mean_3", "spread_mean_6",
          "spread_mean_16")
# The levels whose distances are also taken times the size.
SIZED = ("last_week", "median_4", "last_day", "last_3_days")
# What the series' own record says: its share of weeks above, its best week's distance,
# and how long ago that was, in 16ths (a share of the history, like the first).
RECORD = ("share_above", "peak", "since_peak")
# The levels whose distances are also taken above the threshold only. Some say nothing
# new for some kinds, by how the questions are chosen: the list's last week is never below
# its threshold (its hinge repeats the distance), the overtaking repo's never above the
# other's (its hinge is 0, and so is its weight); the ridge copes, and one set of
# features for every kind keeps one code path.
HINGED = ("last_week", "median_4", "last_3_days", "last_day", "mean_16")
FEATURES = (
    *LEVELS, *SCALED, "size", "log_spread", *(f"size_x_{name}" for name in SIZED), *RECORD,
    *(f"{name}_above" for name in HINGED),
)
# A distance past this many spreads says no more than this many does; a series that
# barely moved would otherwise give near-certain odds.
MAX_DISTANCE = 4.0


def weekly_stars(
    daily: Mapping[date, int], as_of: date, weeks: int = HISTORY_WEEKS
) -> tuple[int, ...]:
    """Stars in each whole week before ``as_of``, oldest first, back to the first week
    the data does not fully cover (days the store lacks are not guessed at)."""
    found: list[int] = []
    end = as_of
    for _ in range(weeks):
        week = Window(end - timedelta(days=WEEK), end).dates()
        try:
            found.append(sum(map(daily.__getitem__, week)))
        except KeyError:  # a day the store lacks ends the weeks
            break
        end -= timedelta(days=WEEK)
    return tuple(reversed(found))


def last_days(daily: Mapping[date, int], as_of: date) -> tuple[int, ...]:
    """Stars on each of the 7 days before ``as_of``, oldest first; empty when a day of
    them is not stored."""
    days = [as_of - timedelta(days=n) for n in range(WEEK, 0, -1)]
    if any(day not in daily for day in days):
        return ()
    return tuple(daily[day] for day in days)


def levels(weeks: Sequence[int], days: Sequence[int]) -> tuple[float, ...]:
    """log(1 + stars per week) of each of ``LEVELS``: a day counts seven times over."""
    rates = (
        *(float(w) for w in weeks[-6:]),
        statistics.median(weeks[-4:]),
        statistics.median(weeks[-LEVEL_WEEKS:]),
        _mean(weeks[-HISTORY_WEEKS:]),
        *(float(WEEK * d) for d in days[-WEEK:]),
        _mean(days[-3:]) * WEEK,
    )
    return tuple(math.log1p(rate) for rate in rates)


def recent_means(weeks: Sequence[int]) -> tuple[float, ...]:
    """Stars per week: last week, the week before, and the 3-, 6- and 16-week means."""
    return (
        float(weeks[-1]),
        float(weeks[-2]),
        _mean(weeks[-3:]),
        _mean(weeks[-LEVEL_WEEKS:]),
        _mean(weeks[-HISTORY_WEEKS:]),
    )


def spread(weeks: Sequence[int]) -> float:
    """The root mean square of the one-week misses of a 6-week mean on log(1 + stars),
    never below one star's worth of Poisson noise."""
    y = [math.log1p(count) for count in weeks]
    misses = [
        y[i + 1] - _mean(y[i + 1 - LEVEL_WEEKS : i + 1]) for i in range(LEVEL_WEEKS - 1, len(y) - 1)
    ]
    rms = math.sqrt(sum(miss * miss for miss in misses) / len(misses))
    floor = math.log1p(1 / (1 + math.exp(_mean(y[-LEVEL_WEEKS:]))))
    return max(rms, floor)


def swing(weeks: Sequence[int]) -> float | None:
    """A series' usual swing on log(1 + weekly stars), for judging whether a move is
    news: the spread, widened for the uncertainty of the 6-week level it is measured
    from; None with fewer than ``MIN_WEEKS`` weeks."""
    if len(weeks) < MIN_WEEKS:
        return None
    return spread(weeks) * math.sqrt(1 + 1 / LEVEL_WEEKS)


def above_features(
    weeks: Sequence[int], days: Sequence[int], threshold_per_day: float
) -> tuple[float, ...]:
    """``FEATURES`` for "next week's stars per day above the threshold"."""
    cut = math.log1p(threshold_per_day * WEEK)
    scale = spread(weeks)
    gaps = [level - cut for level in levels(weeks, days)]
    scaled = [_clip((math.log1p(mean) - cut) / scale) for mean in recent_means(weeks)]
    recent = weeks[-HISTORY_WEEKS:]
    record = (
        _mean([float(count > threshold_per_day * WEEK) for count in recent]),
        math.log1p(max(recent)) - cut,
        since_peak(recent),
    )
    return _features(gaps, scaled, _size(_mean(recent)), scale, record)


def ahead_features(
    first: Sequence[int], first_days: Sequence[int], second: Sequence[int],
    second_days: Sequence[int],
) -> tuple[float, ...]:
    """``FEATURES`` for "the first gains more stars next week than the second": the
    distances are the first's levels above the second's, the spread is the two combined,
    the size their mean size."""
    scale = math.hypot(spread(first), spread(second))
    gaps = [
        a - b for a, b in zip(levels(first, first_days), levels(second, second_days), strict=True)
    ]
    scaled = [
        _clip((math.log1p(a) - math.log1p(b)) / scale)
        for a, b in zip(recent_means(first), recent_means(second), strict=True)
    ]
    both = (_mean(first[-HISTORY_WEEKS:]) + _mean(second[-HISTORY_WEEKS:])) / 2
    # The weeks both series cover, paired from the latest back.
    depth = min(len(first), len(second), HISTORY_WEEKS)
    a, b = first[-depth:], second[-depth:]
    record = (
        _mean([float(x > y) for x, y in zip(a, b, strict=True)]),
        math.log1p(max(a)) - math.log1p(max(b)),
        since_peak(a) - since_peak(b),
    )
    return _features(gaps, scaled, _size(both), scale, record)


def since_peak(weeks: Sequence[int]) -> float:
    """Whole weeks since the series' best week (its latest, on a tie), in 16ths."""
    latest_best = max(range(len(weeks)), key=lambda n: (weeks[n], n))
    return (len(weeks) - 1 - latest_best) / HISTORY_WEEKS


def _features(
    gaps: Sequence[float], scaled: Sequence[float], size: float, scale: float,
    record: Sequence[float],
) -> tuple[float, ...]:
    sized = [size * gaps[LEVELS.index(name)] for name in SIZED]
    hinged = [max(0.0, gaps[LEVELS.index(name)]) for name in HINGED]
    return (*gaps, *scaled, size, math.log(scale), *sized, *record, *hinged)


@dataclass(frozen=True, slots=True)
class Coefficients:
    version: str
    weights: Mapping[str, tuple[float, ...]]  # per kind: intercept, then FEATURES' weights

    def probability(self, kind: Kind, features: Sequence[float]) -> float:
        intercept, *weights = self.weights[kind]
        z = intercept + sum(w * x for w, x in zip(weights, features, strict=True))
        return 1 / (1 + math.exp(-z))


@cache
def shipped() -> Coefficients:
    raw = json.loads(
        resources.files("bot.features.predictions").joinpath("coefficients.json").read_text()
    )
    return coefficients_from(raw)


def coefficients_from(raw: Mapping[str, object]) -> Coefficients:
    if raw.get("features") != list(FEATURES):
        raise ValueError("the coefficients were fitted on other features")
    kinds = raw["kinds"]
    assert isinstance(kinds, dict)
    return Coefficients(
        version=str(raw["version"]),
        weights={kind: tuple(float(w) for w in weights) for kind, weights in kinds.items()},
    )


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _clip(distance: float) -> float:
    return max(-MAX_DISTANCE, min(MAX_DISTANCE, distance))


def _size(per_week: float) -> float:
    return math.log10(1 + per_week / WEEK)
