"""The track record: Brier score, and skill against forecasters who know only base rates.

Pooled skill is judged against always saying the overall base rate (how often the scored
predictions came true). A mix of kinds of question with different base rates flatters
it, so the record also shows skill *within kind*: each prediction judged against its own
kind's base rate. A kind whose predictions all came true (or none did) cannot be judged:
always saying its base rate would be perfect, so its skill is "n/a".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.core import formatting as fmt

BUCKETS = 10


@dataclass(frozen=True, slots=True)
class TrackRecord:
    count: int
    brier: float | None  # mean of (probability - outcome)^2
    base_rate: float | None
    skill: float | None  # 10 x (1 - Brier / Brier of the base rate); None: n/a
    within_kind: float | None  # the same, each prediction against its kind's base rate

    def text(self) -> str:
        if self.count == 0 or self.brier is None:
            return "Track record: no prediction has been scored yet."
        return (
            f"Track record: {self.figures()} across "
            f"{fmt.plural(self.count, 'scored prediction')} (Brier {self.brier:.2f})."
        )

    def figures(self) -> str:
        if self.skill is None:
            outcome = "every one came true" if self.base_rate == 1 else "none came true"
            return f"skill n/a ({outcome})"
        within = "n/a" if self.within_kind is None else _shown(self.within_kind)
        return f"{_shown(self.skill)} pooled, {within} within kind"


def _shown(skill: float) -> str:
    # Worse than always saying the base rate is said so, not dressed up as a zero score.
    return "below 0/10" if round(skill, 1) < 0 else f"{skill:.1f}/10"


def track_record(scored: Iterable[tuple[str, float, bool]]) -> TrackRecord:
    """From (kind, probability, outcome) triples; skills are kept as they are (the
    wording says "below 0/10" for a negative one, benchmarks print the figure)."""
    triples = list(scored)
    if not triples:
        return TrackRecord(0, None, None, None, None)
    brier = sum((p - o) ** 2 for _, p, o in triples) / len(triples)
    base = sum(o for _, _, o in triples) / len(triples)
    return TrackRecord(
        len(triples), brier, base, _skill(brier, base * (1 - base)), _within_kind(triples)
    )


def _within_kind(triples: Sequence[tuple[str, float, bool]]) -> float | None:
    brier_sum = reference_sum = 0.0
    for kind in dict.fromkeys(kind for kind, _, _ in triples):
        mine = [(p, o) for k, p, o in triples if k == kind]
        base = sum(o for _, o in mine) / len(mine)
        if base in (0, 1):
            continue  # nothing to judge this kind against
        brier_sum += sum((p - o) ** 2 for p, o in mine)
        reference_sum += len(mine) * base * (1 - base)
    return _skill(brier_sum, reference_sum) if reference_sum else None


def _skill(brier: float, reference: float) -> float | None:
    return None if reference == 0 else 10 * (1 - brier / reference)


@dataclass(frozen=True, slots=True)
class Bucket:
    low: float
    high: float
    count: int
    mean_probability: float
    observed: float


def calibration(scored: Sequence[tuple[float, bool]]) -> list[Bucket]:
    """Scored predictions grouped by probability in tenths, non-empty ones only."""
    groups: dict[int, list[tuple[float, bool]]] = {}
    for probability, outcome in scored:
        # Whole percents: 0.7 * 10 is 7.000000000000001 in floating point.
        index = min(BUCKETS - 1, round(probability * 100) * BUCKETS // 100)
        groups.setdefault(index, []).append((probability, outcome))
    return [
        Bucket(
            low=index / BUCKETS,
            high=(index + 1) / BUCKETS,
            count=len(items),
            mean_probability=sum(p for p, _ in items) / len(items),
            observed=sum(o for _, o in items) / len(items),
        )
        for index, items in sorted(groups.items())
    ]
