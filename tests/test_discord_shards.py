"""Discord shards split across processes: which process owns a guild, the client each
process runs, and scheduled briefings posted once each, by the process owning the guild.

Guild ids here are built from their creation time: a snowflake's bits above 22 are
milliseconds since Discord's epoch, so ``(id >> 22) % shards`` is that time modulo the
shard count, which the tests work out by hand.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import discord
import pytest

from adapters.discord.bot import DiscordAdapter
from adapters.discord.shards import ShardPlan, shard_of
from bot.clients.github import GitHubClient
from bot.collection.collector import collect
from bot.core.command import ChannelKey, Platform
from bot.core.message import Message
from bot.core.repo_ref import RepoRef
from bot.core.settings import Settings, SettingsError, load_settings
from bot.core.store import ChannelRecord, ChannelSettings, Store
from bot.features.alerts import pending_alerts
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.jobs.delivery import Deliverer, Poster
from bot.jobs.scheduler import BriefingScheduler
from bot.testing import FakeClock, FakeGitHub
from bot.testing.fake_discord import FakeDiscord
from storage.sqlite import SqliteStore
from tests.discord_payloads import command_interaction
from tests.discord_support import discord_settings, embeds_of, interact, settle, shown_text
from tests.github_support import TOKEN
from tests.support import CHANNEL, Chat, Clock

# Monday 2026-03-23, just after 09:00 UTC: every channel's default weekly briefing is due.
DUE = datetime(2026, 3, 23, 9, 0, 5, tzinfo=UTC)
PERIOD = "2026-W13"
# Created 300,000,000,000 ms (an even number) after Discord's epoch, plus k ms.
FIRST_MS = 300_000_000_000


def guild(created_ms: int) -> int:
    # The low 22 bits (worker, process, increment) play no part in the shard.
    return created_ms << 22 | 0x2A_0001


def channel(k: int) -> ChannelKey:
    return ChannelKey("discord", str(guild(FIRST_MS + k)), str(1_500_000_000_000_000_000 + k))


# Six guilds created 0..5 ms apart: with two shards, k even is shard 0 and k odd shard 1.
CHANNELS = [channel(k) for k in range(6)]


# -- the formula -------------------------------------------------------------------------


def test_a_guild_belongs_to_the_shard_of_its_creation_time() -> None:
    # serenity's documented example: guild 81384788765712384 with 17 shards is on shard 7.
    assert shard_of(81384788765712384, 17) == 7
    # 1,000,000,007 ms = 4 × 250,000,001 + 3.
    assert shard_of(guild(1_000_000_007), 4) == 3
    assert shard_of(guild(1_000_000_007), 1) == 0
    assert [shard_of(int(key.workspace), 2) for key in CHANNELS] == [0, 1, 0, 1, 0, 1]
    assert [shard_of(int(key.workspace), 3) for key in CHANNELS] == [0, 1, 2, 0, 1, 2]


def test_a_process_owns_the_guilds_of_its_shards() -> None:
    first, second = ShardPlan(2, (0,)), ShardPlan(2, (1,))
    assert [first.owns(key) for key in CHANNELS] == [True, False] * 3
    assert [second.owns(key) for key in CHANNELS] == [False, True] * 3
    everything = ShardPlan(2, None)
    assert all(everything.owns(key) for key in CHANNELS)
    assert ShardPlan().owns(CHANNELS[1])
    # Discord sends direct messages to shard 0 only; other platforms are never Discord's.
    direct = ChannelKey("discord", "@me", "1")
    assert first.owns(direct)
    assert not second.owns(direct)
    assert not everything.owns(ChannelKey("slack", "T1", "C1"))


# -- settings ----------------------------------------------------------------------------


def test_shard_ids_are_read_as_a_list_or_ranges() -> None:
    settings = load_settings(_env_file=None, DISCORD_SHARD_COUNT="16", DISCORD_SHARD_IDS="0-3, 8")
    assert settings.discord_shard_ids == (0, 1, 2, 3, 8)
    assert load_settings(_env_file=None).discord_shard_ids is None


@pytest.mark.parametrize(
    ("count", "ids", "expected"),
    [
        (None, "0,1", "DISCORD_SHARD_IDS='0,1' is invalid: needs DISCORD_SHARD_COUNT"),
        ("4", "1,4", "DISCORD_SHARD_IDS='1,4' is invalid: shards are numbered 0 to 3"),
        ("4", "one", "DISCORD_SHARD_IDS='one' is invalid: expected shard numbers"),
        ("4", "1,1", "DISCORD_SHARD_IDS='1,1' is invalid: names a shard twice"),
        ("4", "3-1", "DISCORD_SHARD_IDS='3-1' is invalid: names no shard"),
        ("0", "0", "DISCORD_SHARD_COUNT='0' is invalid"),
    ],
)
def test_bad_shard_ids_are_refused_in_one_line_by_name(
    count: str | None, ids: str, expected: str
) -> None:
    overrides: dict[str, object] = {"_env_file": None, "DISCORD_SHARD_IDS": ids}
    if count is not None:
        overrides["DISCORD_SHARD_COUNT"] = count
    with pytest.raises(SettingsError) as bad:
        load_settings(**overrides)
    assert str(bad.value).startswith(expected)
    assert "\n" not in str(bad.value)


# -- the client each process runs ----------------------------------------------------------


@pytest.fixture
async def api() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake


def _adapter(settings: Settings, store: Store, clock: Clock) -> DiscordAdapter:
    return DiscordAdapter(settings, Router(Context(store, settings, clock)), store, clock=clock)


async def test_a_process_identifies_only_its_shards_at_the_gateway_url(
    api: FakeDiscord, store: Store, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = discord_settings(
        api, DISCORD_SHARD_COUNT="4", DISCORD_SHARD_IDS="1,3",
        DISCORD_GATEWAY_URL=api.socket_url,
    )
    adapter = _adapter(settings, store, clock)
    client = adapter.client
    assert isinstance(client, discord.AutoShardedClient)
    assert (client.shard_count, client.shard_ids) == (4, [1, 3])

    async def at_once(shard_id: int | None, *, initial: bool = False) -> None:
        return None  # discord.py waits 5 s between identifies, for Discord's start limit

    monkeypatch.setattr(client, "before_identify_hook", at_once)
    await adapter.start()
    running = asyncio.create_task(client.connect())
    try:
        identified = await api.wait_for_identified(2)
    finally:
        await adapter.close()
        await asyncio.wait_for(running, 5)

    assert [payload["shard"] for payload in identified] == [[1, 4], [3, 4]]
    assert api.calls_of("gateway_bot") == []  # the count was given: nothing to ask


async def test_discords_recommendation_of_several_shards_is_followed(
    store: Store, clock: Clock
) -> None:
    async with FakeDiscord(shards=3) as api:
        adapter = _adapter(discord_settings(api), store, clock)
        assert not isinstance(adapter.client, discord.AutoShardedClient)
        await adapter.start()
        try:
            client = adapter.client
            assert isinstance(client, discord.AutoShardedClient)
            assert (client.shard_count, client.shard_ids) == (3, None)
            assert len(api.calls_of("users_me")) == 2  # the sharded client logs in anew
            assert all(adapter.owns(key) for key in CHANNELS)
            # The rebuilt client carries the commands, registered once.
            assert len(api.calls_of("sync_global")) == 1
            reply = await interact(adapter, api, command_interaction("watch", "list"))
            assert embeds_of(reply)[0]["title"] == "This channel watches no repos yet"
        finally:
            await settle()
            await adapter.close()


async def test_one_recommended_shard_keeps_the_plain_client(
    api: FakeDiscord, store: Store, clock: Clock
) -> None:
    adapter = _adapter(discord_settings(api), store, clock)
    await adapter.start()
    try:
        assert type(adapter.client) is discord.Client
        assert len(api.calls_of("gateway_bot")) == 1
        assert len(api.calls_of("users_me")) == 1
    finally:
        await adapter.close()


async def test_a_post_due_before_log_in_waits_for_it(
    api: FakeDiscord, store: Store, clock: Clock
) -> None:
    # At start the scheduler catches up on missed briefings while the adapter logs in.
    adapter = _adapter(discord_settings(api), store, clock)
    sending = asyncio.create_task(adapter.send(CHANNELS[0], Message(title="Weekly briefing")))
    await asyncio.sleep(0.05)
    assert not sending.done()
    await adapter.start()
    try:
        assert await asyncio.wait_for(sending, 5)
    finally:
        await adapter.close()
    [post] = api.calls_of("channel_message")
    assert post.authorization == "Bot test-token"


# -- scheduled briefings across processes ---------------------------------------------------


async def compose(channel: ChannelRecord, as_of: date) -> Message:
    return Message(title=f"Weekly briefing for {channel.key.channel}", audience="channel")


async def no_sleep(seconds: float) -> None:
    return None


def deliverer(
    store: Store, posters: Mapping[Platform, Poster], instance: str, clock: Clock
) -> Deliverer:
    return Deliverer(
        store, posters, compose, default_timezone="UTC", instance=instance, clock=clock,
        sleep=no_sleep,
    )


async def schedule_all(store: Store, keys: list[ChannelKey]) -> None:
    for key in keys:
        await store.add_to_watch_list(key, [RepoRef("a", "b")], "U1", DUE - timedelta(days=30),
                                      cap=10)
        await store.save_channel_settings(key, ChannelSettings(timezone="UTC"))


async def test_two_processes_post_each_briefing_once_by_its_shards_owner(
    api: FakeDiscord, tmp_path: Path
) -> None:
    clock = Clock(DUE)
    async with AsyncExitStack() as stack:
        stores: list[Store] = []
        adapters: list[DiscordAdapter] = []
        for shard in (0, 1):
            store = await SqliteStore.open(tmp_path / "shared.db")
            stack.push_async_callback(store.close)
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None, DISCORD_TOKEN=f"process-{shard}", DISCORD_API_URL=api.api_url,
                DISCORD_SHARD_COUNT="2", DISCORD_SHARD_IDS=str(shard),
            )
            adapter = _adapter(settings, store, clock)
            await adapter.start()
            # Closed last-started first: each puts back the REST base it found.
            stack.push_async_callback(adapter.close)
            stores.append(store)
            adapters.append(adapter)
        await schedule_all(stores[0], CHANNELS)
        processes = [
            deliverer(store, {"discord": adapter}, f"p{shard}", clock)
            for shard, (store, adapter) in enumerate(zip(stores, adapters, strict=True))
        ]

        outcomes = await asyncio.gather(*(process.catch_up() for process in processes))
        # Again, and a sweep for stale claims: nothing more is posted.
        again = await asyncio.gather(*(process.catch_up() for process in processes),
                                     *(process.take_over_stale() for process in processes))

        owner = {key: shard_of(int(key.workspace), 2) for key in CHANNELS}
        for shard in (0, 1):
            assert outcomes[shard] == {
                key: "done" if owner[key] == shard else "elsewhere" for key in CHANNELS
            }
        assert {outcome for round_ in again for outcome in round_.values()} <= {
            "taken", "elsewhere"
        }
        posts = api.calls_of("channel_message")
        assert sorted(post.path for post in posts) == sorted(
            f"/channels/{key.channel}/messages" for key in CHANNELS
        )
        by_channel = {post.path.split("/")[2]: post for post in posts}
        for key in CHANNELS:
            assert by_channel[key.channel].authorization == f"Bot process-{owner[key]}"
            assert f"Weekly briefing for {key.channel}" in shown_text(by_channel[key.channel])
            delivery = await stores[0].get_delivery(key, PERIOD)
            assert delivery is not None
            assert (delivery.status, delivery.claimed_by) == ("done", f"p{owner[key]}")


@dataclass
class Recorder:
    """A platform that records its posts and serves all its channels."""

    sent: list[ChannelKey] = field(default_factory=list)

    async def send(self, channel: ChannelKey, message: Message) -> str | None:
        self.sent.append(channel)
        return f"msg-{len(self.sent)}"


@dataclass
class ShardPoster(Recorder):
    """A Discord process without Discord: posts are recorded, ownership is the plan's."""

    plan: ShardPlan = field(default_factory=ShardPlan)

    def owns(self, channel: ChannelKey) -> bool:
        return self.plan.owns(channel)


