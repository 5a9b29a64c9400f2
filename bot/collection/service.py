"""What the bot asks of GitHub outside a scheduled refresh: checking that repos exist when
they are added, and collecting their history in the background so commands answer at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from bot.clients.github import GitHubClient, GitHubError, RepoInfo, RepoNotFound
from bot.clients.github.queries import BATCH_SIZE
from bot.collection.collector import CollectSummary, Progress, collect, record_info
from bot.collection.mentions import Sources, collect_mentions
from bot.core.repo_ref import RepoRef
from bot.core.store import RepoRecord, Store

log = logging.getLogger(__name__)

# Checking is on the command's path: Slack and Discord have been answered already, but a
# person is waiting, so a slow GitHub is not waited on for long.
CHECK_TIMEOUT_SECONDS = 5.0
# What one command may spend checking names: with a token, three GraphQL queries (a point
# each, up to 147 names: more than the default cap of 100); without one, 20 calls (a
# third of the anonymous hour), 8 at a time.
CHECK_BATCHES = 3
REST_CHECKS = 20
REST_CHECK_CONCURRENCY = 8

Checked = RepoInfo | GitHubError | None  # None: GitHub says there is no such repository


class DataService:
    def __init__(
        self,
        store: Store,
        client: GitHubClient,
        clock: Callable[[], datetime],
        sources: Sources | None = None,
    ) -> None:
        self._store = store
        self._client = client
        self._sources = sources
        self._clock = clock
        self._collecting = asyncio.Lock()
        self._background: set[asyncio.Task[CollectSummary]] = set()

    def _allowance(self) -> int:
        """How many names one command may have checked on GitHub."""
        return CHECK_BATCHES * BATCH_SIZE if self._client.has_token else REST_CHECKS

    async def check(self, refs: Sequence[RepoRef]) -> dict[RepoRef, Checked]:
        """Each repository as GitHub knows it now, within :data:`CHECK_TIMEOUT_SECONDS`:
        one GraphQL query per batch with a token, else one call each. Names past the
        command's allowance (:data:`CHECK_BATCHES`, :data:`REST_CHECKS`), and names whose
        check did not finish in time, map to a :class:`GitHubError` saying why."""
        unique = list(dict.fromkeys(refs))
        allowance = self._allowance()
        asked = unique[:allowance]
        deadline = asyncio.get_running_loop().time() + CHECK_TIMEOUT_SECONDS
        if self._client.has_token:
            found = await self._check_batches(asked, deadline)
        else:
            found = await self._check_each(asked, deadline)
        over = GitHubError(f"a command checks at most {allowance} repos on GitHub")
        return {ref: found.get(ref, over) for ref in unique}

    async def _check_batches(
        self, refs: Sequence[RepoRef], deadline: float
    ) -> dict[RepoRef, Checked]:
        found: dict[RepoRef, Checked] = {}
        for start in range(0, len(refs), BATCH_SIZE):
            batch = refs[start : start + BATCH_SIZE]
            try:
                async with asyncio.timeout_at(deadline):
                    answers = await self._client.repositories(batch)
            except GitHubError as error:
                found.update((ref, error) for ref in batch)
                continue
            except TimeoutError:
                found.update((ref, _late()) for ref in refs[start:])
                break
            found.update(
                (ref, None if isinstance(answer, RepoNotFound) else answer)
                for ref, answer in answers.items()
            )
        return found

    async def _check_each(
        self, refs: Sequence[RepoRef], deadline: float
    ) -> dict[RepoRef, Checked]:
        limiter = asyncio.Semaphore(REST_CHECK_CONCURRENCY)

        async def one(ref: RepoRef) -> Checked:
            try:
                async with asyncio.timeout_at(deadline), limiter:
                    return await self._client.repository(ref)
            except RepoNotFound:
                return None
            except GitHubError as error:
                return error
            except TimeoutError:
                return _late()

        answers = await asyncio.gather(*(one(ref) for ref in refs))
        return dict(zip(refs, answers, strict=True))

    async def remember(self, repo: RepoRecord, info: RepoInfo) -> RepoRecord:
        return await record_info(self._store, repo, info, self._clock())

    async def record(self, info: RepoInfo) -> RepoRecord:
        """The stored repository GitHub just described (added if new), with what GitHub
        said saved when the store has not described it yet."""
        repo = await self._store.find_repo(info.ref) or await self._store.add_repo(
            info.ref, self._clock()
        )
        if repo.metadata_fetched_at is None:
            repo = await self.remember(repo, info)
        return repo

    async def collect(
        self,
        *,
        repos: Sequence[RepoRecord] | None = None,
        pages: int | None = None,
        progress: Progress | None = None,
    ) -> CollectSummary:
        """One collection run at a time: the budget is shared. Every watched repository,
        or just ``repos`` (see :func:`bot.collection.collector.collect`); then their
        mentions, and on a whole refresh the channels' feeds (never raising)."""
        async with self._collecting:
            summary = await collect(
                self._store, self._client, self._clock(),
                repos=repos, pages=pages, progress=progress,
            )
            # GitHub unreachable means the network is down: HN and the feeds would only
            # add their own timeouts and warnings to the one line that says so.
            if self._sources is not None and summary.unreachable is None:
                sources = self._sources if repos is None else Sources(hn=self._sources.hn)
                chosen = await self._store.watched_repos() if repos is None else repos
                found = await collect_mentions(self._store, sources, chosen, self._clock())
                summary.sources = found.lines()
            return summary

    def collect_soon(
        self,
        repos: Sequence[RepoRecord],
        *,
        pages: int | None = None,
        then: Callable[[CollectSummary | None], Awaitable[None]] | None = None,
    ) -> None:
        """Start collecting these repositories (``pages`` deep) without waiting for it;
        ``then`` is given the summary when the collection is done, or None when it
        stopped on an error (so that whoever waits on it always hears the end)."""

        async def run() -> CollectSummary:
            try:
                summary = await self.collect(repos=list(repos), pages=pages)
            except Exception:
                if then is not None:
                    await then(None)
                raise
            if then is not None:
                await then(summary)
            return summary

        task = asyncio.create_task(run(), name="backfill")
        self._background.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[CollectSummary]) -> None:
        self._background.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if isinstance(error, GitHubError):
            # Expected now and then (GitHub down, budget spent): the next refresh retries.
            log.warning("background collection stopped: %s", error)
        elif error is not None:
            log.error("background collection failed", exc_info=error)
        elif task.result().unreachable is not None:
            log.warning("background collection stopped: %s", task.result().unreachable)
        else:
            log.info("background collection: %s", "; ".join(task.result().lines()))

    async def wait_idle(self) -> None:
        """Wait for background collection to finish (tests, and a graceful shutdown)."""
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    async def close(self, grace_seconds: float = 30.0) -> None:
        """Let background collection finish (within ``grace_seconds``), then stop it."""
        try:
            async with asyncio.timeout(grace_seconds):
                await self.wait_idle()
        except TimeoutError:
            for task in self._background:
                task.cancel()
            await asyncio.gather(*self._background, return_exceptions=True)


def _late() -> GitHubError:
    return GitHubError(f"GitHub did not answer within {CHECK_TIMEOUT_SECONDS:g} s")
