"""What a list's briefing reads from the store, read once for the whole list.

A briefing of a hundred repos read repo by repo made some three hundred round trips; read
here, it makes a few bulk queries whatever the list's size, and each repo's figures are
then computed from memory (:mod:`bot.features.briefing.compose`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.figures import Window, prior_window, window
from bot.core.store import RepoEvent, RepoRecord, Snapshot, Store
from bot.features.briefing.lift import AFTER, BASELINE_DAYS, midnight
from bot.features.predictions.model import HISTORY_WEEKS, WEEK


@dataclass(frozen=True, slots=True)
class ListReads:
    """A list's stored data, by repo id (every repo of the list is a key of ``daily``
    and ``events``)."""

    daily: Mapping[int, dict[date, int]]
    # The newest snapshot by the end of ``as_of``: the star total shown.
    snapshots: Mapping[int, Snapshot]
    # At the three window edges (now, a window back, two back), for the repos whose daily
    # history does not cover both windows only.
    edges: tuple[Mapping[int, Snapshot], ...]
    # Over both windows and the 48 hours before them (an event's lift reaching into the
    # prior window): events for the repos whose history covers both windows, mentions
    # (HN stories, feed items) for all.
    events: Mapping[int, list[RepoEvent]]
    mentions: Mapping[int, list[RepoEvent]]


def first_needed(as_of: date, days: int) -> date:
    """The first day a briefing reads: both windows and a lift's baseline before them,
    or the weeks the usual swing is measured over, whichever reaches further back."""
    return as_of - timedelta(days=max(2 * days + BASELINE_DAYS, days + HISTORY_WEEKS * WEEK))


def both_windows(as_of: date, days: int) -> Window:
    return Window(prior_window(as_of, days).start, window(as_of, days).end)


def covered(daily: Mapping[date, int], span: Window, created: date | None) -> bool:
    """Whether ``daily`` holds every day of ``span``; days before the repo was created
    had no stars to give, so they need no data."""
    if not daily:
        return False
    return all(day in daily for day in span.dates() if created is None or day >= created)


def created_day(repo: RepoRecord) -> date | None:
    created = repo.metadata.created_at
    return created.date() if created else None


def edge_times(as_of: date, days: int) -> list[date]:
    return [as_of - timedelta(days=days * n) for n in range(3)]


async def read_list(
    store: Store, repos: Sequence[RepoRecord], as_of: date, days: int
) -> ListReads:
    ids = [repo.id for repo in repos]
    daily = await store.daily_stars_many(ids, first_needed(as_of, days), as_of)
    snapshots = await store.latest_snapshots(ids, midnight(as_of + timedelta(days=1)))
    span = both_windows(as_of, days)
    exact = [repo.id for repo in repos if covered(daily[repo.id], span, created_day(repo))]
    exact_ids = set(exact)
    lacking = [repo_id for repo_id in ids if repo_id not in exact_ids]
    edges = tuple(
        [await store.latest_snapshots(lacking, midnight(edge)) for edge in edge_times(as_of, days)]
        if lacking else ({}, {}, {})
    )
    first, last = midnight(span.start) - AFTER, midnight(span.end)
    found = await store.events_many(exact, first, last) if exact else {}
    events = {repo_id: found.get(repo_id, []) for repo_id in ids}
    mentions = await store.mentions_many(ids, first, last)
    return ListReads(daily, snapshots, edges, events, mentions)
