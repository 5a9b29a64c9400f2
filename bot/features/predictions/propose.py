"""Choosing a briefing's questions and wording the answers.

Which questions are asked does not depend on the answers, and each is one a reader of the
week's numbers cannot already answer:
- the list's velocity: will next week's beat this week's?
- the repo that accelerated most: will it overtake the repo just ahead of it, asked only
  when that repo is at most 1.5× ahead (a wider gap is no question), or else will it
  continue (below);
- the repo that slowed most, then the fastest others: will it *continue*, that is keep
  running on the same side of its 4-week pace (above it when last week was at or above
  it, below it when last week was below)?
Choosing by the forecast's confidence would fill the record with easy calls.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core import formatting as fmt
from bot.features.predictions.claims import Claim, Kind
from bot.features.predictions.model import (
    MIN_WEEKS,
    WEEK,
    Coefficients,
    above_features,
    ahead_features,
    last_days,
    shipped,
    weekly_stars,
)

MAX_PREDICTIONS = 3
# The nearest repo ahead must be within this factor for "overtakes" to be a question.
OVERTAKE_GAP = 1.5
PACE_WEEKS = 4


@dataclass(frozen=True, slots=True)
class Series:
    """A repo's whole weeks of stars before the briefing and its last 7 days, oldest
    first."""

    repo_id: int
    name: str
    weeks: tuple[int, ...]
    days: tuple[int, ...]

    @classmethod
    def of(cls, repo_id: int, name: str, daily: Mapping[date, int], as_of: date) -> Series:
        return cls(repo_id, name, weekly_stars(daily, as_of), last_days(daily, as_of))


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


@dataclass(frozen=True, slots=True)
class Question:
    """A claim, the model's features for it, and how the claim reads."""

    claim: Claim
    features: tuple[float, ...]
    wording: str  # the claim after "Likely, 72%: "


def propose(
    series: Sequence[Series],
    as_of: date,
    list_size: int,
    coefficients: Coefficients | None = None,
) -> list[Proposal]:
    """Up to three predictions about the week from ``as_of``; none for a repo with too
    little history, and none about the list unless every one of its ``list_size`` repos
    has enough."""
    model = coefficients or shipped()
    return [_answer(q, model, as_of) for q in questions(series, as_of, list_size)]


def questions(series: Sequence[Series], as_of: date, list_size: int) -> list[Question]:
    known = [item for item in series if len(item.weeks) >= MIN_WEEKS]
    start, due = as_of, as_of + timedelta(days=WEEK - 1)
    asked: list[Question] = []
    if len(known) >= 2 and len(known) == list_size:
        asked.append(_list_velocity(known, start, due))
    used: set[int] = set()
    by_change = sorted(known, key=_change)
    rising = by_change[-1] if by_change and _change(by_change[-1]) > 0 else None
    if rising is not None:
        ahead = [item for item in known if item.weeks[-1] > rising.weeks[-1]]
        nearest = min(ahead, key=lambda item: item.weeks[-1]) if ahead else None
        if nearest is not None and nearest.weeks[-1] <= OVERTAKE_GAP * rising.weeks[-1]:
            asked.append(_overtakes(rising, nearest, start, due))
        else:
            asked.append(_continues(rising, start, due))
        used.add(rising.repo_id)
    falling = by_change[0] if by_change and _change(by_change[0]) < 0 else None
    if falling is not None and falling.repo_id not in used:
        asked.append(_continues(falling, start, due))
        used.add(falling.repo_id)
    for item in sorted(known, key=lambda item: -item.weeks[-1]):
        if len(asked) >= MAX_PREDICTIONS:
            break
        if item.repo_id not in used:
            asked.append(_continues(item, start, due))
            used.add(item.repo_id)
    return asked[:MAX_PREDICTIONS]


def _change(item: Series) -> int:
    return item.weeks[-1] - item.weeks[-2]


