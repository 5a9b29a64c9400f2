"""Runs scheduled work inside the bot's event loop with APScheduler.

The channels table is the source of truth: jobs are rebuilt from it at start and brought
in line with it every minute, so a schedule changed through any instance takes effect on
every instance without a message between them. A change made through this instance
reaches its jobs at once (:meth:`BriefingScheduler.channel_changed`).

The scheduler only times: which channels are this instance's, what is due and how it is
posted are the :class:`Deliveries`' to decide.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.command import ChannelKey
from bot.jobs.delivery import Outcome, Planned

log = logging.getLogger(__name__)

SYNC_EVERY = timedelta(minutes=1)
_SYNC_JOB = "sync-schedules"
_TAKE_OVER_JOB = "take-over-stale-claims"
_CHANNEL_PREFIX = "briefing:"
# Channels timed between yields to the event loop: timing thousands at start must not
# hold up the commands that arrive meanwhile.
_SYNC_BATCH = 100
# How long a stop waits for the posts under way: `docker stop` and Kubernetes send SIGKILL
# 10 s (by default) after SIGTERM.
STOP_GRACE_SECONDS = 8.0


class Deliveries(Protocol):
    """What the scheduler needs of the deliverer (:class:`bot.jobs.delivery.Deliverer`)."""

    @property
    def grace(self) -> timedelta: ...

    @property
    def sweep_every(self) -> timedelta: ...

    async def planned(self) -> list[Planned]: ...

    async def planned_one(self, key: ChannelKey) -> Planned | None: ...

    async def fire(self, key: ChannelKey) -> Outcome: ...

    async def catch_up(self) -> Mapping[ChannelKey, Outcome]: ...

    async def take_over_stale(self) -> Mapping[ChannelKey, Outcome]: ...

    def stop(self) -> None: ...


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
    def __init__(self, deliveries: Deliveries, *, periodic: Sequence[Periodic] = ()) -> None:
        self._deliveries = deliveries
        self._periodic = periodic
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._specs: dict[str, str] = {}
        self._running: set[asyncio.Task[object]] = set()
        self._stopped = False

    async def start(self, *, paused: bool = False) -> None:
        """Build the jobs, start firing them, and catch up on anything missed (``paused``:
        build and time the jobs but fire nothing, for a look at what is planned). Called
        once every adapter has started, so what is due can be posted."""
        self._scheduler.start(paused=True)
        await self.sync()
        self._scheduler.add_job(
            self.sync, IntervalTrigger(seconds=SYNC_EVERY.total_seconds()), id=_SYNC_JOB,
            coalesce=True, max_instances=1,
        )
        # A claim's job fires once; if its instance died holding it, only a sweep finds it.
        self._scheduler.add_job(
            self._deliveries.take_over_stale,
            IntervalTrigger(seconds=self._deliveries.sweep_every.total_seconds()),
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
        if paused or self._stopped:
            return
        self._scheduler.resume()
        async with self._tracked():
            await self._deliveries.catch_up()

    async def sync(self) -> None:
        """Add, change or remove channel jobs to match the channels table."""
        wanted = {_CHANNEL_PREFIX + str(plan.channel.key): plan
                  for plan in await self._deliveries.planned()}
        for job_id in set(self._specs) - set(wanted):
            self._remove(job_id)
        for n, (job_id, plan) in enumerate(wanted.items()):
            self._time(job_id, plan)
            if n % _SYNC_BATCH == _SYNC_BATCH - 1:
                await asyncio.sleep(0)

    async def channel_changed(self, key: ChannelKey) -> None:
        """A command changed the channel's schedule here: time its job now, not at the next
        sync (which may come after the time that was just set)."""
        if not self._scheduler.running:
            return  # not started yet: the first sync reads the change
        job_id = _CHANNEL_PREFIX + str(key)
        plan = await self._deliveries.planned_one(key)
        if plan is None:
            self._remove(job_id)
        else:
            self._time(job_id, plan)

    def next_fire(self, key: ChannelKey) -> datetime | None:
        job = self._scheduler.get_job(_CHANNEL_PREFIX + str(key))
        return None if job is None else job.next_run_time

    def _time(self, job_id: str, plan: Planned) -> None:
        spec = plan.schedule.describe()
        if self._specs.get(job_id) == spec:
            return
        self._scheduler.add_job(
            self._fire, plan.schedule.trigger(), args=[plan.channel.key], id=job_id,
            replace_existing=True, misfire_grace_time=int(self._deliveries.grace.total_seconds()),
            coalesce=True, max_instances=1,
        )
        self._specs[job_id] = spec
        log.debug("%s: briefings %s", plan.channel.key, spec)

    def _remove(self, job_id: str) -> None:
        if self._specs.pop(job_id, None) is not None:
            self._scheduler.remove_job(job_id)

    async def _fire(self, key: ChannelKey) -> None:
        async with self._tracked():
            outcome = await self._deliveries.fire(key)
            log.info("%s: scheduled briefing %s", key, outcome)

    async def _run_periodic(self, work: Periodic) -> None:
        async with self._tracked():
            await work.run()

    @asynccontextmanager
    async def _tracked(self) -> AsyncIterator[None]:
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("scheduled work must run in a task")
        self._running.add(task)
        try:
            yield
        finally:
            self._running.discard(task)

    async def shutdown(self, grace_seconds: float = STOP_GRACE_SECONDS) -> None:
        """Stop firing and claiming, let the posts under way finish (a post half done
        would sit claimed until its lease ran out), then stop."""
        self._stopped = True
        self._deliveries.stop()
        if not self._scheduler.running:
            return
        self._scheduler.pause()
        if self._running:
            await asyncio.wait(set(self._running), timeout=grace_seconds)
        self._scheduler.shutdown(wait=False)
