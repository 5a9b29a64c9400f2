"""Whether a move was one day's spike, a sustained move, or a change of pace inside the
window, read from the window's days. The first that fits is the move's kind, in the
order spike, sustained, pace change, steady."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.core.figures import Window
from bot.features.briefing.model import Move, MoveKind

# One day with at least this share of the window's stars makes the move a spike.
SPIKE_SHARE = 0.5
# The window's last days against its first: this far apart (either way) is a new pace.
PACE_RATIO = 1.5


def edge_days(days: int) -> int:
    """How many days at each end of a window measure its starting and ending pace: a
    third of it, at least one."""
    return max(1, days // 3)


def classify(daily: Mapping[date, int], span: Window, prior_velocity: float) -> Move:
    counts = [daily.get(day, 0) for day in span.dates()]
    total = sum(counts)
    peak = max(counts)
    peak_day = span.dates()[counts.index(peak)] if total > 0 else None
    peak_share = peak / total if total > 0 else 0.0
    velocity = total / span.days
    rising = velocity >= prior_velocity
    beyond = sum(
        1 for count in counts if (count > prior_velocity if rising else count < prior_velocity)
    )
    edge = edge_days(span.days)
    start, end = sum(counts[:edge]) / edge, sum(counts[-edge:]) / edge
    kind: MoveKind
    if total > 0 and span.days > 1 and peak_share >= SPIKE_SHARE:
        kind = "spike"
    elif beyond > span.days / 2:
        kind = "sustained"
    elif _apart(start, end):
        kind = "pace_change"
    else:
        kind = "steady"
    return Move(kind, span.days, total, peak_day, peak_share, beyond, prior_velocity,
                start, end, edge)


def _apart(start: float, end: float) -> bool:
    low, high = sorted((start, end))
    return high > 0 and (low == 0 or high / low >= PACE_RATIO)