async def test_a_dead_processs_claim_is_taken_over_only_by_an_owner_of_its_shard(
    store: Store,
) -> None:
    await schedule_all(store, CHANNELS[:2])
    # The process running shard 0 claimed its guild's briefing, then died.
    assert await store.claim_delivery(CHANNELS[0], PERIOD, "p0", DUE)
    later = Clock(DUE + timedelta(minutes=15))  # past the 10-minute lease
    other = ShardPoster(plan=ShardPlan(2, (1,)))
    restarted = ShardPoster(plan=ShardPlan(2, (0,)))

    assert await deliverer(store, {"discord": other}, "p1", later).take_over_stale() == {
        CHANNELS[0]: "elsewhere"
    }
    assert await deliverer(store, {"discord": restarted}, "p0-new", later).take_over_stale() == {
        CHANNELS[0]: "done"
    }
    assert (other.sent, restarted.sent) == ([], [CHANNELS[0]])


async def test_a_platform_this_instance_does_not_run_is_left_unclaimed(store: Store) -> None:
    slack = ChannelKey("slack", "T1", "C1")
    await schedule_all(store, [slack, CHANNELS[0]])
    poster = Recorder()
    outcomes = await deliverer(store, {"slack": poster}, "slack-1", Clock(DUE)).catch_up()
    assert outcomes == {slack: "done", CHANNELS[0]: "elsewhere"}
    # No claim and no failure recorded: the instance running Discord posts it.
    assert await store.get_delivery(CHANNELS[0], PERIOD) is None
    assert poster.sent == [slack]


