"""Scheduled posts through the real store, with a clock the test moves."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.adapter import ChannelUnavailable, PostRateLimited
from bot.core.command import ChannelKey
from bot.core.message import Message
from bot.core.repo_ref import RepoRef
from bot.core.schedule import Schedule
from bot.core.store import ChannelRecord, ChannelSettings, Store
from bot.jobs.delivery import Deliverer, DeliveryPolicy
from storage.sqlite import SqliteStore
from tests.support import Clock

BERLIN = ChannelKey("slack", "T1", "BERLIN")  # weekly, Monday 09:00 Europe/Berlin
NEW_YORK = ChannelKey("slack", "T1", "NYC")  # daily, 08:30 America/New_York
TOKYO = ChannelKey("discord", "G1", "TOKYO")  # weekly, Friday 18:00 Asia/Tokyo


class TransientError(Exception):
    pass


@dataclass
class Poster:
    """A platform that records what it was asked to post and can be told to fail."""

    sent: list[tuple[ChannelKey, datetime]] = field(default_factory=list)
    failures: dict[ChannelKey, list[Exception]] = field(default_factory=dict)
    clock: Clock | None = None

    async def send(self, channel: ChannelKey, message: Message) -> str | None:
        queued = self.failures.get(channel)
        if queued:
            raise queued.pop(0)
        assert self.clock is not None
        self.sent.append((channel, self.clock.now))
        return f"msg-{len(self.sent)}"


async def compose(channel: ChannelRecord, as_of: date) -> Message:
    return Message(title=f"Briefing for {channel.key} as of {as_of}")


async def no_sleep(seconds: float) -> None:
    return None


def deliverer(store: Store, poster: Poster, clock: Clock, instance: str = "a") -> Deliverer:
    poster.clock = clock
    return Deliverer(
        store, {"slack": poster, "discord": poster}, compose, default_timezone="UTC",
        instance=instance, clock=clock, policy=DeliveryPolicy(), sleep=no_sleep,
    )


async def schedule(store: Store, key: ChannelKey, settings: ChannelSettings) -> None:
    added = datetime(2026, 3, 1, tzinfo=UTC)
    await store.add_to_watch_list(key, [RepoRef("a", "b")], "U1", added, cap=10)
    await store.save_channel_settings(key, settings)


@pytest.fixture
async def three_channels(store: Store) -> Store:
    await schedule(store, BERLIN, ChannelSettings(timezone="Europe/Berlin"))
    await schedule(store, NEW_YORK, ChannelSettings(timezone="America/New_York",
                                                    schedule="daily", schedule_time="08:30"))
    await schedule(store, TOKYO, ChannelSettings(timezone="Asia/Tokyo", schedule_weekday=4,
                                                 schedule_time="18:00"))
    return store


async def test_a_week_across_time_zones_and_a_dst_change(three_channels: Store) -> None:
    store = three_channels
    clock = Clock(datetime(2026, 3, 22, 12, tzinfo=UTC))
    poster = Poster()
    bot = deliverer(store, poster, clock)
    # Fire every channel at every minute any of them is due, as the scheduler would, and
    # a few times in between: only due periods post, each once.
    end = datetime(2026, 3, 31, tzinfo=UTC)
    moments: set[datetime] = set()
    for channel in await store.scheduled_channels():
        run = Schedule.of(channel.settings, "UTC").next_run(clock.now)
        while run is not None and run < end:
            moments |= {run, run + timedelta(minutes=1), run + timedelta(hours=5)}
            run = Schedule.of(channel.settings, "UTC").next_run(run)
    for moment in sorted(moments):
        clock.now = moment
        await bot.deliver_all(await store.scheduled_channels())

    sent = {key: [when for k, when in poster.sent if k == key]
            for key in (BERLIN, NEW_YORK, TOKYO)}
    # Berlin: Mon Mar 23 09:00 CET = 08:00 UTC; Mon Mar 30 09:00 CEST (DST from Mar 29) = 07:00.
    assert sent[BERLIN] == [
        datetime(2026, 3, 23, 8, tzinfo=UTC), datetime(2026, 3, 30, 7, tzinfo=UTC)
    ]
    # New York is on EDT (UTC-4) all week: 08:30 local = 12:30 UTC, Mar 22 through Mar 30.
    assert sent[NEW_YORK] == [datetime(2026, 3, d, 12, 30, tzinfo=UTC) for d in range(22, 31)]
    # Tokyo (UTC+9, no DST): Friday Mar 27 18:00 = 09:00 UTC.
    assert sent[TOKYO] == [datetime(2026, 3, 27, 9, tzinfo=UTC)]
    last = await store.get_delivery(BERLIN, "2026-W14")
    assert last is not None
    # In time order the posts were NY 22, Berlin 23, NY 23-26, Tokyo 27, NY 27-29, Berlin 30.
    assert (last.status, last.message_id) == ("done", "msg-11")


async def test_a_crash_between_claim_and_post_is_retried_once(three_channels: Store) -> None:
    store = three_channels
    due = datetime(2026, 3, 23, 8, tzinfo=UTC)  # Berlin's Monday briefing
    assert await store.claim_delivery(BERLIN, "2026-W13", "crashed-instance", due)
    channel = await store.get_channel(BERLIN)
    assert channel is not None
    poster = Poster()
    soon = deliverer(store, poster, Clock(due + timedelta(minutes=5)), "b")
    assert await soon.deliver_due(channel) == "taken"  # the claim might still be live
    restarted = deliverer(store, poster, Clock(due + timedelta(minutes=15)), "b")
    assert await restarted.deliver_due(channel) == "done"
    assert await restarted.deliver_due(channel) == "taken"
    assert [key for key, _ in poster.sent] == [BERLIN]
    delivery = await store.get_delivery(BERLIN, "2026-W13")
    assert delivery is not None
    assert (delivery.status, delivery.claimed_by) == ("done", "b")


async def test_missed_periods_are_caught_up_within_grace_or_skipped(three_channels: Store) -> None:
    store = three_channels
    poster = Poster()
    # Berlin was due Mar 23 08:00 UTC, Tokyo Mar 20 09:00 UTC, New York Mar 23 12:30 UTC.
    bot = deliverer(store, poster, Clock(datetime(2026, 3, 23, 19, tzinfo=UTC)))
    outcomes = await bot.catch_up()
    # Berlin 11 h late: within the 12-hour grace, posted. New York 6.5 h late: posted.
    # Tokyo's Friday post is 3 days old: skipped, and recorded as such.
    assert outcomes == {BERLIN: "done", NEW_YORK: "done", TOKYO: "skipped"}
    skipped = await store.get_delivery(TOKYO, "2026-W12")
    assert skipped is not None
    assert skipped.status == "skipped"
    assert skipped.error is not None
    assert "grace" in skipped.error
    assert sorted(key.channel for key, _ in poster.sent) == ["BERLIN", "NYC"]
    # A second start posts nothing again.
    assert set((await bot.catch_up()).values()) == {"taken"}


async def test_two_instances_on_one_database_post_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    first, second = await SqliteStore.open(path), await SqliteStore.open(path)
    try:
        await schedule(first, BERLIN, ChannelSettings(timezone="Europe/Berlin"))
        poster = Poster()
        clock = Clock(datetime(2026, 3, 23, 8, 0, 5, tzinfo=UTC))
        a, b = deliverer(first, poster, clock, "a"), deliverer(second, poster, clock, "b")
        channel = await first.get_channel(BERLIN)
        assert channel is not None
        outcomes = await asyncio.gather(*(bot.deliver_due(channel) for bot in (a, b, a, b)))
        assert sorted(outcomes) == ["done", "taken", "taken", "taken"]
        assert len(poster.sent) == 1
    finally:
        await first.close()
        await second.close()


async def test_transient_failures_are_retried_and_persistent_ones_pause(
    three_channels: Store,
) -> None:
    store = three_channels
    poster = Poster(failures={
        BERLIN: [TransientError("429 rate limited"), TransientError("502 bad gateway")],
    })
    clock = Clock(datetime(2026, 3, 23, 8, 1, tzinfo=UTC))
    bot = deliverer(store, poster, clock)
    berlin = await store.get_channel(BERLIN)
    assert berlin is not None
    assert await bot.deliver_due(berlin) == "done"  # third attempt

    # New York fails every day: after three failed periods in a row, it is paused.
    poster.failures[NEW_YORK] = [TransientError("500 server error")] * 9
    for day in (23, 24, 25):
        clock.now = datetime(2026, 3, day, 12, 31, tzinfo=UTC)
        nyc = await store.get_channel(NEW_YORK)
        assert nyc is not None
        assert nyc.paused_reason is None
        assert await bot.deliver_due(nyc) == "failed"
    nyc = await store.get_channel(NEW_YORK)
    assert nyc is not None
    assert nyc.paused_reason is not None
    assert "the last 3 scheduled posts failed" in nyc.paused_reason
    assert NEW_YORK not in {channel.key for channel in await store.scheduled_channels()}


async def test_a_channel_that_is_gone_is_paused_and_others_go_on(three_channels: Store) -> None:
    store = three_channels
    poster = Poster(failures={BERLIN: [ChannelUnavailable(BERLIN, "channel_not_found")]})
    clock = Clock(datetime(2026, 3, 23, 12, 31, tzinfo=UTC))
    bot = deliverer(store, poster, clock)
    outcomes = await bot.deliver_all(await store.scheduled_channels())
    assert outcomes[BERLIN] == "failed"
    assert outcomes[NEW_YORK] == "done"
    berlin = await store.get_channel(BERLIN)
    assert berlin is not None
    assert berlin.paused_reason == "channel_not_found"
    failed = await store.get_delivery(BERLIN, "2026-W13")
    assert failed is not None
    assert (failed.status, failed.error) == ("failed", "channel_not_found")



async def test_rate_limits_are_waited_out_not_counted_as_failures(three_channels: Store) -> None:
    store = three_channels
    # Five 429s are more than the three attempts a failure gets, but they are not failures.
    poster = Poster(failures={BERLIN: [PostRateLimited(2.0) for _ in range(5)]})
    clock = Clock(datetime(2026, 3, 23, 8, 1, tzinfo=UTC))
    bot = deliverer(store, poster, clock)
    berlin = await store.get_channel(BERLIN)
    assert berlin is not None
    assert await bot.deliver_due(berlin) == "done"
    assert [key for key, _ in poster.sent] == [BERLIN]

    # Waiting has a limit: half the 10-minute lease. 400 s twice is past it.
    poster.failures[NEW_YORK] = [PostRateLimited(400.0), PostRateLimited(400.0)]
    clock.now = datetime(2026, 3, 23, 12, 31, tzinfo=UTC)
    nyc = await store.get_channel(NEW_YORK)
    assert nyc is not None
    assert await bot.deliver_due(nyc) == "failed"
    failed = await store.get_delivery(NEW_YORK, "2026-03-23")
    assert failed is not None
    assert failed.error is not None
    assert "still rate limited" in failed.error
