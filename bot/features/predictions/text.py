"""Predictions in words: the briefing's section and the ``/momentum predictions`` reply."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core import formatting as fmt
from bot.core.message import Section
from bot.core.store import Prediction, PredictionSet
from bot.features.predictions.service import PredictionNews

HOW = (
    "Velocity through a date is stars per day over the 7 days ending that day. "
    "Probabilities come from a logistic model per kind of question, fitted on a year of "
    "real daily stars: how far the threshold lies from each of the last six weeks, the 4- "
    "and 6-week medians, the 16-week mean and each of the last seven days, the recent "
    "means also in units of the repo's usual week-to-week swing, the repo's size, and its "
    "record over 16 weeks: how many of them were above the threshold, how far above it its "
    "best week was and how long ago. "
    "Skill within kind judges each kind of question against its own base rate, so an easy "
    "mix of questions cannot flatter it."
)


def predictions_section(news: PredictionNews) -> Section:
    """Last time's outcomes first, then the new set; the method is told by
    ``/momentum help figures``, not every week."""
    lines: list[str] = []
    if news.last_week:
        lines.append(news.last_week)
    lines += [outcome_line(p) for p in news.scored]
    if news.new:
        lines.append(f"New, due {fmt.day(news.new[0].due)}:")
        lines += [p.statement for p in news.new]
    else:
        lines.append("No new predictions: no repo here has enough whole weeks of history yet.")
    lines.append(news.record.text())
    return Section(title="Predictions", text="\n".join(lines))


def outcome_line(prediction: Prediction) -> str:
    mark = "✓ came true" if prediction.outcome else "✗ did not"
    return f"{mark}: {prediction.statement}"


def open_line(prediction: Prediction) -> str:
    return f"{prediction.statement} (due {fmt.day(prediction.due)})"


def head_line(sets: Sequence[PredictionSet]) -> str:
    """The chain's head, short enough to read and compare."""
    head = sets[-1]
    posted = f", posted as message {head.message_id}" if head.message_id else ""
    return (
        f"Receipt: {fmt.plural(len(sets), 'set')} chained; the latest ({head.week}{posted}) "
        f"has SHA-256 {head.digest[:16]}…; momentum predictions export prints and checks "
        "the whole ledger."
    )


def listed(lines: Sequence[str], limit: int) -> str:
    shown = list(lines[:limit])
    if len(lines) > limit:
        shown.append(f"…and {len(lines) - limit} earlier")
    return "\n".join(shown)
