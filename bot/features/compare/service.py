"""Gathers a comparison from the store, and fetches the history it lacks.

A comparison over ``all`` needs history pages past the first year. They are fetched once
(within the hour's budget, as any collection is) and kept; the store's state remembers how
far back each repository's stored days reach, so a second comparison costs no GitHub call.
Repositories the store has never seen are checked on GitHub as ``watch add`` checks them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial

from bot.clients.github import GitHubError, RepoInfo
from bot.collection.collector import CollectSummary
from bot.collection.service import DataService
from bot.core.repo_ref import RepoRef
from bot.core.store import RepoRecord, Store
from bot.features.compare.figures import VELOCITY_WINDOWS, CompareRow, RepoHistory, compare_row
from bot.features.compare.request import CompareRequest

DAYS_PER_PAGE = 30 * 7
# Velocities over 90 days and the 7 days before the newest week: the least a row needs.
MIN_DAYS = max(VELOCITY_WINDOWS) + 7
# Page 1 of a repository nobody watches is read again when it is older than this.
FRESH_FOR = timedelta(hours=20)
# Pages asked for when GitHub has not said when a repository was created (20 pages reach
# back 11 years; the history stops at the creation week whatever is asked).
UNKNOWN_AGE_DAYS = 20 * DAYS_PER_PAGE
Remember = Callable[[CollectSummary], Awaitable[None]]
Fetched = Callable[[tuple[RepoRef, ...]], Awaitable[None]]
_REACH = "compare.history_from:"  # + repo id: {"from": ISO day, "complete": bool}


@dataclass(frozen=True, slots=True)
class Comparison:
    request: CompareRequest
    as_of: date
    rows: tuple[CompareRow, ...]
    unknown: tuple[RepoRef, ...] = ()  # GitHub knows no such public repository
    collecting: tuple[RepoRef, ...] = ()  # no data yet, or history still being fetched
    unchecked: tuple[RepoRef, ...] = ()  # not in the store, and GitHub was not asked or not reached
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class _Need:
    repo: RepoRecord
    pages: int


async def compare(
    store: Store,
    data: DataService | None,
    request: CompareRequest,
    now: datetime,
    *,
    wait: bool,
    fetched: Fetched | None = None,
) -> Comparison:
    """``wait``: fetch what is missing before answering (the CLI); otherwise answer from
    the store at once and fetch in the background (chat, which must answer in seconds),
    then call ``fetched`` once every background fetch has ended, with the repos GitHub
    did not give (none when all went well)."""
    as_of = now.astimezone(UTC).date()
    repos, unknown, unchecked = await _records(store, data, request.refs)
    needs = [need for repo in repos if (need := await _need(store, repo, request, as_of, now))]
    collecting: list[RepoRef] = []
    if needs and data is not None:
        groups = _by_pages(needs)
        remaining = len(groups)
        missed: list[RepoRef] = []

        async def background_done(
            group: Sequence[RepoRecord], remember: Remember, summary: CollectSummary | None
        ) -> None:
            nonlocal remaining
            if summary is not None:
                await remember(summary)
            missed.extend(
                repo.ref for repo in group if summary is None or repo.ref not in summary.refreshed
            )
            remaining -= 1
            if remaining == 0 and fetched is not None:
                await fetched(tuple(ref for ref in request.refs if ref in missed))

        for pages, group in groups.items():
            remember = _remembering(store, group, pages, as_of, now)
            if wait:
                summary = await data.collect(repos=group, pages=pages)
                await remember(summary)
                collecting.extend(repo.ref for repo in group if repo.ref not in summary.refreshed)
            else:
                then = partial(background_done, group, remember)
                data.collect_soon(group, pages=pages, then=then)
                collecting.extend(
                    repo.ref for repo in group if pages > 1 or not repo.stars_fetched_at
                )
    rows = []
    for repo in repos:
        history = await _history(store, repo, request, as_of)
        if history.daily or history.total is not None:
            rows.append(compare_row(history, as_of, request.span_days))
        elif repo.ref not in collecting:
            collecting.append(repo.ref)
    return Comparison(
        request=request,
        as_of=as_of,
        rows=tuple(rows),
        unknown=tuple(unknown),
        collecting=tuple(collecting),
        unchecked=tuple(unchecked),
    )


async def _records(
    store: Store, data: DataService | None, refs: Sequence[RepoRef]
) -> tuple[list[RepoRecord], list[RepoRef], list[RepoRef]]:
    known: dict[RepoRef, RepoRecord] = {}
    new: list[RepoRef] = []
    for ref in refs:
        record = await store.find_repo(ref)
        if record is not None and record.status == "active":
            known[ref] = record
        else:
            new.append(ref)
    unknown: list[RepoRef] = []
    unchecked: list[RepoRef] = []
    if new and data is not None:
        for ref, answer in (await data.check(new)).items():
            if answer is None:
                unknown.append(ref)
            elif isinstance(answer, GitHubError):
                unchecked.append(ref)
            elif isinstance(answer, RepoInfo):
                known[ref] = await data.record(answer)
    elif new:
        unchecked.extend(new)
    return [known[ref] for ref in refs if ref in known], unknown, unchecked


async def _need(
    store: Store, repo: RepoRecord, request: CompareRequest, as_of: date, now: datetime
) -> _Need | None:
    """The history pages this comparison needs of ``repo`` that the store lacks."""
    created = _created(repo)
    reach = await _reach(store, repo)
    if reach is not None and reach[1]:
        held_from: date | None = created or reach[0]
    else:
        held = [reach[0]] if reach else []
        if repo.stars_fetched_at is not None:  # a refresh reads page 1: 30 weeks
            held.append(as_of - timedelta(days=DAYS_PER_PAGE - 7))
        held_from = min(held) if held else None
    if request.span_days is None:
        wanted_from = created or as_of - timedelta(days=UNKNOWN_AGE_DAYS)
    else:
        wanted_from = as_of - timedelta(days=max(request.span_days, MIN_DAYS))
        if created is not None:
            wanted_from = max(wanted_from, created)
    if held_from is None or held_from > wanted_from:
        return _Need(repo, _pages((as_of - wanted_from).days))
    fetched = repo.stars_fetched_at
    if fetched is None or now - fetched >= FRESH_FOR:
        return _Need(repo, 1)
    return None


def _created(repo: RepoRecord) -> date | None:
    created = repo.metadata.created_at
    return None if created is None else created.astimezone(UTC).date()


def _pages(days: int) -> int:
    # A page holds 30 weeks counted back from the current (partial) week.
    return max(1, math.ceil((days + 7) / DAYS_PER_PAGE))


def _by_pages(needs: Sequence[_Need]) -> dict[int, list[RepoRecord]]:
    grouped: dict[int, list[RepoRecord]] = {}
    for need in needs:
        grouped.setdefault(need.pages, []).append(need.repo)
    return grouped


async def _reach(store: Store, repo: RepoRecord) -> tuple[date, bool] | None:
    raw = await store.get_state(_REACH + str(repo.id))
    if raw is None:
        return None
    value = json.loads(raw)
    return date.fromisoformat(value["from"]), bool(value["complete"])


def _remembering(
    store: Store, repos: Sequence[RepoRecord], pages: int, as_of: date, now: datetime
) -> Remember:
    async def remember(summary: CollectSummary) -> None:
        for repo in repos:
            if repo.ref in summary.refreshed:
                await _remember_reach(store, repo, pages, as_of, now)

    return remember


async def _remember_reach(
    store: Store, repo: RepoRecord, pages: int, as_of: date, now: datetime
) -> None:
    reach_from = as_of - timedelta(days=pages * DAYS_PER_PAGE - 7)
    created = _created(repo)
    complete = created is not None and created >= reach_from
    earlier = await _reach(store, repo)
    if earlier is not None and (earlier[1] or earlier[0] < reach_from):
        reach_from, complete = min(earlier[0], reach_from), complete or earlier[1]
    value = json.dumps({"from": reach_from.isoformat(), "complete": complete})
    await store.set_state(_REACH + str(repo.id), value, now)


async def _history(
    store: Store, repo: RepoRecord, request: CompareRequest, as_of: date
) -> RepoHistory:
    reach = await _reach(store, repo)
    created = _created(repo)
    start = created or (reach[0] if reach else as_of - timedelta(days=DAYS_PER_PAGE))
    daily = await store.daily_stars(repo.id, start, as_of)
    snapshot = await store.latest_snapshot(repo.id)
    complete = created is not None and bool(daily) and min(daily) <= created + timedelta(days=7)
    return RepoHistory(
        name=str(repo.ref),
        daily=daily,
        total=snapshot.stars if snapshot else None,
        created=created,
        complete=complete or (reach is not None and reach[1]),
    )
