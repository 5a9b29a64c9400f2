"""Predictions in words: the briefing's section and the ``/momentum predictions`` reply."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core import formatting as fmt
from bot.core.message import Section
from bot.core.store import Prediction
from bot.features.predictions.model import LEVEL_WEEKS
from bot.features.predictions.service import PredictionNews

HOW = (
    "Velocity through a date is stars per day over the 7 days ending that day. "
    f"Probabilities come from the spread of each repo's weekly stars: the last {LEVEL_WEEKS} "
    "weeks set the level, and how far that level missed in earlier weeks sets the odds."
)


def predictions_section(news: PredictionNews) -> Section:
    """Last time's outcomes first, then the new set; the method is told by
    ``/momentum help figures``, not every week."""
    lines: list[str] = []
    if news.scored:
        came_true = sum(1 for p in news.scored if p.outcome)
        lines.append(
            f"Since the last briefing: {came_true} of {len(news.scored)} came true."
        )
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


def listed(lines: Sequence[str], limit: int) -> str:
    shown = list(lines[:limit])
    if len(lines) > limit:
        shown.append(f"…and {len(lines) - limit} earlier")
    return "\n".join(shown)
