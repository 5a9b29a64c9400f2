"""Posting scheduled briefings exactly once per channel and period.

The deliveries table is the ledger: a period is claimed before posting and finished
after, so a restart, a crash or a second instance never posts it twice. A claim left
unfinished longer than the lease belongs to an instance that died; it is taken over and
posted. A claim left by an earlier process on this host that has exited (a restart after
a crash) is taken over at once, without waiting out the lease. Either way, a crash after
the post but before the ledger write repeats that one post: losing a briefing silently
is the worse failure. At most ``DeliveryPolicy.concurrency`` posts are in flight, so a
crash repeats at most that many.

An instance claims only the channels it can post to: those of the platforms it runs and,
when a platform's poster serves part of it (Discord shards split across processes), that
part. The other instances claim the rest. That choice is made in one place, ``_ours``.

A period counts only from when the channel and its schedule existed: a schedule set on
Tuesday for Mondays owes nothing for the Monday before.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal, Protocol, runtime_checkable

from bot.core import formatting as fmt
from bot.core.adapter import ChannelUnavailable, NotStarted, PostRateLimited
from bot.core.command import ChannelKey, Platform
from bot.core.message import Message
from bot.core.schedule import Schedule, schedule_set_at
from bot.core.store import BriefingText, ChannelRecord, Store
from bot.features.predictions.service import attach_message
from bot.jobs.instance import Instance
from bot.jobs.memory import release_memory

log = logging.getLogger(__name__)

Outcome = Literal[
    "done", "failed", "skipped", "taken", "nothing due", "empty", "elsewhere", "not started",
    "stopped",
]


@dataclass(frozen=True, slots=True)
class Composed:
    """A composed briefing and which text it uses, for the ledger. ``word``, when set, is
    the channel's model wording it, still to come: it waits on neither the database nor
    the platform, so it runs outside the composing slots, bounded by the model's timeout,
    and gives the briefing to post (its own text when the model's fails)."""

    message: Message
    text: BriefingText = "template"
    note: str | None = None
    word: Callable[[], Awaitable[Composed]] | None = None


Compose = Callable[[ChannelRecord, date], Awaitable[Message | Composed | None]]


class Poster(Protocol):
    async def send(self, channel: ChannelKey, message: Message) -> str | None: ...


@runtime_checkable
class SharedPoster(Protocol):
    """A poster that serves only some of its platform's channels (Discord shards split
    across processes); the others are left for the instances that own them."""

    def owns(self, channel: ChannelKey) -> bool: ...


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    grace: timedelta = timedelta(hours=12)
    lease: timedelta = timedelta(minutes=10)
    attempts: int = 3
    backoff_seconds: float = 2.0
    pause_after_failures: int = 3
    # Posts in flight: a post mostly waits on the platform, so many keep its limit busy.
    concurrency: int = 25
    # Briefings being composed: composing waits on the database, which serves one query
    # at a time; a short queue there lets a post's ledger write follow the post at once,
    # so a crash leaves few posts made and not recorded (each would be repeated).
    composing: int = 4
    # How long the first channel whose time comes waits for the others of the same
    # moment (a minute's schedules fire together), to deliver them as one batch.
    gather_seconds: float = 0.05


@dataclass(frozen=True, slots=True)
class Planned:
    """A channel this instance posts to, and when."""

    channel: ChannelRecord
    schedule: Schedule


class Deliverer:
    def __init__(
        self,
        store: Store,
        posters: Mapping[Platform, Poster],
        compose: Compose,
        *,
        default_timezone: str,
        instance: Instance | str,
        clock: Callable[[], datetime],
        policy: DeliveryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._store = store
        self._posters = posters
        # Told apart once: a protocol check per channel costs more than the rest of it.
        self._shared = {platform: poster for platform, poster in posters.items()
                        if isinstance(poster, SharedPoster)}
        self._compose = compose
        self._timezone = default_timezone
        self._instance = instance if isinstance(instance, Instance) else Instance.named(instance)
        self._clock = clock
        self._policy = policy or DeliveryPolicy()
        self._sleep = sleep
        self._slots = asyncio.Semaphore(self._policy.concurrency)
        self._composers = asyncio.Semaphore(self._policy.composing)
        # Claims this process made: any other claim in this instance's name is a previous
        # life's (a restarted container keeps its host name and, often, its pid).
        self._claimed: set[tuple[ChannelKey, str]] = set()
        # Channels fired while the first of their moment waits for them (see ``fire``).
        self._gathering: dict[ChannelKey, asyncio.Future[Outcome]] | None = None
        self._stopping = False

    # -- what the scheduler asks ----------------------------------------------------------

    def stop(self) -> None:
        """Claims nothing more: posts under way finish, every other channel is left
        unclaimed (``"stopped"``), so the next start posts it at once instead of waiting
        out a lease."""
        self._stopping = True

    @property
    def grace(self) -> timedelta:
        """How late a period may still be posted."""
        return self._policy.grace

    @property
    def sweep_every(self) -> timedelta:
        """How often to look for claims that died with their instance."""
        return self._policy.lease / 2

    async def planned(self) -> list[Planned]:
        """Every scheduled channel this instance posts to."""
        return [
            Planned(channel, self._schedule_of(channel))
            for channel in await self._store.scheduled_channels()
            if self._ours(channel)
        ]

    async def planned_one(self, key: ChannelKey) -> Planned | None:
        """The channel's plan, or None when it has no schedule here (off, paused, an empty
        list, another instance's)."""
        channel = await self._store.get_channel(key)
        if channel is None or channel.paused_reason or not self._ours(channel):
            return None
        schedule = self._schedule_of(channel)
        if schedule.kind == "off" or not await self._store.watch_list(key):
            return None
        return Planned(channel, schedule)

    async def fire(self, key: ChannelKey) -> Outcome:
        """A channel's time came: post its period, read fresh (it may be paused since).

        Channels whose time comes at the same moment are delivered together, as
        :meth:`deliver_all` does, so that those watching one list post one after another:
        the first to fire waits ``gather_seconds`` for the rest and delivers them all;
        each caller gets its own channel's outcome."""
        loop = asyncio.get_running_loop()
        if self._gathering is not None:
            joined = self._gathering.setdefault(key, loop.create_future())
            # Shielded: one caller stopping must not stop the others' delivery.
            return await asyncio.shield(joined)
        batch = self._gathering = {key: loop.create_future()}
        try:
            try:
                await asyncio.sleep(self._policy.gather_seconds)
            finally:
                self._gathering = None
            found = await asyncio.gather(*(self._store.get_channel(k) for k in batch))
            outcomes = await self.deliver_all([c for c in found if c is not None])
        except BaseException as exc:
            for k, joined in batch.items():
                if k == key or joined.done():
                    continue
                if isinstance(exc, asyncio.CancelledError):
                    joined.cancel()
                else:
                    joined.set_exception(exc)
            raise
        for k, joined in batch.items():
            joined.set_result(outcomes.get(k, "nothing due"))
        return outcomes.get(key, "nothing due")

    async def catch_up(self) -> dict[ChannelKey, Outcome]:
        """At start: post what came due while no instance ran, if still in grace time, and
        what an earlier process on this host claimed and did not finish."""
        return await self.deliver_all(await self._store.scheduled_channels())

    async def take_over_stale(self) -> dict[ChannelKey, Outcome]:
        """Post what instances that died had claimed and not finished: claims older than
        the lease, still within the grace time. Any instance may run this at any time."""
        now = self._clock()
        stale = await self._store.stale_claims(now - self._policy.lease, now - self._policy.grace)
        keys = list(dict.fromkeys(delivery.channel for delivery in stale))
        found = await asyncio.gather(*(self._store.get_channel(key) for key in keys))
        return await self.deliver_all([channel for channel in found if channel is not None])

    # -- delivering -------------------------------------------------------------------------

    async def deliver_all(self, channels: Sequence[ChannelRecord]) -> dict[ChannelKey, Outcome]:
        """Each channel's latest due period; one failure touches no other. A few workers
        share the list, so thousands of channels never crowd the event loop at once (a
        command's ack waits behind whatever is queued there)."""
        orphans = await self._orphaned_claims()
        outcomes: dict[ChannelKey, Outcome] = {}
        queue = list(reversed(await self._by_list(channels)))

        async def worker() -> None:
            while queue:
                channel = queue.pop()
                try:
                    outcomes[channel.key] = await self._deliver(channel, orphans)
                except Exception:
                    log.exception("delivery to %s failed", channel.key)
                    outcomes[channel.key] = "failed"
                # A channel with nothing due is decided without waiting on anything: let
                # commands in between, or thousands of them hold the loop for seconds.
                await asyncio.sleep(0)

        workers = min(self._policy.concurrency, len(channels))
        await asyncio.gather(*(worker() for _ in range(workers)))
        release_memory()
        return {channel.key: outcomes[channel.key] for channel in channels}

    async def _by_list(self, channels: Sequence[ChannelRecord]) -> list[ChannelRecord]:
        """``channels`` with those watching the same list one after another, in the order
        the lists first come: a list's briefing is composed and drawn once (see
        ``SharedLists``), and its posts keep the platform busy while the next list's
        briefing is drawn, rather than every slot waiting on a different chart at once."""
        if len(channels) < 2:
            return list(channels)
        lists = await self._store.watch_list_ids()
        first: dict[tuple[int, ...], int] = {}
        for channel in channels:
            first.setdefault(lists.get(channel.key, ()), len(first))
        return sorted(channels, key=lambda channel: first[lists.get(channel.key, ())])

    async def deliver_due(self, channel: ChannelRecord) -> Outcome:
        return await self._deliver(channel, {})

    async def _deliver(
        self, channel: ChannelRecord, orphans: Mapping[tuple[ChannelKey, str], datetime]
    ) -> Outcome:
        if channel.paused_reason:
            return "nothing due"
        if not self._ours(channel):
            # Claiming it would take it from the instance that can post it.
            return "elsewhere"
        schedule = self._schedule_of(channel)
        run = schedule.last_run(self._clock())
        if run is None or not await self._scheduled_at(channel, run):
            return "nothing due"
        period = schedule.period(run)
        # Claim only with a free slot: a claim queued behind other posts would age past
        # the lease and be taken over while this instance still means to post it, and
        # instances sharing a database spread the work by claiming as they have room.
        async with self._slots:
            if self._stopping:
                return "stopped"
            if not await self._claim(channel.key, period, orphans.get((channel.key, period))):
                return "taken"
            now = self._clock()
            if now - run > self._policy.grace:
                local = fmt.local_time(run, schedule.timezone)
                await self._store.finish_delivery(
                    channel.key, period, "skipped", now,
                    error=f"due {local}; no instance was running within the "
                    f"{_hours(self._policy.grace)} grace time",
                )
                return "skipped"
            return await self._post(channel, period, run)

    async def _scheduled_at(self, channel: ChannelRecord, run: datetime) -> bool:
        """Whether the channel, and its schedule as it is now, existed at ``run``."""
        if run < channel.created_at:
            return False
        since = await schedule_set_at(self._store, channel.key)
        return since is None or run >= since

    async def _claim(self, key: ChannelKey, period: str, orphan: datetime | None) -> bool:
        now = self._clock()
        claimed = await self._store.claim_delivery(key, period, str(self._instance), now)
        if not claimed and orphan is not None:
            # Only that very claim (a later one by a live instance has a later time).
            claimed = await self._store.take_over_delivery(
                key, period, str(self._instance), now,
                stale_before=orphan + timedelta(microseconds=1),
            )
        if not claimed:
            claimed = await self._store.take_over_delivery(
                key, period, str(self._instance), now, stale_before=now - self._policy.lease
            )
        if claimed:
            self._claimed.add((key, period))
        return claimed

    async def _orphaned_claims(self) -> dict[tuple[ChannelKey, str], datetime]:
        """Unfinished claims, within grace, of earlier processes on this host that have
        exited: what a crash left half done."""
        now = self._clock()
        unfinished = await self._store.stale_claims(now, now - self._policy.grace)
        return {
            (claim.channel, claim.period): claim.claimed_at
            for claim in unfinished
            if (claim.channel, claim.period) not in self._claimed
            and self._instance.outlived(claim.claimed_by)
        }

    async def _post(self, channel: ChannelRecord, period: str, run: datetime) -> Outcome:
        key = channel.key
        try:
            async with self._composers:
                composed = await self._compose(channel, run.astimezone(UTC).date())
            if isinstance(composed, Composed) and composed.word is not None:
                composed = await composed.word()
        except Exception as exc:
            log.exception("composing the briefing for %s failed", key)
            await self._finish_failed(key, period, f"composing failed: {exc}")
            return "failed"
        if composed is None:
            await self._store.finish_delivery(
                key, period, "skipped", self._clock(), error="the watch list is empty"
            )
            return "empty"
        if isinstance(composed, Message):
            composed = Composed(composed)  # no prose was asked for
        message = composed.message
        poster = self._posters[key.platform]  # present: _ours checked
        error = ""
        attempt = 0
        waited = 0.0
        # Waiting out rate limits must end well within the claim's lease, or another
        # instance would take the claim over and post too.
        patience = self._policy.lease.total_seconds() / 2
        while attempt < self._policy.attempts:
            try:
                message_id = await poster.send(key, message)
            except NotStarted as exc:
                # Our state, not the platform's answer: no attempt is spent and nothing is
                # recorded; the claim is taken over and posted once its lease runs out.
                log.warning("not posting to %s yet: %s", key, exc)
                return "not started"
            except ChannelUnavailable as gone:
                await self._store.finish_delivery(
                    key, period, "failed", self._clock(), error=gone.reason
                )
                await self._store.pause_channel(key, gone.reason)
                log.warning("paused %s: %s", key, gone.reason)
                return "failed"
            except PostRateLimited as limited:
                delay = limited.retry_after * (1 + random.random() / 2)
                if waited + delay <= patience:
                    waited += delay
                    await self._sleep(delay)
                    continue
                error = f"still rate limited after waiting {waited:.0f} s"
                break
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                attempt += 1
                log.warning("posting to %s failed (attempt %d): %s", key, attempt, error)
                if attempt < self._policy.attempts:
                    delay = self._policy.backoff_seconds * 2 ** (attempt - 1)
                    await self._sleep(delay * (1 + random.random() / 2))
                continue
            await self._store.finish_delivery(
                key, period, "done", self._clock(), message_id=message_id,
                text=composed.text, text_note=composed.note,
            )
            if message_id is not None:
                await attach_message(self._store, key, run.astimezone(UTC).date(), message_id)
            return "done"
        await self._finish_failed(key, period, error)
        return "failed"

    async def _finish_failed(self, key: ChannelKey, period: str, error: str) -> None:
        await self._store.finish_delivery(key, period, "failed", self._clock(), error=error)
        limit = self._policy.pause_after_failures
        recent = await self._store.recent_deliveries(key, limit)
        if len(recent) == limit and all(d.status == "failed" for d in recent):
            reason = f"the last {limit} scheduled posts failed (latest: {error})"
            await self._store.pause_channel(key, reason)
            log.warning("paused %s: %s", key, reason)

    def _schedule_of(self, channel: ChannelRecord) -> Schedule:
        return Schedule.of(channel.settings, self._timezone)

    def _ours(self, channel: ChannelRecord) -> bool:
        """Whether this instance posts to the channel: it runs the channel's platform, and
        that platform's poster, if it serves only some channels, serves this one."""
        platform = channel.key.platform
        if platform not in self._posters:
            # Instances may run different platforms on one database (Slack behind a load
            # balancer, Discord shards in processes of their own): another one posts there.
            return False
        shared = self._shared.get(platform)
        return shared is None or shared.owns(channel.key)


def _hours(span: timedelta) -> str:
    return f"{span.total_seconds() / 3600:g}-hour"
