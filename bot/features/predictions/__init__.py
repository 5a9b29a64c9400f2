"""Falsifiable, dated predictions with a public track record.

``propose`` makes a briefing's predictions from stored weekly stars (``model``), ``claims``
says what each one claims and settles it from stored data, ``score`` turns the settled
ones into a track record, and ``service`` does all of it against a channel in the store.
"""

from bot.features.predictions.score import TrackRecord, track_record
from bot.features.predictions.service import PredictionNews, briefing_predictions, resolve_due

__all__ = ["PredictionNews", "TrackRecord", "briefing_predictions", "resolve_due", "track_record"]