async def test_the_scheduler_times_only_the_channels_this_process_owns(store: Store) -> None:
    await schedule_all(store, CHANNELS)
    poster = ShardPoster(plan=ShardPlan(2, (1,)))
    scheduler = BriefingScheduler(deliverer(store, {"discord": poster}, "p1", Clock(DUE)))
    await scheduler.start(paused=True)
    try:
        timed = [scheduler.next_fire(key) is not None for key in CHANNELS]
    finally:
        await scheduler.shutdown()
    assert timed == [False, True] * 3


async def test_alerts_for_a_platform_not_served_here_stay_unclaimed(
    tmp_path: Path, settings: Settings
) -> None:
    # The spike scenario of test_alerts: at T, s/spike spikes and passes 10,000 stars.
    from tests.test_alerts import REPOS, T, world

    store = await SqliteStore.open(tmp_path / "alerts.db")
    try:
        chat = Chat(Router(Context(store, settings, Clock(T))), Clock(T))
        await store.add_to_watch_list(CHANNEL, REPOS, "U_ALICE", T, cap=100)
        await chat.say_text("/momentum alerts on")
        await chat.say_text("/momentum alerts milestones on")
        clock = FakeClock(T)
        async with FakeGitHub(world(), clock=clock) as fake, GitHubClient(
            api_url=fake.url, graphql_url=fake.graphql_url, token=TOKEN, clock=clock,
            sleep=clock.sleep,
        ) as client:
            await collect(store, client, T)
        assert await pending_alerts(store, T, lambda key: False) == []
        # The spike and the milestone are still there for an instance that serves it.
        assert len(await pending_alerts(store, T)) == 2
    finally:
        await store.close()
