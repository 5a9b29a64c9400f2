"""The forecaster: a small logistic model per kind of question.

Each question compares next week's stars with a threshold (or with another repo's stars).
What the model sees is how far the threshold lies from the series' recent means (last
week, the week before, the 3-, 6- and 16-week means), in units of the series' own
week-to-week spread on log(1 + weekly stars), where a repo's ups and downs are
proportional to its size, and the repo's size. The weights of each kind were fitted by
``benchmarks/fit_predictions.py`` on real daily stars (the tuning period only) and ship
in ``coefficients.json``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

from bot.features.predictions.claims import Kind

WEEK = 7
HISTORY_WEEKS = 16
# The spread is measured as the misses of a 6-week mean; four misses are the fewest that
# say anything about a series' spread.
LEVEL_WEEKS = 6
MIN_WEEKS = LEVEL_WEEKS + 4
FEATURES = ("last_week", "week_before", "mean_3", "mean_6", "mean_16", "size")
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
        days = [end - timedelta(days=n) for n in range(1, WEEK + 1)]
        if any(day not in daily for day in days):
            break
        found.append(sum(daily[day] for day in days))
        end -= timedelta(days=WEEK)
    return tuple(reversed(found))


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


def above_features(weeks: Sequence[int], threshold_per_day: float) -> tuple[float, ...]:
    """For "next week's stars per day above the threshold": each recent mean's distance
    above the threshold, in spreads, then the size (log10 of stars per day)."""
    scale = spread(weeks)
    cut = math.log1p(threshold_per_day * WEEK)
    distances = [_clip((math.log1p(mean) - cut) / scale) for mean in recent_means(weeks)]
    return (*distances, _size(_mean(weeks[-HISTORY_WEEKS:])))


def ahead_features(first: Sequence[int], second: Sequence[int]) -> tuple[float, ...]:
    """For "the first gains more stars next week than the second": each recent mean's
    distance between the two, in their combined spread, then their mean size."""
    scale = math.hypot(spread(first), spread(second))
    distances = [
        _clip((math.log1p(a) - math.log1p(b)) / scale)
        for a, b in zip(recent_means(first), recent_means(second), strict=True)
    ]
    both = (_mean(first[-HISTORY_WEEKS:]) + _mean(second[-HISTORY_WEEKS:])) / 2
    return (*distances, _size(both))


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
