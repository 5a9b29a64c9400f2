"""The Discord adapter end to end: raw INTERACTION_CREATE payloads go through discord.py's
own gateway parser into the command tree, and discord.py's HTTP calls go to the fake
Discord REST API on loopback, which records what it was sent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from adapters.discord.bot import DiscordAdapter
from bot.core.adapter import ChannelUnavailable
from bot.core.command import ChannelKey
from bot.core.message import Chart, Message, Section
from bot.core.repo_ref import RepoRef
from bot.core.settings import SettingsError, load_settings
from bot.core.store import Snapshot, Store
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.features.commands.usage import groups
from bot.testing.fake_discord import APPLICATION_ID, FakeDiscord, RateLimit
from tests.discord_payloads import (
    APPLICATION_COMMAND_AUTOCOMPLETE,
    BOB,
    CHANNEL_ID,
    GUILD_ID,
    MEMBER,
    command_interaction,
)
from tests.discord_support import (
    EPHEMERAL,
    IS_COMPONENTS_V2,
    components_of,
    discord_settings,
    embeds_of,
    interact,
    settle,
    shown_images,
    shown_text,
)
from tests.support import NOW, Clock

CHANNEL = ChannelKey("discord", str(GUILD_ID), str(CHANNEL_ID))
# Interaction callback types (Discord: Interaction Callback Type).
CHANNEL_MESSAGE_WITH_SOURCE = 4
DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE = 5
AUTOCOMPLETE_RESULT = 8
ERROR_COLOUR = 0xED4245


@pytest.fixture
async def api() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake


async def _started(api: FakeDiscord, store: Store, clock: Clock, **options: Any) -> DiscordAdapter:
    settings = discord_settings(api, **options.pop("settings", {}))
    router = Router(Context(store, settings, clock))
    adapter = DiscordAdapter(settings, router, store, clock=clock, **options)
    await adapter.start()
    return adapter


@pytest.fixture
async def adapter(api: FakeDiscord, store: Store, clock: Clock) -> AsyncIterator[DiscordAdapter]:
    started = await _started(api, store, clock)
    try:
        yield started
    finally:
        await settle()
        await started.close()


async def test_watch_add_answers_ephemerally_and_changes_the_list(
    adapter: DiscordAdapter, api: FakeDiscord, store: Store
) -> None:
    payload = command_interaction("watch", "add", repos="vllm-project/vllm, ollama/ollama")
    reply = await interact(adapter, api, payload)

    assert reply.path == f"/interactions/{payload['id']}/{payload['token']}/callback"
    assert reply.authorization is None  # interaction callbacks are authorised by the token
    assert reply.body["type"] == CHANNEL_MESSAGE_WITH_SOURCE
    assert reply.body["data"]["flags"] & EPHEMERAL
    assert reply.body["data"]["allowed_mentions"] == {"parse": []}
    [embed] = embeds_of(reply)
    assert embed["title"] == "Watch list updated"
    assert "vllm-project/vllm, ollama/ollama" in embed["description"]
    watched = [str(item.repo.ref) for item in await store.watch_list(CHANNEL)]
    assert watched == ["vllm-project/vllm", "ollama/ollama"]


async def test_watch_list_shows_the_channel_table(
    adapter: DiscordAdapter, api: FakeDiscord
) -> None:
    await interact(adapter, api, command_interaction("watch", "add", repos="a/one b/two"))
    reply = await interact(adapter, api, command_interaction("watch", "list"))

    [embed] = embeds_of(reply)
    assert embed["title"] == "Watch list: 2 of 100 repos"
    description = embed["description"]
    assert description.startswith("```\n#  repo")
    assert "1  a/one" in description
    assert "2  b/two" in description
    assert description.endswith("```")


async def test_repo_shows_figures_from_the_store(
    adapter: DiscordAdapter, api: FakeDiscord, store: Store
) -> None:
    ref = RepoRef.parse("acme/rocket")
    repo = await store.add_repo(ref, NOW)
    today = NOW.date()
    # 14 stars a day for the last 7 days and 7 a day the 7 before: 14.0 from 7.0 a day.
    counts = {today - timedelta(days=n): 14 if n <= 7 else 7 for n in range(1, 15)}
    await store.put_daily_stars(repo.id, counts, NOW)
    await store.add_snapshot(repo.id, Snapshot(NOW, 1234, 56))

    reply = await interact(adapter, api, command_interaction("repo", repo="acme/rocket"))

    embeds = embeds_of(reply)
    assert embeds[0]["title"] == "acme/rocket"
    fields = {f["name"]: f["value"] for e in embeds for f in e.get("fields", [])}
    assert fields["Stars"] == "1,234"
    assert fields["Forks"] == "56"
    assert fields["7-day velocity"].startswith("14.0")
    assert "prior 7.0" in fields["7-day velocity"]
    assert "Velocity is stars per day" in embeds[-1]["footer"]["text"]


async def test_a_member_without_manage_channels_is_refused(
    adapter: DiscordAdapter, api: FakeDiscord, store: Store
) -> None:
    payload = command_interaction("watch", "add", user=BOB, permissions=MEMBER, repos="a/b")
    reply = await interact(adapter, api, payload)

    [embed] = embeds_of(reply)
    assert embed["title"] == "You can't change this channel's watch list"
    assert embed["color"] == ERROR_COLOUR
    assert "members with Manage Channels" in embed["description"]
    assert await store.watch_list(CHANNEL) == []


async def test_direct_messages_are_told_where_watch_lists_live(
    adapter: DiscordAdapter, api: FakeDiscord
) -> None:
    reply = await interact(adapter, api, command_interaction("watch", "list", guild=False))
    [embed] = embeds_of(reply)
    assert embed["title"] == "Watch lists belong to server channels"
    assert reply.body["data"]["flags"] & EPHEMERAL

    help_reply = await interact(adapter, api, command_interaction("help", guild=False))
    assert embeds_of(help_reply)[0]["title"].startswith("Momentum")


async def test_autocomplete_offers_the_channels_repos(
    adapter: DiscordAdapter, api: FakeDiscord
) -> None:
    await interact(
        adapter, api, command_interaction("watch", "add", repos="ollama/ollama vllm-project/vllm")
    )
    payload = command_interaction(
        "watch", "remove", kind=APPLICATION_COMMAND_AUTOCOMPLETE, focused="repos",
        repos="ollama/ollama vl",
    )
    reply = await interact(adapter, api, payload)

    assert reply.body["type"] == AUTOCOMPLETE_RESULT
    assert reply.body["data"]["choices"] == [
        {"name": "ollama/ollama vllm-project/vllm", "value": "ollama/ollama vllm-project/vllm"}
    ]


async def test_a_slow_answer_is_deferred_then_edited(
    api: FakeDiscord, store: Store, clock: Clock
) -> None:
    adapter = await _started(api, store, clock, answer_within=0.0)
    try:
        payload = command_interaction("watch", "list")
        deferral = await interact(adapter, api, payload)
        edit = (await api.wait_for("edit_message"))[-1]
    finally:
        await settle()
        await adapter.close()

    assert deferral.body == {"type": DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, "data": {"flags": 64}}
    assert edit.path == f"/webhooks/{APPLICATION_ID}/{payload['token']}/messages/@original"
    assert edit.body["allowed_mentions"] == {"parse": []}
    assert embeds_of(edit)[0]["title"] == "This channel watches no repos yet"


async def test_commands_are_registered_only_when_they_change(
    api: FakeDiscord, store: Store, clock: Clock
) -> None:
    for _ in range(2):
        adapter = await _started(api, store, clock)
        await adapter.close()
    [sync] = api.calls_of("sync_global")
    [momentum] = sync.body
    assert momentum["name"] == "momentum"
    subcommands = {option["name"]: option for option in momentum["options"]}
    # Every command the core knows has its Discord subcommand.
    assert set(subcommands) == set(groups())
    watch = {option["name"] for option in subcommands["watch"]["options"]}
    assert watch == {"add", "remove", "list", "preset", "presets"}
    assert subcommands["repo"]["options"][0]["autocomplete"] is True
    topics = [choice["value"] for choice in subcommands["help"]["options"][0]["choices"]]
    assert topics == [*groups(), "figures"]

    guild_adapter = await _started(
        api, store, clock, settings={"DISCORD_GUILD_ID": str(GUILD_ID)}
    )
    await guild_adapter.close()
    [guild_sync] = api.calls_of("sync_guild")
    assert guild_sync.path == f"/applications/{APPLICATION_ID}/guilds/{GUILD_ID}/commands"


BRIEFING = Message(
    title="Weekly briefing",
    sections=(Section(text="Total velocity 41.0 stars/day"),),
    chart=Chart(b"\x89PNG fake", "Daily stars of the watch list", "velocity.png"),
    footnotes=("Days are UTC.",),
    audience="channel",
)


async def test_send_posts_a_components_v2_layout_with_the_chart(
    adapter: DiscordAdapter, api: FakeDiscord
) -> None:
    message_id = await adapter.send(CHANNEL, BRIEFING)

    [post] = api.calls_of("channel_message")
    assert post.status == 200  # the fake checked the layout against Discord's limits
    assert post.path == f"/channels/{CHANNEL_ID}/messages"
    assert message_id is not None
    assert message_id.isdigit()
    assert post.body["allowed_mentions"] == {"parse": []}
    assert post.body["flags"] == IS_COMPONENTS_V2
    assert "embeds" not in post.body
    assert not post.body.get("content")  # null, as discord.py sends it
    # One container: title, separator, text, separator, the chart, separator, footnote.
    assert [c["type"] for c in components_of(post)] == [17, 10, 14, 10, 14, 12, 14, 10]
    assert "Total velocity 41.0 stars/day" in shown_text(post)
    assert shown_images(post) == ["attachment://velocity.png"]
    [gallery] = [c for c in components_of(post) if c["type"] == 12]
    assert gallery["items"][0]["description"] == "Daily stars of the watch list"
    assert "Daily stars of the watch list" not in shown_text(post)
    [upload] = post.files
    assert (upload.filename, upload.data) == ("velocity.png", b"\x89PNG fake")


async def test_a_refused_layout_falls_back_to_embeds_at_once(
    adapter: DiscordAdapter, api: FakeDiscord
) -> None:
    api.refuse_components_v2()
    assert await adapter.send(CHANNEL, BRIEFING)
    refused, post = api.calls_of("channel_message")
    assert (refused.status, post.status) == (400, 200)
    assert refused.body["flags"] == IS_COMPONENTS_V2
    assert "flags" not in post.body
    [embed] = post.body["embeds"]
    assert embed["image"]["url"] == "attachment://velocity.png"
    assert post.body["allowed_mentions"] == {"parse": []}
    [upload] = post.files
    assert (upload.filename, upload.data) == ("velocity.png", b"\x89PNG fake")


async def test_an_answer_for_the_requester_stays_in_embeds(
    adapter: DiscordAdapter, api: FakeDiscord
) -> None:
    await adapter.send(CHANNEL, Message(title="Watch list", sections=(Section(text="a/b"),)))
    [post] = api.calls_of("channel_message")
    assert "flags" not in post.body
    assert post.body["embeds"][0]["title"] == "Watch list"


@pytest.mark.parametrize(("status", "reason"), [(403, "Missing Access"), (404, "Unknown Channel")])
async def test_send_to_a_closed_channel_raises_channel_unavailable(
    adapter: DiscordAdapter, api: FakeDiscord, status: int, reason: str
) -> None:
    api.close_channel(CHANNEL_ID, status)
    with pytest.raises(ChannelUnavailable) as raised:
        await adapter.send(CHANNEL, Message(title="Weekly briefing"))
    assert raised.value.channel == CHANNEL
    assert reason in raised.value.reason


async def test_a_rate_limited_post_is_retried_after_retry_after(
    adapter: DiscordAdapter, api: FakeDiscord
) -> None:
    api.rate_limit(RateLimit(f"/channels/{CHANNEL_ID}/messages", retry_after=0.05))
    assert await adapter.send(CHANNEL, Message(title="Weekly briefing"))
    assert [call.status for call in api.calls_of("channel_message")] == [429, 200]


async def test_briefing_is_posted_for_the_whole_channel(
    api: FakeDiscord, store: Store, clock: Clock
) -> None:
    # Briefings can be slow (a chart is drawn), so this one is deferred, then edited.
    adapter = await _started(api, store, clock, answer_within=0.0)
    try:
        await interact(adapter, api, command_interaction("watch", "add", repos="acme/rocket"))
        repo = await store.find_repo(RepoRef.parse("acme/rocket"))
        assert repo is not None
        today = NOW.date()
        counts = {today - timedelta(days=n): 14 if n <= 7 else 7 for n in range(1, 29)}
        await store.put_daily_stars(repo.id, counts, NOW)
        await store.add_snapshot(repo.id, Snapshot(NOW, 1234, 56))

        deferral = await interact(adapter, api, command_interaction("briefing"))
        edit = (await api.wait_for("edit_message", 2))[-1]
    finally:
        await settle()
        await adapter.close()

    # Not ephemeral: everyone in the channel sees the briefing.
    assert deferral.body == {"type": DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE}
    assert edit.body["allowed_mentions"] == {"parse": []}
    assert edit.status == 200
    assert edit.body["flags"] == IS_COMPONENTS_V2
    assert "acme/rocket" in shown_text(edit)
    # The chart travels as an attachment that the layout's gallery shows.
    [chart] = edit.files
    assert chart.data.startswith(b"\x89PNG")
    assert shown_images(edit) == [f"attachment://{chart.filename}"]


async def test_rest_and_gateway_urls_are_routed_while_running_and_restored_after(
    api: FakeDiscord, store: Store, clock: Clock
) -> None:
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    before = (Route.BASE, str(DiscordWebSocket.DEFAULT_GATEWAY))
    adapter = await _started(
        api, store, clock, settings={"DISCORD_GATEWAY_URL": "ws://127.0.0.1:9/gateway"}
    )
    try:
        assert api.api_url == Route.BASE
        assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:9/gateway"
        assert [call.kind for call in api.calls[:2]] == ["users_me", "application"]
        assert api.calls[0].authorization == "Bot test-token"
    finally:
        await adapter.close()
    assert (Route.BASE, str(DiscordWebSocket.DEFAULT_GATEWAY)) == before


def test_a_bad_gateway_url_is_refused_by_name() -> None:
    with pytest.raises(SettingsError, match="DISCORD_GATEWAY_URL"):
        load_settings(_env_file=None, DISCORD_GATEWAY_URL="https://gateway.discord.gg")
