"""Keep the store filled with GitHub's daily stars and metadata for every watched repo.

One run (``momentum collect``, or the scheduler) plans within this hour's budget, stalest
repositories first: a refresh reads history page 1 (30 weeks, one call), and so does a
repository's first collection, since briefings, alerts and predictions need no more.
Deeper pages are read only when a caller asks (``backfill_pages`` for repositories never
collected, ``pages`` for all). Metadata, totals, releases and
merged pull requests come from one GraphQL query per 50 repositories with a token, or
from ``GET /repos/{owner}/{repo}`` once a day without one (60 calls an hour go to history
first). One repository's failure is recorded and the run goes on; a spent budget stops
the run and the summary says when the rest will be fresh.

Own repositories: where the token's user holds a role on a repository (GraphQL's free
``viewerPermission``), its closed stargazer list is tried once; whether it opened is kept
in the store, and lists that open give hour-by-hour counts of the last 24 hours for spike
alerts. No other repository's list is ever asked for.

GitHub Enterprise Server has no star-history endpoint: there daily counts are built from
the stargazer list where it opens, and otherwise each refresh records a snapshot of the
total, from which briefings compute net figures.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from bot.clients.github import (
    GitHubClient,
    GitHubError,
    GitHubUnavailable,
    HistoryUnavailable,
    RateLimited,
    RepoInfo,
    RepoNotFound,
    Stargazers,
    StargazersClosed,
)
from bot.clients.github.history import PER_PAGE as WEEKS_PER_PAGE
from bot.clients.github.history import week_of
from bot.clients.github.queries import BATCH_SIZE, POINTS_PER_BATCH
from bot.clients.github.stargazers import floor_hour
from bot.core.repo_ref import RepoRef
from bot.core.store import RepoRecord, Snapshot, StargazerAccess, Store

log = logging.getLogger(__name__)

# Page 1 (30 weeks) holds what briefings (28-day baselines), alerts and predictions (16
# weeks) read; a year for backtests or comparisons is asked for explicitly.
DEFAULT_BACKFILL_PAGES = 1
ANONYMOUS_LIMIT = 60
TOKEN_LIMIT = 5000
HOURLY_HOURS = 24  # what a spike alert reads
# A list that refused us is tried again this long after, in case a role was granted since.
ACCESS_RECHECK = timedelta(days=30)
# A server found without the history endpoint is asked again weekly (it may be upgraded).
HISTORY_RECHECK = timedelta(days=7)
HISTORY_MISSING = "github.history_missing:"  # app state key prefix, then the API URL
# App state: when the current outage began (ISO), or "" while GitHub answers.
UNREACHABLE_SINCE = "github.unreachable_since"
Progress = Callable[[int, int], None]  # (repositories done, repositories planned)


@dataclass
class CollectSummary:
    started_at: datetime
    watched: int
    refreshed: list[RepoRef] = field(default_factory=list)
    backfilled: list[RepoRef] = field(default_factory=list)
    failed: dict[RepoRef, str] = field(default_factory=dict)
    # Refreshed (or not), but GitHub's metadata of the repository could not be stored.
    metadata_failed: dict[RepoRef, str] = field(default_factory=dict)
    skipped: list[RepoRef] = field(default_factory=list)
    gone: list[RepoRef] = field(default_factory=list)
    renamed: dict[RepoRef, RepoRef] = field(default_factory=dict)
    metadata_updated: int = 0
    hourly: list[RepoRef] = field(default_factory=list)  # hour-by-hour counts stored
    # Without a star-history endpoint: daily counts from the stargazer list, or only a
    # snapshot of the total.
    history_missing: bool = False
    from_stargazers: list[RepoRef] = field(default_factory=list)
    from_snapshots: list[RepoRef] = field(default_factory=list)
    rest_calls: int = 0
    graphql_points: int = 0
    retries: dict[str, int] = field(default_factory=dict)
    rest_remaining: int | None = None
    graphql_remaining: int | None = None
    # When the skipped repositories will have been refreshed, if runs go on hourly.
    fresh_at: datetime | None = None
    # Why GitHub could not be reached, when it could not: the run stopped there.
    unreachable: str | None = None
    # A secondary rate limit (too many requests in a short time) stopped the run, not
    # the hour's budget.
    secondary_limit: bool = False

    sources: list[str] = field(default_factory=list)  # what HN and the feeds gave

    def lines(self) -> list[str]:
        """The summary as a person reads it (``momentum collect`` prints these)."""
        out = [
            f"{len(self.refreshed)} of {self.watched} repositories refreshed"
            f" ({len(self.backfilled)} backfilled), {len(self.failed)} failed,"
            f" {len(self.skipped)} left for later, {len(self.gone)} gone",
            f"GitHub cost: {self.rest_calls} REST calls, {self.graphql_points} GraphQL points"
            + (f"; left this hour: {self.rest_remaining} calls" if self.rest_remaining is not None
               else "")
            + (f", {self.graphql_remaining} points" if self.graphql_remaining is not None
               else ""),
        ]
        if self.history_missing:
            out.append(
                "no star-history endpoint on this GitHub (Enterprise Server?):"
                f" {len(self.from_stargazers)} repositories counted from stargazer lists,"
                f" {len(self.from_snapshots)} from snapshots of their totals (net figures)"
            )
        if self.hourly:
            out.append(
                f"hour-by-hour stars from the stargazer lists of {len(self.hourly)}"
                " repositories this token may read"
            )
        if self.retries:
            tried = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in
                              sorted(self.retries.items()))
            out.append(f"retried: {tried}")
        for old, new in self.renamed.items():
            out.append(f"{old} is now {new}")
        for ref in self.gone:
            out.append(f"{ref} no longer exists on GitHub")
        for ref, reason in self.failed.items():
            out.append(f"{ref}: {reason}")
        for ref, reason in self.metadata_failed.items():
            out.append(f"{ref}: its metadata was not updated: {reason}")
        if self.unreachable is not None:
            out.append(f"GitHub could not be reached: {self.unreachable}")
        elif self.skipped and self.secondary_limit:
            left = "" if self.rest_remaining is None else f" ({self.rest_remaining} calls left)"
            out.append(
                "GitHub's secondary rate limit (too many requests in a short time, not the"
                f" hourly budget{left}) stopped the run: {len(self.skipped)} repositories"
                " left for later; run again in a few minutes"
            )

        elif self.skipped and self.fresh_at:
            out.append(
                f"the budget ran out: {len(self.skipped)} repositories will be fresh by"
                f" {self.fresh_at:%Y-%m-%d %H:%M} UTC"
            )
        return out + self.sources


@dataclass
class _Job:
    repo: RepoRecord
    pages: int
    metadata: bool  # fetch metadata over REST (no token) after the history
    # Whether the token's user holds a role on the repository, if this run's metadata said.
    collaborator: bool | None = None
    snapshot_taken: bool = False  # this run already recorded the repository's total


@dataclass
class _Run:
    """What the jobs of one run share."""

    access: dict[int, StargazerAccess]
    history_missing: bool


async def collect(
    store: Store,
    client: GitHubClient,
    now: datetime,
    *,
    progress: Progress | None = None,
    backfill_pages: int = DEFAULT_BACKFILL_PAGES,
    concurrency: int = 8,
    metadata_max_age: timedelta = timedelta(hours=23),
    repos: Sequence[RepoRecord] | None = None,
    pages: int | None = None,
) -> CollectSummary:
    """Refresh every watched repository (or just ``repos``) that this hour's budget
    covers, stalest first. ``pages`` reads that many history pages for each, for a
    briefing whose windows reach further back than a refresh does."""
    chosen = await store.watched_repos() if repos is None else repos
    repos = [repo for repo in chosen if repo.status == "active"]
    summary = CollectSummary(started_at=now, watched=len(repos))
    if not repos:
        return summary
    spent_before = client.stats.copy()
    try:
        await client.rate_limit()
    except GitHubUnavailable as error:
        summary.skipped = [repo.ref for repo in repos]
        await _unreachable(store, now, summary, error)
        if progress is not None:
            progress(0, len(repos))
        return summary
    if await unreachable_since(store):
        await store.set_state(UNREACHABLE_SINCE, "", now)
    jobs, skipped = _plan(repos, client, now, backfill_pages, metadata_max_age, pages)
    summary.skipped = [repo.ref for repo in skipped]
    shared = _Run(
        # An anonymous caller is refused every list (401): nothing to look up.
        access=await store.stargazer_access(client.viewer) if client.has_token else {},
        history_missing=await _history_missing(store, client, now),
    )
    if client.has_token and jobs:
        await _graphql_metadata(store, client, now, jobs, summary)
    stop = asyncio.Event()
    limiter = asyncio.Semaphore(concurrency)
    done = 0

    async def run(job: _Job) -> None:
        nonlocal done
        async with limiter:
            if stop.is_set():
                summary.skipped.append(job.repo.ref)
                return
            # Instances sharing a database each run this: one collects a repo at a time.
            if await store.try_lock_repo(job.repo.id):
                try:
                    await _refresh(store, client, now, job, summary, shared)
                except RateLimited as error:
                    stop.set()
                    if job.repo.ref not in summary.refreshed:
                        summary.skipped.append(job.repo.ref)
                    summary.fresh_at = error.reset_at
                    summary.secondary_limit = summary.secondary_limit or error.secondary
                except GitHubUnavailable as error:
                    # The connection is gone: every other repository would wait out the
                    # same retries.
                    stop.set()
                    summary.skipped.append(job.repo.ref)
                    await _unreachable(store, now, summary, error)

                finally:
                    await store.unlock_repo(job.repo.id)
            else:
                log.info("%s: another instance is collecting it", job.repo.ref)
            done += 1
            if progress is not None:
                progress(done, len(jobs))

    await asyncio.gather(*(run(job) for job in jobs))
    spent = client.stats.since(spent_before)
    summary.rest_calls = spent.rest_calls
    summary.graphql_points = spent.graphql_points
    summary.retries = dict(spent.retries)
    summary.rest_remaining = client.remaining("core")
    summary.graphql_remaining = client.remaining("graphql") if client.has_token else None
    summary.history_missing = shared.history_missing
    if summary.skipped and summary.unreachable is None and not summary.secondary_limit:

        summary.fresh_at = _fresh_at(client, now, summary, repos, backfill_pages)
    return summary


async def _unreachable(
    store: Store, now: datetime, summary: CollectSummary, error: GitHubUnavailable
) -> None:
    """Note the outage in the summary, and when it began in the store (for ``status``)."""
    summary.unreachable = str(error)
    if not await unreachable_since(store):
        await store.set_state(UNREACHABLE_SINCE, now.isoformat(), now)


async def unreachable_since(store: Store) -> datetime | None:
    """When GitHub stopped answering collection runs, if it has not answered since."""
    found = await store.get_state(UNREACHABLE_SINCE)
    return datetime.fromisoformat(found) if found else None


def _staleness(repo: RepoRecord) -> tuple[int, datetime, int]:
    never = datetime.min.replace(tzinfo=UTC)
    return (0 if repo.stars_fetched_at is None else 1, repo.stars_fetched_at or never, repo.id)


def _budget(client: GitHubClient) -> int:
    known = client.remaining("core")
    if known is not None:
        return known
    return TOKEN_LIMIT if client.has_token else ANONYMOUS_LIMIT


def _plan(
    repos: Sequence[RepoRecord],
    client: GitHubClient,
    now: datetime,
    backfill_pages: int,
    metadata_max_age: timedelta,
    forced_pages: int | None = None,
) -> tuple[list[_Job], list[RepoRecord]]:
    """Who is refreshed this run: history first, stalest first, within the REST budget;
    without a token, stale metadata (one call each) fills what history leaves.

    Stargazer lists are not planned: only a token reads them (its 5,000 calls an hour
    dwarf a few own repositories' pages), and a spent budget stops the run cleanly."""
    budget = _budget(client)
    jobs: list[_Job] = []
    skipped: list[RepoRecord] = []
    for repo in sorted(repos, key=_staleness):
        pages = forced_pages or (backfill_pages if repo.stars_fetched_at is None else 1)
        if pages <= budget:
            jobs.append(_Job(repo, pages, metadata=False))
            budget -= pages
        else:
            skipped.append(repo)
    if not client.has_token:
        by_age = sorted(jobs, key=lambda job: job.repo.metadata_fetched_at or datetime.min.replace(
            tzinfo=UTC))
        for job in by_age:
            fetched = job.repo.metadata_fetched_at
            if budget > 0 and (fetched is None or now - fetched >= metadata_max_age):
                job.metadata = True
                budget -= 1
    return jobs, skipped


async def _graphql_metadata(
    store: Store, client: GitHubClient, now: datetime, jobs: list[_Job], summary: CollectSummary
) -> None:
    points = client.remaining("graphql")
    batches = math.ceil(len(jobs) / BATCH_SIZE)
    if points is not None:
        batches = min(batches, points // POINTS_PER_BATCH)
    chosen = jobs[: batches * BATCH_SIZE]
    try:
        results = await client.repositories([job.repo.ref for job in chosen])
    except GitHubError as error:
        log.warning("metadata for %d repositories failed: %s", len(chosen), error)
        summary.metadata_failed.update((job.repo.ref, str(error)) for job in chosen)
        return
    for job in chosen:
        result = results.get(job.repo.ref)
        if isinstance(result, RepoInfo):
            job.repo = await _save_info(store, job.repo, result, now, summary)
            job.collaborator = result.collaborator
            job.snapshot_taken = True
        elif isinstance(result, GitHubError) and not isinstance(result, RepoNotFound):
            # The history call decides whether a repository is gone; this only notes why
            # its metadata is missing.
            summary.metadata_failed[job.repo.ref] = str(result)


async def _refresh(
    store: Store,
    client: GitHubClient,
    now: datetime,
    job: _Job,
    summary: CollectSummary,
    shared: _Run,
) -> None:
    repo = job.repo
    if shared.history_missing:
        await _without_history(store, client, now, job, summary, shared, None)
        return
    try:
        history = await client.star_history(
            repo.ref, pages=job.pages, created=repo.metadata.created_at
        )
    except HistoryUnavailable as missing:
        if not shared.history_missing:
            shared.history_missing = True
            await store.set_state(HISTORY_MISSING + client.api_url, now.isoformat(), now)
        await _without_history(store, client, now, job, summary, shared, missing.info)
        return
    except RepoNotFound:
        await store.mark_repo_gone(repo.id)
        summary.gone.append(repo.ref)
        return
    except RateLimited:
        raise
    except GitHubUnavailable as error:
        if error.kind == "connection":
            raise
        summary.failed[repo.ref] = str(error)
        return
    except GitHubError as error:
        summary.failed[repo.ref] = str(error)
        return
    created = repo.metadata.created_at
    counts = history.daily(
        until=now.astimezone(UTC).date(),
        since=created.astimezone(UTC).date() if created else None,
    )
    await store.put_daily_stars(repo.id, counts, now)
    summary.refreshed.append(repo.ref)
    if job.pages > 1:
        summary.backfilled.append(repo.ref)
    end = floor_hour(now)
    start = end - timedelta(hours=HOURLY_HOURS)
    listing = await _listing(store, client, now, job, shared, since=start)
    if listing is not None:
        await _put_hourly(store, repo, listing, now, summary)
    if job.metadata or (history.moved and not client.has_token):
        try:
            info = await client.repository(repo.ref)
        except RepoNotFound:
            return  # deleted since the history was read: the next run marks it gone
        except RateLimited:
            raise
        except GitHubError as error:
            summary.metadata_failed[repo.ref] = str(error)
            return
        await _save_info(store, repo, info, now, summary)


async def _without_history(
    store: Store,
    client: GitHubClient,
    now: datetime,
    job: _Job,
    summary: CollectSummary,
    shared: _Run,
    info: RepoInfo | None,
) -> None:
    """A refresh where the server has no star history: the stargazer list where it opens
    to us, else a snapshot of the total (``info``, if the caller has just read it)."""
    if info is not None:
        job.repo = await _save_info(store, job.repo, info, now, summary)
        if info.collaborator is not None:
            job.collaborator = info.collaborator
        job.snapshot_taken = True
    repo = job.repo
    today = now.astimezone(UTC).date()
    # The days a history refresh (or backfill) would have covered, from the creation day.
    first = week_of(today) - timedelta(weeks=WEEKS_PER_PAGE * job.pages - 1)
    created = repo.metadata.created_at
    if created is not None:
        first = max(first, created.astimezone(UTC).date())
    listing = await _listing(store, client, now, job, shared, since=_midnight(first))
    if listing is not None:
        await store.put_daily_stars(repo.id, listing.daily(first, today), now)
        await _put_hourly(store, repo, listing, now, summary)
        summary.from_stargazers.append(repo.ref)
    else:
        if not job.snapshot_taken:
            try:
                info = await client.repository(repo.ref)
            except RepoNotFound:
                await store.mark_repo_gone(repo.id)
                summary.gone.append(repo.ref)
                return
            except RateLimited:
                raise
            except GitHubError as error:
                summary.failed[repo.ref] = str(error)
                return
            repo = await _save_info(store, repo, info, now, summary)
        # No day is known, but the repository was refreshed: without this the planner
        # would take it for one never collected and plan a backfill every run.
        await store.put_daily_stars(repo.id, {}, now)
        summary.from_snapshots.append(repo.ref)
    summary.refreshed.append(repo.ref)
    if job.pages > 1:
        summary.backfilled.append(repo.ref)


async def _listing(
    store: Store,
    client: GitHubClient,
    now: datetime,
    job: _Job,
    shared: _Run,
    *,
    since: datetime,
) -> Stargazers | None:
    """The repository's stargazer list back to ``since``, if this token may read it.

    Asked for only where the store says it opened before, or, once (again after
    ``ACCESS_RECHECK``), where GitHub says the token's user holds a role on the repo.
    """
    if not client.has_token:
        return None
    repo = job.repo
    known = shared.access.get(repo.id)
    if job.collaborator is False:
        if known is not None and known.listable:
            # The role was taken away: the list will refuse us, so do not ask.
            await store.set_stargazer_access(repo.id, client.viewer, False, now)
        return None
    if known is None or not known.listable:
        due = known is None or now - known.checked_at >= ACCESS_RECHECK
        if not (job.collaborator and due):
            return None
    try:
        listing = await client.stargazers(repo.ref, since=since)
    except StargazersClosed:
        await store.set_stargazer_access(repo.id, client.viewer, False, now)
        return None
    except RateLimited:
        raise
    except GitHubError as error:
        # A fault says nothing about access: try again next run.
        log.warning("stargazers of %s failed: %s", repo.ref, error)
        return None
    if known is None or not known.listable:
        await store.set_stargazer_access(repo.id, client.viewer, True, now)
    return listing


async def _put_hourly(
    store: Store, repo: RepoRecord, listing: Stargazers, now: datetime, summary: CollectSummary
) -> None:
    # Whole hours only: a partial hour stored as if complete would read as a lull.
    end = floor_hour(now)
    counts = listing.hourly(end - timedelta(hours=HOURLY_HOURS), end)
    if counts:
        await store.put_hourly_stars(repo.id, counts, now)
        summary.hourly.append(repo.ref)


async def _history_missing(store: Store, client: GitHubClient, now: datetime) -> bool:
    found = await store.get_state(HISTORY_MISSING + client.api_url)
    return found is not None and now - datetime.fromisoformat(found) < HISTORY_RECHECK


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


async def _save_info(
    store: Store, repo: RepoRecord, info: RepoInfo, now: datetime, summary: CollectSummary
) -> RepoRecord:
    saved = await record_info(store, repo, info, now)
    if saved.ref.full_name != repo.ref.full_name and saved.ref != repo.ref:
        summary.renamed[repo.ref] = saved.ref
    summary.metadata_updated += 1
    return saved


async def record_info(store: Store, repo: RepoRecord, info: RepoInfo, now: datetime) -> RepoRecord:
    """Store what GitHub said; a new name renames the repository, keeping its history."""
    metadata = info.metadata
    if metadata.ref.full_name != repo.ref.full_name:
        holder = await store.find_repo(metadata.ref)
        if holder is not None and holder.id != repo.id:
            # Both names are watched as separate rows; keep ours until someone merges them.
            metadata = replace(metadata, ref=repo.ref, node_id=None, github_id=None)
    if metadata.github_id is not None:
        twin = await store.find_repo_by_github_id(metadata.github_id)
        if twin is not None and twin.id != repo.id:
            metadata = replace(metadata, node_id=None, github_id=None)
    await store.save_repo_metadata(repo.id, metadata, now)
    await store.add_snapshot(repo.id, Snapshot(now, info.stars, info.forks))
    if info.events:
        await store.add_events(repo.id, info.events)
    return replace(repo, ref=metadata.ref, metadata=metadata, metadata_fetched_at=now)


def _fresh_at(
    client: GitHubClient,
    now: datetime,
    summary: CollectSummary,
    repos: Sequence[RepoRecord],
    backfill_pages: int,
) -> datetime:
    """When hourly runs will have refreshed the skipped repositories."""
    known = client.rate.get("core")
    limit = known.limit if known else (TOKEN_LIMIT if client.has_token else ANONYMOUS_LIMIT)
    reset = known.reset_at if known and known.reset_at > now else now + timedelta(hours=1)
    if summary.fresh_at is not None and summary.fresh_at > reset:
        reset = summary.fresh_at
    by_ref = {repo.ref: repo for repo in repos}
    cost = sum(
        backfill_pages if by_ref[ref].stars_fetched_at is None else 1
        for ref in summary.skipped
        if ref in by_ref
    )
    return reset + timedelta(hours=max(0, cost - 1) // max(1, limit))
