"""What coincided with a move: the event after which stars ran furthest above baseline.

Candidates are every kind of event the store holds for a repo: releases and merged pull
requests (``Store.events``), Hacker News stories and feed items (``Store.mentions``).

GitHub counts stars per UTC day, so the 48 hours after an event are measured by taking
each day's count in proportion to the hours of it that fall inside them (stars are taken
as spread evenly within a day).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from bot.core.figures import Window
from bot.core.store import RepoEvent
from bot.features.briefing.model import Coincidence

AFTER_HOURS = 48
AFTER = timedelta(hours=AFTER_HOURS)
BASELINE_DAYS = 28
# Under half a day after an event says too little to measure.
MIN_HOURS = 12.0
# A lift below this is within a repo's ordinary day-to-day swing.
NOTABLE_LIFT = 1.25


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def measure(event: RepoEvent, daily: Mapping[date, int], as_of: date) -> Coincidence | None:
    """Stars in the 48 hours after ``event`` (fewer when ``as_of`` cuts them short)."""
    start = event.occurred_at.astimezone(UTC)
    end = min(start + AFTER, midnight(as_of))
    hours = (end - start).total_seconds() / 3600
    if hours < MIN_HOURS:
        return None
    stars_after = 0.0
    day = start.date()
    while midnight(day) < end:
        overlap = min(end, midnight(day + timedelta(days=1))) - max(start, midnight(day))
        stars_after += daily.get(day, 0) * overlap.total_seconds() / 86400
        day += timedelta(days=1)
    first = start.date()
    before = Window(first - timedelta(days=BASELINE_DAYS), first).dates()
    known = [daily[d] for d in before if d in daily]
    if not known:
        return None
    return Coincidence(event, stars_after, hours, sum(known) / len(known))


def candidates(*kinds: Iterable[RepoEvent]) -> list[RepoEvent]:
    """Events of every kind in one list, oldest first."""
    return sorted((event for events in kinds for event in events),
                  key=lambda event: event.occurred_at)


def strongest(
    events: Iterable[RepoEvent], daily: Mapping[date, int], as_of: date
) -> Coincidence | None:
    """The event with the largest notable lift, or None when none stands out; with the
    count of the other events within 48 hours of it, whose lifts overlap its own."""
    events = list(events)
    best: Coincidence | None = None
    for event in events:
        measured = measure(event, daily, as_of)
        if measured is None or measured.lift is None or measured.lift < NOTABLE_LIFT:
            continue
        if best is None or measured.lift > (best.lift or 0):
            best = measured
    if best is None:
        return None
    at = best.event.occurred_at
    others = sum(
        1 for event in events
        if event is not best.event and abs(event.occurred_at - at) <= AFTER
    )
    return replace(best, others=others)