def _list_velocity(known: Sequence[Series], start: date, due: date) -> Question:
    depth = min(len(item.weeks) for item in known)
    totals = tuple(sum(item.weeks[-depth + n] for item in known) for n in range(depth))
    days = tuple(sum(item.days[n] for item in known) for n in range(WEEK))
    threshold = round_down(totals[-1] / WEEK)
    claim = Claim(
        "list_velocity", tuple((item.repo_id, item.name) for item in known), start, due,
        threshold,
    )
    # The week is named: a briefing read mid-week has a window of its own ("this week"
    # there is another seven days, with another figure).
    week = f"{fmt.day(start - timedelta(days=WEEK))}–{fmt.day(start - timedelta(days=1))}"
    wording = (
        f"this list's velocity stays above its {per_day(threshold)} stars/day of {week} "
        f"through {fmt.day(due)}."
    )
    return Question(claim, above_features(totals, days, threshold), wording)


def _continues(item: Series, start: date, due: date) -> Question:
    pace = sum(item.weeks[-PACE_WEEKS:]) / (PACE_WEEKS * WEEK)
    above = item.weeks[-1] / WEEK >= pace
    # Rounded so that the claim holds of last week: "above" rounds down, "below" up.
    threshold = round_down(pace) if above else round_up(pace)
    claim = Claim(
        "continues", ((item.repo_id, item.name),), start, due, threshold,
        "above" if above else "below",
    )
    wording = (
        f"{item.name} keeps running {claim.direction} its 4-week pace of "
        f"{per_day(threshold)} stars/day through {fmt.day(due)}."
    )
    return Question(claim, above_features(item.weeks, item.days, threshold), wording)


def _overtakes(item: Series, other: Series, start: date, due: date) -> Question:
    claim = Claim(
        "overtakes", ((item.repo_id, item.name), (other.repo_id, other.name)), start, due
    )
    wording = (
        f"{item.name} overtakes {other.name} in velocity through {fmt.day(due)} "
        f"(this week {item.weeks[-1] / WEEK:,.1f} against {other.weeks[-1] / WEEK:,.1f} "
        "stars/day)."
    )
    return Question(claim, ahead_features(item.weeks, item.days, other.weeks, other.days), wording)


def _answer(question: Question, model: Coefficients, as_of: date) -> Proposal:
    claim = question.claim
    chance = model.probability(claim.kind, question.features)
    # The features describe "above"; "below" is the other side.
    if claim.direction == "below":
        chance = 1 - chance
    pct = percent(chance)
    inputs = {
        **claim.to_inputs(),
        "as_of": as_of.isoformat(),
        "model": model.version,
        "features": [round(x, 6) for x in question.features],
    }
    statement = f"{likelihood(pct)}, {pct}%: {question.wording}"
    return Proposal(claim.kind, statement, inputs, pct / 100, claim.due)


def percent(probability: float) -> int:
    """Whole percent, kept off 0 and 100: the record scores what the statement says, and
    no forecast of next week's stars is certain."""
    return min(99, max(1, round(100 * probability)))


def likelihood(pct: int) -> str:
    """The probability in words; past 3% or 97% it says "almost certain" outright."""
    if pct > 97:
        return "Almost certain"
    if pct < 3:
        return "Almost certainly not"
    for floor, word in ((85, "Very likely"), (60, "Likely"), (41, "Toss-up"), (16, "Unlikely")):
        if pct >= floor:
            return word
    return "Very unlikely"


def round_down(per_day_value: float) -> float:
    """Two significant figures from 10 up, tenths below, never above the value (so
    "stays above" starts true)."""
    if per_day_value <= 0:
        return 0.0
    step = _step(per_day_value)
    return round(math.floor(per_day_value / step + 1e-9) * step, 1)


def round_up(per_day_value: float) -> float:
    """As ``round_down``, never below the value (so "stays below" starts true)."""
    if per_day_value <= 0:
        return 0.0
    step = _step(per_day_value)
    return round(math.ceil(per_day_value / step - 1e-9) * step, 1)


def _step(per_day_value: float) -> float:
    return 10 ** (math.floor(math.log10(per_day_value)) - 1) if per_day_value >= 10 else 0.1


def per_day(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"
