"""Posting scheduled briefings exactly once per channel and period.

The deliveries table is the ledger: a period is claimed before posting and finished
after, so a restart, a crash or a second instance never posts it twice. A claim left
unfinished longer than the lease belongs to an instance that died; it is taken over and
posted (a crash after the post but before the ledger write would repeat that one post;
losing a briefing silently is the worse failure).

An instance claims only the channels it can post to: those of the platforms it runs and,
when a platform's poster serves part of it (Discord shards split across processes), that
part. The other instances claim the rest.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal, Protocol, runtime_checkable

from bot.core.adapter import ChannelUnavailable, PostRateLimited
from bot.core.command import ChannelKey, Platform
from bot.core.message import Message
from bot.core.schedule import Schedule
from bot.core.store import ChannelRecord, Store
from bot.features.predictions.service import attach_message

log = logging.getLogger(__name__)

Outcome = Literal["done", "failed", "skipped", "taken", "nothing due", "empty", "elsewhere"]
Compose = Callable[[ChannelKey, date], Awaitable[Message | None]]


class Poster(Protocol):
    async def send(self, channel: ChannelKey, message: Message) -> str | None: ...


@runtime_checkable
class SharedPoster(Protocol):
    """A poster that serves only some of its platform's channels (Discord shards split
    across processes); the others are left for the instances that own them."""

    def owns(self, channel: ChannelKey) -> bool: ...


def owned(posters: Mapping[Platform, Poster], channel: ChannelKey) -> bool:
    """Whether this instance posts to the channel: it runs the channel's platform, and
    that platform's poster, if it serves only some channels, serves this one."""
    poster = posters.get(channel.platform)
    if poster is None:
        # Instances may run different platforms on one database (Slack behind a load
        # balancer, Discord shards in processes of their own): another one posts there.
        return False
    return not isinstance(poster, SharedPoster) or poster.owns(channel)


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    grace: timedelta = timedelta(hours=12)
    lease: timedelta = timedelta(minutes=10)
    attempts: int = 3
    backoff_seconds: float = 2.0
    pause_after_failures: int = 3
    concurrency: int = 25


