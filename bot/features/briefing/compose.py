"""Reads a watch list's data from the store into a :class:`Briefing`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from bot.collection.mentions import hn_outage
from bot.core.figures import (
    Momentum,
    check_window_days,
    momentum,
    prior_window,
    rank_movers,
    window,
)
from bot.core.repo_ref import RepoRef
from bot.core.store import RepoRecord, Store
from bot.features.briefing.coverage import find_coverage
from bot.features.briefing.lift import AFTER, candidates, midnight, strongest
from bot.features.briefing.model import Briefing, RepoFigures
from bot.features.briefing.move import classify
from bot.features.briefing.reads import (
    ListReads,
    both_windows,
    covered,
    created_day,
    edge_times,
    read_list,
)
from bot.features.briefing.themes import find_themes
from bot.features.predictions.model import WEEK, swing, weekly_stars

# A snapshot this far from a window's edge no longer measures that window.
SNAPSHOT_SLACK = timedelta(hours=36)


async def compose(
    store: Store,
    repos: Sequence[RepoRecord | RepoRef],
    as_of: date,
    window_days: int,
    *,
    synthetic: bool = False,
) -> Briefing:
    """The briefing for ``repos`` over the ``window_days`` days before ``as_of``.

    A ``RepoRef`` stands for a repo the store has never seen; it gets a line saying so.
    """
    check_window_days(window_days)
    records = [repo for repo in repos if isinstance(repo, RepoRecord)]
    reads = await read_list(store, records, as_of, window_days)
    lines = [_repo_figures(reads, repo, as_of, window_days) for repo in repos]
    measured = {line.ref: line.figures for line in lines if line.figures is not None}
    movers = rank_movers(measured)
    by_ref = {line.ref: line for line in lines}
    # A move within the repo's usual swing is not news; one whose swing is unknown is
    # shown, since nothing says it is usual.
    accelerating = tuple(
        by_ref[ref] for ref, _ in movers.accelerating if by_ref[ref].beyond_usual is not False
    )
    decelerating = tuple(
        by_ref[ref] for ref, _ in movers.decelerating if by_ref[ref].beyond_usual is not False
    )
    listed = {line.ref for line in (*accelerating, *decelerating)}
    steady = tuple(line for line in lines if line.figures is not None and line.ref not in listed)
    # Causes and coverage miss the stories a failed HN search would have found: say so.
    outage = await hn_outage(store)
    return Briefing(
        as_of=as_of,
        window_days=window_days,
        repos=tuple(lines),
        accelerating=accelerating,
        decelerating=decelerating,
        themes=find_themes(lines, listed),
        synthetic=synthetic,
        steady=steady,
        swing=_list_swing(lines),
        coverage=find_coverage(lines),
        notes=(outage,) if outage else (),
    )


def _list_swing(lines: Sequence[RepoFigures]) -> float | None:
    """The model's spread of the list's summed weekly stars, over the weeks every
    measured repo covers."""
    measured = [line for line in lines if line.figures is not None]
    if not measured or any(line.swing is None for line in measured):
        return None
    depth = min(len(line.weeks_before) for line in measured)
    totals = [sum(line.weeks_before[n - depth] for line in measured) for n in range(depth)]
    return swing(totals)


def _repo_figures(
    reads: ListReads, repo: RepoRecord | RepoRef, as_of: date, days: int
) -> RepoFigures:
    if isinstance(repo, RepoRef):
        return RepoFigures(repo, None, None, exact=False, note="no data yet: not collected")
    daily = reads.daily[repo.id]
    snapshot = reads.snapshots.get(repo.id)
    exact = covered(daily, both_windows(as_of, days), created_day(repo))
    figures: Momentum | None
    note: str | None = None
    if exact:
        figures = momentum(daily, as_of, days)
    else:
        figures, note = _from_snapshots(reads, repo.id, as_of, days)
    # A slowdown is often the fading of an earlier lift, so for one look in the prior
    # window; for a rise, in the current one. An event just before the window (its 48
    # hours reaching into it) counts too.
    slowed = figures is not None and figures.acceleration < 0
    current = window(as_of, days)
    span = prior_window(as_of, days) if slowed else current
    start, end = midnight(span.start) - AFTER, midnight(span.end)
    # The list's reads cover both windows, shared by the causes and the coverage.
    events, mentions = reads.events[repo.id], reads.mentions[repo.id]
    causes = candidates(
        (event for event in events if start <= event.occurred_at < end),
        (mention for mention in mentions if start <= mention.occurred_at < end),
    )
    in_window = tuple(
        mention for mention in mentions
        if midnight(current.start) <= mention.occurred_at < midnight(current.end)
    )
    # The chart draws both windows, the prior and the current, whatever their length.
    recent = window(as_of, 2 * days).dates()
    # The model is weekly: a usual swing is known for 7-day windows only, from the weeks
    # before the current one (a spike must not widen the spread it is judged by).
    weeks = weekly_stars(daily, as_of - timedelta(days=days)) if exact and days == WEEK else ()
    usual = swing(weeks)
    return RepoFigures(
        ref=repo.ref,
        stars=snapshot.stars if snapshot else None,
        figures=figures,
        exact=exact,
        note=note,
        recent_daily=tuple(daily.get(day, 0) for day in recent),
        topics=repo.metadata.topics,
        language=repo.metadata.primary_language,
        data_through=max(daily) if daily else None,
        coincidence=strongest(causes, daily, as_of) if exact else None,
        weeks_before=weeks,
        swing=usual,
        move=classify(daily, current, figures.prior_velocity) if exact and figures else None,
        coverage=in_window,
    )


def _from_snapshots(
    reads: ListReads, repo_id: int, as_of: date, days: int
) -> tuple[Momentum | None, str]:
    """Net figures from star totals read at the windows' edges (they count unstars)."""
    totals = []
    for edge, found in zip(edge_times(as_of, days), reads.edges, strict=True):
        snapshot = found.get(repo_id)
        if snapshot is None or midnight(edge) - snapshot.taken_at > SNAPSHOT_SLACK:
            return None, "no data yet for these windows"
        totals.append(snapshot.stars)
    now_total, then_total, before_total = totals
    figures = Momentum(days, now_total - then_total, then_total - before_total, missing_days=0)
    return figures, "net, from snapshots: GitHub's daily star history was unavailable"
