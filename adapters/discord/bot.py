"""The Discord adapter: a discord.py client whose ``/momentum`` commands reach the core.

    adapter = DiscordAdapter(settings, router, store)
    await adapter.start()     # log in, register commands if they changed
    await adapter.serve()     # connect to the gateway

Interactions arrive on the gateway; discord.py parses them into the command tree, whose
handlers (``commands.py``) translate options into a ``Command`` (``translate.py``), ask
the router, and answer with rendered embeds (``reply.py``, ``render.py``).

With ``DISCORD_SHARD_COUNT``, or when Discord recommends more than one shard, the client
is an ``AutoShardedClient``; ``DISCORD_SHARD_IDS`` runs some of the shards here and the
rest in other processes, each posting the scheduled briefings of its own shards' guilds
(``owns``, ``shards.py``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.commands import Choices, momentum_group
from adapters.discord.reply import (
    ANSWER_WITHIN,
    NO_MENTIONS,
    answer,
    follow_up,
    reply_now,
    with_fallback,
)
from adapters.discord.shards import ShardPlan
from adapters.discord.sync import sync_if_changed
from adapters.discord.translate import DM_REFUSAL, channel_key, direct_message_command, to_command
from bot.core.adapter import ChannelUnavailable, NotStarted
from bot.core.command import ChannelKey, Platform
from bot.core.message import Audience, Message
from bot.core.settings import Settings
from bot.core.store import Store
from bot.features.commands import Router
from bot.features.commands.context import utc_now

log = logging.getLogger(__name__)

# Discord caps autocomplete at 25 choices of at most 100 characters.
MAX_CHOICES = 25
MAX_CHOICE_CHARS = 100
# Scheduled posts can come due (catch-up at start) before log-in has finished.
LOGIN_WAIT = 60.0


class DiscordAdapter:
    name: Platform = "discord"

    def __init__(
        self,
        settings: Settings,
        router: Router,
        store: Store,
        *,
        clock: Callable[[], datetime] = utc_now,
        answer_within: float = ANSWER_WITHIN,
    ) -> None:
        if settings.discord_token is None:
            raise ValueError("the Discord adapter needs DISCORD_TOKEN")
        self._settings = settings
        self._token = settings.discord_token.get_secret_value()
        self._router = router
        self._store = store
        self._clock = clock
        self._answer_within = answer_within
        self._routed_from: tuple[str, yarl.URL] | None = None
        self._plan = ShardPlan.from_settings(settings)
        self._guild = (
            discord.Object(settings.discord_guild_id) if settings.discord_guild_id else None
        )
        self.client, self.tree = self._build(self._plan)
        self._logged_in = asyncio.Event()

    def owns(self, channel: ChannelKey) -> bool:
        """Whether this process's shards receive the channel's guild: other processes,
        running the other shards, post the briefings of the rest."""
        return self._plan.owns(channel)

    async def start(self) -> None:
        """Logs in over REST and registers the commands if they changed; no gateway yet."""
        self._route_to(self._settings)
        await self.client.login(self._token)
        if self._plan.count is None:
            await self._shard_if_recommended()
        self._logged_in.set()
        if await sync_if_changed(self.tree, self._store, self._guild, self._clock()):
            where = f"guild {self._guild.id}" if self._guild else "every guild (global)"
            log.info("registered the /momentum commands for %s", where)

    async def serve(self) -> None:
        await self.client.connect(reconnect=True)

    async def send(self, channel: ChannelKey, message: Message) -> str | None:
        try:
            # The client may still be logging in, or be replaced by a sharded one.
            await asyncio.wait_for(self._logged_in.wait(), LOGIN_WAIT)
        except TimeoutError:
            raise NotStarted("not logged in to Discord yet") from None
        target = self.client.get_partial_messageable(int(channel.channel))
        try:
            sent = await with_fallback(
                message,
                lambda shown: target.send(
                    view=shown.view, files=shown.files, allowed_mentions=NO_MENTIONS
                ),
                lambda rendered: target.send(
                    embeds=rendered.embeds, files=rendered.files, allowed_mentions=NO_MENTIONS
                ),
            )
        except (discord.Forbidden, discord.NotFound) as exc:
            raise ChannelUnavailable(channel, f"{exc.status} {exc.text} ({exc.code})") from exc
        return str(sent.id)

    async def close(self) -> None:
        await self.client.close()
        self._restore_routes()

    # -- interactions ---------------------------------------------------------------------

    async def _respond(
        self,
        interaction: discord.Interaction,
        text: str,
        *,
        audience: Audience = "requester",
        in_direct_messages: bool = False,
    ) -> None:
        command = to_command(interaction, text)
        if command is None:
            if not in_direct_messages:
                await reply_now(interaction, DM_REFUSAL)
                return
            command = direct_message_command(interaction, text)
        answered = asyncio.Event()

        async def reply_later(message: Message) -> None:
            await answered.wait()  # a follow-up before the first answer would be refused
            await follow_up(interaction, message)

        try:
            await answer(
                interaction,
                self._router.handle(replace(command, reply_later=reply_later)),
                audience=audience,
                within=self._answer_within,
            )
        finally:
            answered.set()

    async def _suggest(self, interaction: discord.Interaction, current: str) -> Choices:
        """Repo names from the channel's watch list, completing the last name typed."""
        channel = channel_key(interaction)
        if channel is None:
            return []
        typed = current.replace(",", " ").split()
        partial = "" if current.endswith((" ", ",")) or not typed else typed.pop()
        before = " ".join(typed)
        chosen = {name.lower() for name in typed}
        choices: Choices = []
        for item in await self._store.watch_list(channel):
            name = str(item.repo.ref)
            if name.lower() in chosen or partial.lower() not in name.lower():
                continue
            value = f"{before} {name}".strip()
            if len(value) <= MAX_CHOICE_CHARS:
                choices.append(app_commands.Choice(name=value, value=value))
            if len(choices) == MAX_CHOICES:
                break
        return choices

    # -- shards ---------------------------------------------------------------------------

    def _build(
        self, plan: ShardPlan
    ) -> tuple[discord.Client, app_commands.CommandTree[discord.Client]]:
        client = _client(plan)
        tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(client)
        tree.add_command(momentum_group(self._respond, self._suggest), guild=self._guild)
        return client, tree

    async def _shard_if_recommended(self) -> None:
        # Discord closes the gateway (4011) for a bot in 2,500 guilds without shards, and
        # recommends more than one shard from about 1,000. The count is passed on rather
        # than left to AutoShardedClient, which would otherwise connect to the URL
        # /gateway/bot names instead of DISCORD_GATEWAY_URL.
        recommended, _, _ = await self.client.http.get_bot_gateway()
        if recommended <= 1:
            return
        log.info("Discord recommends %d shards: running them all in this process", recommended)
        await self.client.close()
        self._plan = ShardPlan(count=recommended)
        self.client, self.tree = self._build(self._plan)
        await self.client.login(self._token)

    # -- where REST and gateway calls go ---------------------------------------------------

    def _route_to(self, settings: Settings) -> None:
        # discord.py reads both from class attributes, so they apply process-wide; they are
        # put back on close so a test (or a second adapter) starts from the defaults.
        if self._routed_from is None:
            self._routed_from = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
        Route.BASE = settings.discord_api_url
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)

    def _restore_routes(self) -> None:
        if self._routed_from is not None:
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = self._routed_from
            self._routed_from = None


def _client(plan: ShardPlan) -> discord.Client:
    intents = discord.Intents.default()
    if plan.count is not None and plan.ids is not None:
        return discord.AutoShardedClient(
            intents=intents,
            shard_count=plan.count,
            shard_ids=list(plan.ids),
            allowed_mentions=NO_MENTIONS,
        )
    if plan.count is not None:
        return discord.AutoShardedClient(
            intents=intents, shard_count=plan.count, allowed_mentions=NO_MENTIONS
        )
    return discord.Client(intents=intents, allowed_mentions=NO_MENTIONS)
