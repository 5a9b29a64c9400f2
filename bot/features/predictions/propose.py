"""Choosing a briefing's predictions and wording them.

Which questions are asked does not depend on the answers: the list's velocity, the repo
that accelerated most (will it overtake the repo just ahead of it, or, when none is ahead,
keep its pace?), the repo that slowed most (will it hold its new pace?), then the fastest
others. Choosing by the forecast's confidence would fill the record with easy calls.
Each threshold is the pace of the week just ended, rounded down for reading.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core import formatting as fmt
from bot.features.predictions.claims import Claim, Kind
from bot.features.predictions.model import WEEK, WeekForecast, forecast, prob_ahead

MAX_PREDICTIONS = 3
MODEL = "log-weekly-t/1"


@dataclass(frozen=True, slots=True)
class Series:
    """A repo's whole weeks of stars before the briefing, oldest first."""

    repo_id: int
    name: str
    weeks: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Proposal:
    kind: Kind
    statement: str
    inputs: dict[str, object]
    probability: float
    due: date

    @property
    def claim(self) -> Claim:
        return Claim.from_inputs(self.inputs)


def propose(series: Sequence[Series], as_of: date, list_size: int) -> list[Proposal]:
    """Up to three predictions about the week from ``as_of``; none for a repo with too
    little history, and none about the list unless every one of its ``list_size`` repos
    has enough."""
    known = [(item, fc) for item in series if (fc := forecast(item.weeks)) is not None]
    start, due = as_of, as_of + timedelta(days=WEEK - 1)
    made: list[Proposal] = []
    if len(known) >= 2 and len(known) == list_size:
        made.append(_list_velocity(known, as_of, start, due))
    used: set[int] = set()
    by_change = sorted(known, key=lambda pair: pair[0].weeks[-1] - pair[0].weeks[-2])
    rising = by_change[-1] if by_change and _change(by_change[-1][0]) > 0 else None
    if rising is not None:
        ahead = [pair for pair in known if pair[0].weeks[-1] > rising[0].weeks[-1]]
        if ahead:
            nearest = min(ahead, key=lambda pair: pair[0].weeks[-1])
            made.append(_overtakes(rising, nearest, as_of, start, due))
        else:
            made.append(_repo_velocity(rising, as_of, start, due))
        used.add(rising[0].repo_id)
    falling = by_change[0] if by_change and _change(by_change[0][0]) < 0 else None
    if falling is not None and falling[0].repo_id not in used:
        made.append(_repo_velocity(falling, as_of, start, due))
        used.add(falling[0].repo_id)
    for pair in sorted(known, key=lambda pair: -pair[0].weeks[-1]):
        if len(made) >= MAX_PREDICTIONS:
            break
        if pair[0].repo_id not in used:
            made.append(_repo_velocity(pair, as_of, start, due))
            used.add(pair[0].repo_id)
    return made[:MAX_PREDICTIONS]


def _change(item: Series) -> int:
    return item.weeks[-1] - item.weeks[-2]


def _list_velocity(
    known: Sequence[tuple[Series, WeekForecast]], as_of: date, start: date, due: date
) -> Proposal:
    depth = min(len(item.weeks) for item, _ in known)
    totals = tuple(sum(item.weeks[-depth + n] for item, _ in known) for n in range(depth))
    total_forecast = forecast(totals)
    assert total_forecast is not None  # every series has at least MIN_WEEKS weeks
    threshold = round_down(totals[-1] / WEEK)
    claim = Claim(
        "list_velocity", tuple((item.repo_id, item.name) for item, _ in known), start, due,
        threshold,
    )
    pct = percent(total_forecast.prob_above(threshold * WEEK))
    statement = (
        f"{pct}%: this list's velocity stays above {per_day(threshold)} stars/day "
        f"through {fmt.day(due)}."
    )
    return _proposal(claim, statement, pct, as_of, {"list": total_forecast.inputs()})


def _repo_velocity(
    pair: tuple[Series, WeekForecast], as_of: date, start: date, due: date
) -> Proposal:
    item, fc = pair
    threshold = round_down(item.weeks[-1] / WEEK)
    claim = Claim("repo_velocity", ((item.repo_id, item.name),), start, due, threshold)
    pct = percent(fc.prob_above(threshold * WEEK))
    statement = (
        f"{pct}%: {item.name}'s velocity stays above {per_day(threshold)} stars/day "
        f"through {fmt.day(due)}."
    )
    return _proposal(claim, statement, pct, as_of, {item.name: fc.inputs()})


def _overtakes(
    rising: tuple[Series, WeekForecast],
    ahead: tuple[Series, WeekForecast],
    as_of: date,
    start: date,
    due: date,
) -> Proposal:
    (item, fc), (other, other_fc) = rising, ahead
    claim = Claim(
        "overtakes", ((item.repo_id, item.name), (other.repo_id, other.name)), start, due
    )
    pct = percent(prob_ahead(fc, other_fc))
    statement = (
        f"{pct}%: {item.name} overtakes {other.name} in velocity through {fmt.day(due)} "
        f"(this week {item.weeks[-1] / WEEK:,.1f} against {other.weeks[-1] / WEEK:,.1f} "
        "stars/day)."
    )
    inputs = {item.name: fc.inputs(), other.name: other_fc.inputs()}
    return _proposal(claim, statement, pct, as_of, inputs)


def _proposal(
    claim: Claim, statement: str, pct: int, as_of: date, forecasts: Mapping[str, object]
) -> Proposal:
    inputs = {
        **claim.to_inputs(),
        "as_of": as_of.isoformat(),
        "model": MODEL,
        "forecasts": forecasts,
    }
    return Proposal(claim.kind, statement, inputs, pct / 100, claim.due)


def percent(probability: float) -> int:
    """Whole percent, kept off 0 and 100: the record scores what the statement says, and
    no forecast of next week's stars is certain."""
    return min(99, max(1, round(100 * probability)))


def round_down(per_day_value: float) -> float:
    """Two significant figures from 10 up, tenths below, never above the value (so
    "stays above" starts true)."""
    if per_day_value <= 0:
        return 0.0
    step = 10 ** (math.floor(math.log10(per_day_value)) - 1) if per_day_value >= 10 else 0.1
    return round(math.floor(per_day_value / step + 1e-9) * step, 1)


def per_day(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"
