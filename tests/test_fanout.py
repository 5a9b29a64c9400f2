"""Many channels due at once, through the real Slack adapter, into a fake Slack that
enforces one message per second per channel and a workspace-wide rate with 429s."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime

from adapters.slack.app import SlackAdapter
from bot.core.command import ChannelKey
from bot.core.message import Message
from bot.core.pacing import Pacer
from bot.core.repo_ref import RepoRef
from bot.core.settings import Settings
from bot.core.store import ChannelRecord, Store
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.jobs.delivery import Deliverer, DeliveryPolicy
from bot.testing.fake_slack import FakeSlack

DUE = datetime(2026, 4, 13, 9, 0, 30, tzinfo=UTC)  # just after Monday 09:00 UTC
ADDED = datetime(2026, 4, 6, tzinfo=UTC)  # the channels' lists, a week before


async def compose(channel: ChannelRecord, as_of: date) -> Message:
    return Message(title=f"Briefing for {channel.key.channel} as of {as_of}")


@asynccontextmanager
async def started_adapter(store: Store, slack: FakeSlack) -> AsyncIterator[SlackAdapter]:
    """The real Slack adapter on ``slack``, its own pacer set far above the fake's limits
    (the fake's 429s, where a test sets them, do the pacing)."""
    settings = Settings(
        _env_file=None, SLACK_BOT_TOKEN=slack.bot_token, SLACK_SIGNING_SECRET="s",
        SLACK_API_URL=slack.api_url, PORT=0, SLACK_POSTS_PER_SECOND=1000,
    )
    adapter = SlackAdapter(settings, Router(Context(store, settings)), store, host="127.0.0.1")
    await adapter.start()
    try:
        yield adapter
    finally:
        await adapter.close()


async def test_a_burst_of_due_channels_is_paced_not_lost(store: Store) -> None:
    async with FakeSlack() as slack:
        # 24 channels against 10 messages a second, the app's pacer set far above that:
        # at least 14 posts must be refused with a 429 and retried.
        slack.pace_posts(per_channel_seconds=1.0, workspace_per_second=10)
        keys = [ChannelKey("slack", slack.team_id, f"C{n:02d}") for n in range(24)]
        for key in keys:
            await store.add_to_watch_list(key, [RepoRef("a", "b")], "U1", ADDED, cap=10)
        async with started_adapter(store, slack) as adapter:
            deliverer = Deliverer(store, {"slack": adapter}, compose, default_timezone="UTC",
                                  instance="t", clock=lambda: DUE)
            outcomes = await deliverer.deliver_all(await store.scheduled_channels())
    assert set(outcomes.values()) == {"done"}
    received = Counter(call.params["channel"] for call in slack.posted)
    assert received == Counter({key.channel: 1 for key in keys})
    refused = len(slack.calls_to("chat.postMessage")) - len(slack.posted)
    assert refused >= 24 - 10
    for key in keys:
        delivery = await store.get_delivery(key, "2026-W16")
        assert delivery is not None
        assert delivery.status == "done"


class Sleeps:
    """A clock that stands still but for the pacer's own sleeps, which it records."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


async def test_the_pacer_spaces_a_workspaces_posts_and_a_channels() -> None:
    time = Sleeps()
    pacer = Pacer(4, channel_seconds=1.0, clock=time.clock, sleep=time.sleep)
    # 4 a second: 0.25 s apart. Three channels of T1 at once start at +0, +0.25, +0.5; T2
    # has a pace of its own and starts at once; C1 again waits out its second (+1.0).
    for workspace, channel in (("T1", "C1"), ("T1", "C2"), ("T1", "C3"), ("T2", "C1"),
                               ("T1", "C1")):
        await pacer.wait(workspace, channel)
    assert time.slept == [0.25, 0.5, 1.0]
    # 2 s later every spacing has run out: the next post goes at once.
    time.now += 2
    await pacer.wait("T1", "C1")
    assert time.slept == [0.25, 0.5, 1.0]


Deliver = Callable[[Deliverer, list[ChannelKey]], Awaitable[Mapping[ChannelKey, str]]]


async def posted_in_order(store: Store, deliver: Deliver) -> list[str]:
    """Six channels alternating between two lists (C0 A, C1 B, C2 A, ...), delivered one
    post at a time by ``deliver``: the channels in the order they were posted to."""
    async with FakeSlack() as slack:
        keys = [ChannelKey("slack", slack.team_id, f"C{n}") for n in range(6)]
        for n, key in enumerate(keys):
            repo = RepoRef("org", "a" if n % 2 == 0 else "b")
            await store.add_to_watch_list(key, [repo], "U1", ADDED, cap=10)
        async with started_adapter(store, slack) as adapter:
            deliverer = Deliverer(store, {"slack": adapter}, compose, default_timezone="UTC",
                                  instance="t", clock=lambda: DUE,
                                  policy=DeliveryPolicy(concurrency=1, composing=1))
            outcomes = await deliver(deliverer, keys)
    assert len(outcomes) == 6
    assert set(outcomes.values()) == {"done"}
    return [str(call.params["channel"]) for call in slack.posted]


async def test_channels_watching_the_same_list_are_posted_one_after_another(
    store: Store,
) -> None:
    """The three of list A come first in their own order, then the three of B, so a
    list's briefing is composed once and its posts follow each other."""

    async def catch_up(deliverer: Deliverer, keys: list[ChannelKey]) -> Mapping[ChannelKey, str]:
        return await deliverer.deliver_all(await store.scheduled_channels())

    assert await posted_in_order(store, catch_up) == ["C0", "C2", "C4", "C1", "C3", "C5"]


async def test_channels_whose_time_comes_together_are_posted_list_by_list(
    store: Store,
) -> None:
    """Their jobs fire at once, C1 (list B) first: B's three are posted, then A's; each
    job learns its own channel's outcome."""

    async def fire_at_once(
        deliverer: Deliverer, keys: list[ChannelKey]
    ) -> Mapping[ChannelKey, str]:
        fired = [keys[n] for n in (1, 0, 3, 2, 5, 4)]
        outcomes = await asyncio.gather(*(deliverer.fire(key) for key in fired))
        return dict(zip(fired, outcomes, strict=True))

    assert await posted_in_order(store, fire_at_once) == ["C1", "C3", "C5", "C0", "C2", "C4"]


async def test_a_gathered_batch_stopped_while_it_waits_loses_no_channel(store: Store) -> None:
    """The first job to fire is cancelled (a shutdown) while it gathers the others: the
    jobs that joined it are cancelled too and nothing is posted or claimed, so the next
    start's catch-up posts every channel, once. A job cancelled on its own does not
    stop the batch: its channel is posted with the rest."""
    # The batch gathers for a whole second, so a loaded machine still cancels it in time.
    async with FakeSlack() as slack:
        keys = [ChannelKey("slack", slack.team_id, f"C{n}") for n in range(4)]
        for key in keys:
            await store.add_to_watch_list(key, [RepoRef("org", "a")], "U1", ADDED, cap=10)
        async with started_adapter(store, slack) as adapter:
            deliverer = Deliverer(store, {"slack": adapter}, compose, default_timezone="UTC",
                                  instance="t", clock=lambda: DUE,
                                  policy=DeliveryPolicy(gather_seconds=1.0))
            first = asyncio.create_task(deliverer.fire(keys[0]))
            await asyncio.sleep(0.01)
            joined = [asyncio.create_task(deliverer.fire(key)) for key in keys[1:3]]
            await asyncio.sleep(0.05)
            first.cancel()
            stopped = await asyncio.gather(first, *joined, return_exceptions=True)
            assert all(isinstance(result, asyncio.CancelledError) for result in stopped)
            assert slack.posted == []
            assert [await store.get_delivery(key, "2026-W16") for key in keys] == [None] * 4

            # Next, C3 leads and C1 joins and is cancelled on its own: both are posted.
            lead = asyncio.create_task(deliverer.fire(keys[3]))
            await asyncio.sleep(0.01)
            quitter = asyncio.create_task(deliverer.fire(keys[1]))
            await asyncio.sleep(0.05)
            quitter.cancel()
            assert await lead == "done"
            assert sorted(call.params["channel"] for call in slack.posted) == ["C1", "C3"]
            # The catch-up posts the two never posted, C0 and C2, and finds the others'
            # weeks taken (done), so none is posted twice.
            outcomes = await deliverer.deliver_all(await store.scheduled_channels())
    assert {key.channel: outcomes.get(key) for key in keys} == {
        "C0": "done", "C1": "taken", "C2": "done", "C3": "taken"
    }
    assert Counter(call.params["channel"] for call in slack.posted) == Counter(
        {key.channel: 1 for key in keys}
    )
