"""The track record: Brier score, and skill against a forecaster who knows only the base
rate (how often the scored predictions came true) and always says that."""

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
    skill: float | None  # 10 x (1 - Brier / Brier of the base rate), floored at 0

    def text(self) -> str:
        if self.count == 0 or self.brier is None or self.skill is None:
            return "Track record: no prediction has been scored yet."
        return (
            f"Track record: {self.skill:.1f}/10 across "
            f"{fmt.plural(self.count, 'scored prediction')} (Brier {self.brier:.2f})."
        )


def track_record(scored: Iterable[tuple[float, bool]]) -> TrackRecord:
    """From (probability, outcome) pairs."""
    pairs = list(scored)
    if not pairs:
        return TrackRecord(0, None, None, None)
    brier = sum((p - o) ** 2 for p, o in pairs) / len(pairs)
    base = sum(o for _, o in pairs) / len(pairs)
    reference = base * (1 - base)
    # When every outcome was the same, always saying the base rate is perfect: nothing
    # beats it.
    skill = 0.0 if reference == 0 else max(0.0, 10 * (1 - brier / reference))
    return TrackRecord(len(pairs), brier, base, skill)


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