class Deliverer:
    def __init__(
        self,
        store: Store,
        posters: Mapping[Platform, Poster],
        compose: Compose,
        *,
        default_timezone: str,
        instance: str,
        clock: Callable[[], datetime],
        policy: DeliveryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.store = store
        self._posters = posters
        self._compose = compose
        self._timezone = default_timezone
        self._instance = instance
        self._clock = clock
        self.policy = policy or DeliveryPolicy()
        self._sleep = sleep
        self._slots = asyncio.Semaphore(self.policy.concurrency)

    def schedule_of(self, channel: ChannelRecord) -> Schedule:
        return Schedule.of(channel.settings, self._timezone)

    def owns(self, channel: ChannelKey) -> bool:
        return owned(self._posters, channel)

    async def deliver_all(self, channels: Sequence[ChannelRecord]) -> dict[ChannelKey, Outcome]:
        """Each channel's latest due period, concurrently; one failure touches no other."""
        results = await asyncio.gather(
            *(self.deliver_due(channel) for channel in channels), return_exceptions=True
        )
        outcomes: dict[ChannelKey, Outcome] = {}
        for channel, result in zip(channels, results, strict=True):
            if isinstance(result, BaseException):
                log.error("delivery to %s failed", channel.key, exc_info=result)
                outcomes[channel.key] = "failed"
            else:
                outcomes[channel.key] = result
        return outcomes

    async def catch_up(self) -> dict[ChannelKey, Outcome]:
        """At start: post what came due while no instance ran, if still in grace time."""
        return await self.deliver_all(await self.store.scheduled_channels())

    async def take_over_stale(self) -> dict[ChannelKey, Outcome]:
        """Post what instances that died had claimed and not finished: claims older than
        the lease, still within the grace time. Any instance may run this at any time."""
        now = self._clock()
        stale = await self.store.stale_claims(now - self.policy.lease, now - self.policy.grace)
        keys = list(dict.fromkeys(delivery.channel for delivery in stale))
        found = await asyncio.gather(*(self.store.get_channel(key) for key in keys))
        return await self.deliver_all([channel for channel in found if channel is not None])

    async def deliver_due(self, channel: ChannelRecord) -> Outcome:
        now = self._clock()
        schedule = self.schedule_of(channel)
        run = schedule.last_run(now)
        if run is None or channel.paused_reason:
            return "nothing due"
        if not self.owns(channel.key):
            # Claiming it would take it from the instance that can post it.
            return "elsewhere"
        period = schedule.period(run)
        # Claim only with a free slot: a claim queued behind other posts would age past
        # the lease and be taken over while this instance still means to post it, and
        # instances sharing a database spread the work by claiming as they have room.
        async with self._slots:
            return await self._claim_and_post(channel, period, run)

    async def _claim_and_post(self, channel: ChannelRecord, period: str, run: datetime) -> Outcome:
        key = channel.key
        now = self._clock()
        claimed = await self.store.claim_delivery(
            key, period, self._instance, now
        ) or await self.store.take_over_delivery(
            key, period, self._instance, now, stale_before=now - self.policy.lease
        )
        if not claimed:
            return "taken"
        if now - run > self.policy.grace:
            await self.store.finish_delivery(
                key, period, "skipped", now,
                error=f"due {run.astimezone(UTC):%Y-%m-%d %H:%M} UTC; no instance was running "
                f"within the {_hours(self.policy.grace)} grace time",
            )
            return "skipped"
        return await self._post(channel, period, run)

    async def _post(self, channel: ChannelRecord, period: str, run: datetime) -> Outcome:
        key = channel.key
        try:
            message = await self._compose(key, run.astimezone(UTC).date())
        except Exception as exc:
            log.exception("composing the briefing for %s failed", key)
            await self._finish_failed(key, period, f"composing failed: {exc}")
            return "failed"
        if message is None:
            await self.store.finish_delivery(
                key, period, "skipped", self._clock(), error="the watch list is empty"
            )
            return "empty"
        poster = self._posters[key.platform]  # present: deliver_due checked ownership
        error = ""
        attempt = 0
        waited = 0.0
        # Waiting out rate limits must end well within the claim's lease, or another
        # instance would take the claim over and post too.
        patience = self.policy.lease.total_seconds() / 2
        while attempt < self.policy.attempts:
            try:
                message_id = await poster.send(key, message)
            except ChannelUnavailable as gone:
                await self.store.finish_delivery(
                    key, period, "failed", self._clock(), error=gone.reason
                )
                await self.store.pause_channel(key, gone.reason)
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
                if attempt < self.policy.attempts:
                    delay = self.policy.backoff_seconds * 2 ** (attempt - 1)
                    await self._sleep(delay * (1 + random.random() / 2))
                continue
            await self.store.finish_delivery(
                key, period, "done", self._clock(), message_id=message_id
            )
            if message_id is not None:
                await attach_message(self.store, key, run.astimezone(UTC).date(), message_id)
            return "done"
        await self._finish_failed(key, period, error)
        return "failed"

    async def _finish_failed(self, key: ChannelKey, period: str, error: str) -> None:
        await self.store.finish_delivery(key, period, "failed", self._clock(), error=error)
        limit = self.policy.pause_after_failures
        recent = await self.store.recent_deliveries(key, limit)
        if len(recent) == limit and all(d.status == "failed" for d in recent):
            reason = f"the last {limit} scheduled posts failed (latest: {error})"
            await self.store.pause_channel(key, reason)
            log.warning("paused %s: %s", key, reason)


def _hours(span: timedelta) -> str:
    return f"{span.total_seconds() / 3600:g}-hour"
