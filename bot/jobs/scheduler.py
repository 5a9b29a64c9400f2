"""Runs scheduled work inside the bot's event loop with APScheduler.

The channels table is the source of truth: jobs are rebuilt from it at start and brought
in line with it every minute, so a schedule changed through any instance takes effect on
every instance without a message between them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.command import ChannelKey
from bot.jobs.delivery import Deliverer

log = logging.getLogger(__name__)

SYNC_EVERY = timedelta(minutes=1)
_SYNC_JOB = "sync-schedules"
_TAKE_OVER_JOB = "take-over-stale-claims"
_CHANNEL_PREFIX = "briefing:"


@dataclass(frozen=True, slots=True)
class Periodic:
    """Work on a fixed interval besides briefings (data refresh, the radar's pool); the
    first run is at start."""

    name: str
    every: timedelta
    # A coroutine function (or a partial of one): APScheduler runs anything else in a
    # thread, where a coroutine would never be awaited.
    run: Callable[[], Awaitable[object]]


class BriefingScheduler:
    def __init__(self, deliverer: Deliverer, *, periodic: Sequence[Periodic] = ()) -> None:
        self._deliverer = deliverer
        self._periodic = periodic
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._specs: dict[str, str] = {}
        self._running: set[asyncio.Task[object]] = set()

    async def start(self, *, paused: bool = False) -> None:
        """Build the jobs, start firing them, and catch up on anything missed (``paused``:
        build and time the jobs but fire nothing, for a look at what is planned)."""
        await self.sync()
        self._scheduler.add_job(
            self.sync, IntervalTrigger(seconds=SYNC_EVERY.total_seconds()), id=_SYNC_JOB,
            coalesce=True, max_instances=1,
        )
        # A claim's job fires once; if its instance died holding it, only a sweep finds it.
        self._scheduler.add_job(
            self._deliverer.take_over_stale,
            IntervalTrigger(seconds=self._deliverer.policy.lease.total_seconds() / 2),
            id=_TAKE_OVER_JOB, coalesce=True, max_instances=1,
        )
        for work in self._periodic:
            self._scheduler.add_job(
                self._run_periodic,
                IntervalTrigger(seconds=work.every.total_seconds()),
                args=[work],
                id=work.name,
                next_run_time=datetime.now(UTC),
                coalesce=True,
                max_instances=1,
            )
        self._scheduler.start(paused=paused)
        if not paused:
            await self._deliverer.catch_up()

    async def sync(self) -> None:
        """Add, change or remove channel jobs to match the channels table."""
        channels = await self._deliverer.store.scheduled_channels()
        wanted = {}
        for channel in channels:
            if not self._deliverer.owns(channel.key):
                continue  # another instance (another platform's, or Discord shard's) posts it
            schedule = self._deliverer.schedule_of(channel)
            wanted[_CHANNEL_PREFIX + str(channel.key)] = (channel.key, schedule)
        for job_id in set(self._specs) - set(wanted):
            self._scheduler.remove_job(job_id)
            del self._specs[job_id]
        grace = int(self._deliverer.policy.grace.total_seconds())
        for job_id, (key, schedule) in wanted.items():
            spec = schedule.describe()
            if self._specs.get(job_id) == spec:
                continue
            self._scheduler.add_job(
                self._fire, schedule.trigger(), args=[key], id=job_id, replace_existing=True,
                misfire_grace_time=grace, coalesce=True, max_instances=1,
            )
            self._specs[job_id] = spec
            log.info("%s: briefings %s", key, spec)

    def next_fire(self, key: ChannelKey) -> datetime | None:
        job = self._scheduler.get_job(_CHANNEL_PREFIX + str(key))
        return None if job is None else job.next_run_time

    async def _fire(self, key: ChannelKey) -> None:
        async with self._tracked():
            channel = await self._deliverer.store.get_channel(key)
            if channel is not None:
                outcome = await self._deliverer.deliver_due(channel)
                log.info("%s: scheduled briefing %s", key, outcome)

    async def _run_periodic(self, work: Periodic) -> None:
        async with self._tracked():
            await work.run()

    @asynccontextmanager
    async def _tracked(self) -> AsyncIterator[None]:
        task = asyncio.current_task()
        assert task is not None
        self._running.add(task)
        try:
            yield
        finally:
            self._running.discard(task)

    async def shutdown(self, grace_seconds: float = 30.0) -> None:
        """Stop firing, let work under way finish (a post half done would sit claimed
        until its lease ran out), then stop."""
        if not self._scheduler.running:
            return
        self._scheduler.pause()
        if self._running:
            await asyncio.wait(set(self._running), timeout=grace_seconds)
        self._scheduler.shutdown(wait=False)
