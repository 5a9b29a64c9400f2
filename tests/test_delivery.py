"""Scheduled posts through the real store, with a clock the test moves."""

from __future__ import annotations

import asyncio
import socket
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from adapters.slack.app import SlackAdapter
from bot.core.adapter import ChannelUnavailable, PostRateLimited
from bot.core.command import ChannelKey
from bot.core.message import Message
from bot.core.repo_ref import RepoRef
from bot.core.schedule import Schedule
from bot.core.settings import Settings
from bot.core.store import ChannelRecord, ChannelSettings, Store
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.jobs.delivery import Deliverer, DeliveryPolicy
from bot.jobs.instance import Instance
from storage.sqlite import SqliteStore
from tests.support import Chat, Clock

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


async def test_an_adapter_not_started_spends_no_attempt_and_records_no_failure(
    three_channels: Store, settings: Settings
) -> None:
    store = three_channels
    # The real Slack adapter, built but not started (the issue: catch-up ran before it).
    adapter = SlackAdapter(
        settings.model_copy(update={"slack_signing_secret": SecretStr("s")}),
        Router(Context(store, settings)),
        store,
    )
    clock = Clock(datetime(2026, 3, 23, 8, 1, tzinfo=UTC))
    early = Deliverer(store, {"slack": adapter}, compose, default_timezone="UTC",
                      instance="early", clock=clock, sleep=no_sleep)
    berlin = await store.get_channel(BERLIN)
    assert berlin is not None
    assert await early.deliver_due(berlin) == "not started"
    left = await store.get_delivery(BERLIN, "2026-W13")
    assert left is not None
    assert (left.status, left.error) == ("claimed", None)
    # Once the lease has run out, an instance that can post takes the claim over: the
    # period still has all its attempts.
    poster = Poster()
    clock.now += timedelta(minutes=11)
    assert await deliverer(store, poster, clock, "later").take_over_stale() == {BERLIN: "done"}
    assert [key for key, _ in poster.sent] == [BERLIN]


async def test_a_restart_on_this_host_takes_over_its_predecessors_claims_at_once(
    three_channels: Store,
) -> None:
    store = three_channels
    due = datetime(2026, 3, 23, 8, tzinfo=UTC)  # Berlin's Monday briefing
    # A process that no longer exists claimed it and was killed before posting. The pid
    # of a process that has exited and been reaped: this test's child.
    child = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await child.wait()
    dead = Instance(Instance.this().place, child.pid)
    assert await store.claim_delivery(BERLIN, "2026-W13", str(dead), due)
    # Another container's claim, under the same host name, waits for its lease: its
    # process is not ours to see (its pid means nothing here).
    other_container = f"{socket.gethostname()}/4242:{child.pid}"
    # (New York's 08:30 EDT on Sunday Mar 22 = 12:30 UTC: its latest run at 08:01 UTC.)
    assert await store.claim_delivery(NEW_YORK, "2026-03-22", other_container, due)
    # So does another host's claim.
    assert await store.claim_delivery(TOKYO, "2026-W12", "elsewhere:1", due)
    poster = Poster()
    restarted = Deliverer(
        store, {"slack": poster, "discord": poster}, compose, default_timezone="UTC",
        instance=Instance.this(), clock=Clock(due + timedelta(minutes=1)), sleep=no_sleep,
    )
    poster.clock = Clock(due + timedelta(minutes=1))
    channels = await store.scheduled_channels()
    outcomes = await restarted.deliver_all(channels)
    assert outcomes == {BERLIN: "done", NEW_YORK: "taken", TOKYO: "taken"}
    berlin = await store.get_delivery(BERLIN, "2026-W13")
    assert berlin is not None
    assert (berlin.status, berlin.claimed_by) == ("done", str(Instance.this()))
    for key, period, claimer in ((NEW_YORK, "2026-03-22", other_container),
                                 (TOKYO, "2026-W12", "elsewhere:1")):
        left = await store.get_delivery(key, period)
        assert left is not None
        assert (left.status, left.claimed_by) == ("claimed", claimer)


async def test_no_period_is_owed_from_before_the_channel_or_its_schedule_existed(
    store: Store, settings: Settings
) -> None:
    # Tuesday Mar 24, 10:00 UTC. Ada's channel was made on Tuesday (the weekly default,
    # Monday 09:00); Bo's is older, and its schedule was set on Tuesday to daily 08:00.
    tuesday = datetime(2026, 3, 24, 10, tzinfo=UTC)
    ada, bo = ChannelKey("slack", "T1", "ADA"), ChannelKey("slack", "T1", "BO")
    await store.add_to_watch_list(ada, [RepoRef("a", "b")], "U1", tuesday - timedelta(hours=2),
                                  cap=10)
    await store.add_to_watch_list(bo, [RepoRef("a", "b")], "U1", datetime(2026, 3, 1, tzinfo=UTC),
                                  cap=10)
    clock = Clock(tuesday - timedelta(minutes=30))
    chat = Chat(Router(Context(store, settings, clock)), clock, channel=bo)
    await chat.say("/momentum schedule daily 08:00 UTC")  # at 09:30, after today's 08:00
    clock.now = tuesday
    poster = Poster()
    outcomes = await deliverer(store, poster, clock).catch_up()
    # Ada's last Monday 09:00 came before the channel: no "skipped" briefing. Bo's 08:00
    # today came before its schedule: not posted late.
    assert outcomes == {ada: "nothing due", bo: "nothing due"}
    assert poster.sent == []
    status = await chat.say("/momentum status", channel=ada)
    assert field(status, "Last briefing") == "none yet"
    # Bo's next one is tomorrow's 08:00, posted as usual.
    clock.now = datetime(2026, 3, 25, 8, 0, 5, tzinfo=UTC)
    assert await deliverer(store, poster, clock).catch_up() == {ada: "nothing due", bo: "done"}


async def test_a_skipped_briefing_reads_in_one_time_format(three_channels: Store,
                                                           settings: Settings) -> None:
    store = three_channels
    # Tokyo (Friday 18:00 Asia/Tokyo) was due Fri Mar 20, 18:00 local; the bot came back
    # on Mon Mar 23 at 19:00 UTC = Tue Mar 24, 04:00 in Tokyo: past the 12-hour grace.
    clock = Clock(datetime(2026, 3, 23, 19, tzinfo=UTC))
    assert (await deliverer(store, Poster(), clock).catch_up())[TOKYO] == "skipped"
    chat = Chat(Router(Context(store, settings, clock)), clock, channel=TOKYO)
    status = await chat.say("/momentum status")
    assert field(status, "Last briefing") == (
        "skipped, Tue Mar 24, 04:00 Asia/Tokyo: due Fri Mar 20, 18:00 Asia/Tokyo; no "
        "instance was running within the 12-hour grace time"
    )


def field(message: Message, label: str) -> str:
    return next(f.value for section in message.sections for f in section.fields
                if f.label == label)
