"""What the bot asks of GitHub outside a scheduled refresh: checking that repos exist when
they are added, and collecting their history in the background so commands answer at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from bot.clients.github import GitHubClient, GitHubError, RepoInfo, RepoNotFound
from bot.collection.collector import CollectSummary, Progress, collect, record_info
from bot.core.repo_ref import RepoRef
from bot.core.store import RepoRecord, Store

log = logging.getLogger(__name__)

# Checking is on the command's path: Slack and Discord have been answered already, but a
# person is waiting, so a slow GitHub is not waited on for long.
CHECK_TIMEOUT_SECONDS = 3.0

Checked = RepoInfo | GitHubError | None  # None: GitHub says there is no such repository


class DataService:
    def __init__(
        self, store: Store, client: GitHubClient, clock: Callable[[], datetime]
    ) -> None:
        self._store = store
        self._client = client
        self._clock = clock
        self._collecting = asyncio.Lock()
        self._background: set[asyncio.Task[CollectSummary]] = set()

    async def check(self, refs: Sequence[RepoRef]) -> dict[RepoRef, Checked]:
        """Each repository as GitHub knows it now (one call each, concurrently)."""
        answers = await asyncio.gather(*(self._check_one(ref) for ref in refs))
        return dict(zip(refs, answers, strict=True))

    async def _check_one(self, ref: RepoRef) -> Checked:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                return await self._client.repository(ref)
        except RepoNotFound:
            return None
        except GitHubError as error:
            return error
        except TimeoutError:
            return GitHubError(f"GitHub did not answer within {CHECK_TIMEOUT_SECONDS:g} s")

    async def remember(self, repo: RepoRecord, info: RepoInfo) -> RepoRecord:
        return await record_info(self._store, repo, info, self._clock())

    async def collect(
        self,
        *,
        repos: Sequence[RepoRecord] | None = None,
        pages: int | None = None,
        progress: Progress | None = None,
    ) -> CollectSummary:
        """One collection run at a time: the budget is shared. Every watched repository,
        or just ``repos`` (see :func:`bot.collection.collector.collect`)."""
        async with self._collecting:
            return await collect(
                self._store, self._client, self._clock(),
                repos=repos, pages=pages, progress=progress,
            )

    def collect_soon(
        self,
        repos: Sequence[RepoRecord],
        *,
        pages: int | None = None,
        then: Callable[[CollectSummary], Awaitable[None]] | None = None,
    ) -> None:
        """Start collecting these repositories (``pages`` deep) without waiting for it;
        ``then`` is given the summary when the collection is done."""

        async def run() -> CollectSummary:
            summary = await self.collect(repos=list(repos), pages=pages)
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
