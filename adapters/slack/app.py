"""The Slack adapter: ``/momentum`` over Socket Mode or HTTP, and posts to channels.

Socket Mode when ``SLACK_APP_TOKEN`` is set (no public URL needed); otherwise HTTP mode on
``PORT``, where :mod:`adapters.slack.edge` checks each request's signature with
``SLACK_SIGNING_SECRET`` before anything parses it and answers 401 to anything unsigned,
tampered or replayed.

With ``SLACK_BOT_TOKEN`` alone the app serves the one workspace that ``auth.test`` names
for the token and refuses commands from any other; with OAuth it serves the workspaces
installed in the store.

A slash command is acknowledged first, with an empty 200 (Slack shows the user an error
after 3 s), and answered afterwards through its ``response_url`` by one of a few answer
workers fed from a queue: however many commands arrive at once, only that many answers
compete with the next ack for the event loop. ``close`` lets queued answers finish.

``app_uninstalled`` and ``tokens_revoked`` (Events API) forget the workspace's
installation and pause its channels' schedules, saying why.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from functools import partial
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import web_client, webhook_client
from adapters.slack.edge import EVENTS_PATH, SlackEdge, bolt_logger
from adapters.slack.installations import SignedOAuthStates, StoreInstallationStore
from adapters.slack.managers import ManagerCache
from adapters.slack.post import BlockSupport, post_message
from adapters.slack.render import DATA_VISUALIZATION
from adapters.slack.translate import COMMAND_NAME, command_from, response_payload
from bot.core.adapter import ChannelUnavailable, NotStarted, PostRateLimited
from bot.core.command import ChannelKey, Platform
from bot.core.message import Message
from bot.core.pacing import Pacer
from bot.core.settings import Settings, SettingsError
from bot.core.store import Store
from bot.features.commands import Router

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# What the app asks for when installed (keep in step with manifest.yml).
BOT_SCOPES = ("commands", "chat:write", "users:read", "files:write")
# Errors that mean the bot can no longer post in a channel, as opposed to a passing fault.
CHANNEL_GONE = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
# How long close() lets in-flight answers finish before cancelling them.
DRAIN_SECONDS = 5.0
# Posts are spaced a little under SLACK_POSTS_PER_SECOND: a post that reaches Slack late
# would otherwise arrive with the next one inside the same second.
PACE_HEADROOM = 0.98
# Answers running at once. Against a real Slack each answer mostly waits on the network
# (users.info, the response_url POST), so enough must run to keep answers flowing; with
# no limit a burst puts hundreds of answers' callbacks between the loop and the next ack
# (benchmarks/slack_commands.py: p99 ack about twice that of 2 to 16 workers).
ANSWER_WORKERS = 16
# Commands acknowledged but not yet answered. Past this the ack itself says the bot is
# busy, rather than promising an answer that would come minutes late.
ANSWER_BACKLOG = 5_000
BUSY_TEXT = "Momentum is busy right now; please try again in a minute."
# Why a workspace's channels stopped getting briefings (shown by /momentum status).
UNINSTALLED_REASON = "app_uninstalled: Momentum was removed from this workspace"
REVOKED_REASON = "tokens_revoked: Momentum's bot token was revoked"
# What a command from a workspace Momentum does not serve is answered with.
FOREIGN_WORKSPACE_TEXT = (
    "Momentum answers only in the Slack workspace it was set up for, and could not "
    "confirm that this is it; nothing was changed."
)
NOT_INSTALLED_TEXT = (
    "Momentum is not installed in this workspace; an admin can install it from its "
    "install page. Nothing was changed."
)


class SlackAdapter:
    """Implements :class:`bot.core.adapter.Adapter` for one Slack app (one workspace with
    ``SLACK_BOT_TOKEN``, or any number installed through OAuth with
    ``SLACK_CLIENT_ID``/``SLACK_CLIENT_SECRET``, their tokens kept in ``store``)."""

    name: Platform = "slack"

    def __init__(
        self,
        settings: Settings,
        router: Router,
        store: Store,
        *,
        host: str = "0.0.0.0",
        answer_workers: int = ANSWER_WORKERS,
        answer_backlog: int = ANSWER_BACKLOG,
    ) -> None:
        self._app_token = settings.slack_app_token
        self.mode = "socket" if self._app_token is not None else "http"
        secret = settings.slack_signing_secret
        if self.mode == "http" and secret is None:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is required in HTTP mode (set it, or set "
                "SLACK_APP_TOKEN for Socket Mode)"
            )
        self._signing_secret = secret.get_secret_value() if secret else ""
        self._settings = settings
        self._router = router
        self._store = store
        self._oauth: tuple[str, str] | None = None
        client_id, client_secret = settings.slack_client_id, settings.slack_client_secret
        if client_id is not None and client_secret is not None:
            self._oauth = (client_id, client_secret.get_secret_value())
        self._installations = StoreInstallationStore(store) if self._oauth else None
        if self._oauth and settings.slack_bot_token is not None:
            log.warning(
                "Slack: SLACK_BOT_TOKEN is not used: with SLACK_CLIENT_ID and "
                "SLACK_CLIENT_SECRET each workspace's token comes from its installation"
            )
        self._host = host
        self._pacer = Pacer(settings.slack_posts_per_second * PACE_HEADROOM)
        self._managers = ManagerCache()
        self._blocks = BlockSupport(store)
        self._answer_workers = answer_workers
        self._answers: asyncio.Queue[tuple[dict[str, Any], AsyncWebClient]] = asyncio.Queue(
            maxsize=answer_backlog
        )
        self._workers: list[asyncio.Task[None]] = []
        self._authorized: AuthorizeResult | None = None
        self._org_wide = False
        self._authorizing = asyncio.Lock()
        self._closed = asyncio.Event()
        self._session: aiohttp.ClientSession | None = None
        self._client: AsyncWebClient | None = None
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self.app: AsyncApp | None = None
        self.edge: SlackEdge | None = None
        self.port: int | None = None

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Connects (Socket Mode) or starts serving (HTTP mode); returns once ready."""
        self._session = aiohttp.ClientSession()
        token = self._settings.slack_bot_token
        self._client = web_client(
            self._settings.slack_api_url,
            token.get_secret_value() if token and self._installations is None else None,
            self._session,
        )
        # The app's own client carries no token: Bolt hands each listener a copy holding
        # the token that authorize() found for the request's workspace.
        self.app = self._build_app(web_client(self._settings.slack_api_url, None, self._session))
        if self._installations is None:
            try:
                await self._authorize_one_workspace()
            except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
                # Not fatal: the first command tries again, and says what is wrong.
                log.warning("Slack: auth.test failed at start: %s", exc)
        self._workers = [
            asyncio.create_task(self._answer_worker(), name=f"slack-answer-{n}")
            for n in range(self._answer_workers)
        ]
        if self._app_token is not None:
            self._socket = AsyncSocketModeHandler(self.app, self._app_token.get_secret_value())
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
            log.info("Slack: connected in Socket Mode")
            return
        self.edge = SlackEdge(self.app, self._signing_secret)
        self._runner = web.AppRunner(self.edge.web_app(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._settings.port).start()
        self.port = int(self._runner.addresses[0][1])
        log.info("Slack: serving %s on %s:%s", EVENTS_PATH, self._host, self.port)

    async def serve(self) -> None:
        await self._closed.wait()

    async def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.drain()
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def drain(self, within: float = DRAIN_SECONDS) -> None:
        """Waits until every acknowledged command is answered, for ``within`` seconds at
        most (``close`` then drops what is left)."""
        try:
            await asyncio.wait_for(self._answers.join(), within)
        except TimeoutError:
            log.warning("Slack: %d answers still queued after %g s", self._answers.qsize(), within)

    # -- Bolt ----------------------------------------------------------------------------

    def _build_app(self, client: AsyncWebClient) -> AsyncApp:
        oauth = None
        if self._oauth is not None:
            client_id, client_secret = self._oauth
            oauth = AsyncOAuthSettings(
                client_id=client_id,
                client_secret=client_secret,
                scopes=list(BOT_SCOPES),
                installation_store=self._installations,
                installation_store_bot_only=True,
                state_store=SignedOAuthStates(client_secret),
                install_path=INSTALL_PATH,
                redirect_uri_path=REDIRECT_PATH,
                # slack.com/api/ → slack.com/oauth/v2/authorize (GovSlack: slack-gov.com)
                authorization_url=self._settings.slack_api_url.removesuffix("api/")
                + "oauth/v2/authorize",
            )

        async def authorize(
            enterprise_id: str | None, team_id: str | None
        ) -> AuthorizeResult | None:
            # A plain function: Bolt fills a bound method's ``self`` in as an argument.
            # A signed request from another workspace (an app distributed by mistake, a
            # shared channel) must not borrow this workspace's token, nor open a channel
            # record whose access policy nobody here chose: Bolt answers it with
            # FOREIGN_WORKSPACE_TEXT instead.
            authorized = await self._authorize_one_workspace()
            return authorized if self._serves(enterprise_id, team_id) else None

        app = AsyncApp(
            client=client,
            # HTTP requests are verified by the edge before Bolt parses them; Socket Mode
            # is authenticated by the app token instead.
            request_verification_enabled=False,
            oauth_settings=oauth,
            installation_store=self._installations,
            installation_store_bot_only=True,
            # Bolt's hint leaves out the None its contract allows ("not this workspace").
            authorize=authorize if self._installations is None else None,  # type: ignore[arg-type]
            # Our listener queues the work and acks, so Bolt can send the ack as soon as
            # the listener returns instead of polling for it. Event listeners finish
            # their (short) work first, so a failure answers 500 and Slack retries.
            process_before_response=True,
            logger=bolt_logger(),
            user_facing_authorize_error_message=(
                NOT_INSTALLED_TEXT if self._installations is not None else FOREIGN_WORKSPACE_TEXT
            ),
        )
        app.command(COMMAND_NAME)(self._on_command)
        app.event("app_uninstalled")(self._on_app_uninstalled)
        app.event("tokens_revoked")(self._on_tokens_revoked)
        return app

    async def _authorize_one_workspace(self) -> AuthorizeResult:
        # With a bare token Bolt calls auth.test for every request until one has answered,
        # so the first burst of commands each waits on a call of its own; one shared call,
        # made at start and remembered, serves them all.
        async with self._authorizing:
            if self._authorized is None:
                if self._client is None:
                    raise RuntimeError("the Slack adapter is not started")
                response = await self._client.auth_test()
                self._authorized = AuthorizeResult.from_auth_test_response(
                    auth_test_response=response, bot_token=self._client.token
                )
                self._org_wide = bool(response.get("is_enterprise_install"))
        return self._authorized

    def _serves(self, enterprise_id: str | None, team_id: str | None) -> bool:
        """Whether a request comes from the one workspace the token is for (an org-wide
        Enterprise Grid token: from its organisation)."""
        authorized = self._authorized
        if authorized is None:
            return False
        if self._org_wide:
            return enterprise_id is not None and enterprise_id == authorized.enterprise_id
        return team_id is not None and team_id == authorized.team_id

    async def _on_command(
        self, ack: Callable[..., Awaitable[Any]], body: Mapping[str, Any], client: AsyncWebClient
    ) -> None:
        try:
            self._answers.put_nowait((dict(body), client))
        except asyncio.QueueFull:
            log.warning("Slack: %d answers queued; turning a command away", self._answers.qsize())
            await ack(text=BUSY_TEXT)
            return
        await ack()

    async def _answer_worker(self) -> None:
        while True:
            body, client = await self._answers.get()
            try:
                await self._answer(body, client)
            finally:
                self._answers.task_done()

    async def _answer(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        try:
            can_manage = await self._managers.can_manage(
                client, str(body["team_id"]), str(body["user_id"])
            )
            command = command_from(body, can_manage=can_manage)
            answered = asyncio.Event()
            response_url = str(body["response_url"])
            team = str(body["team_id"])

            async def reply_later(message: Message) -> None:
                await answered.wait()  # a second answer never overtakes the first
                await self._respond(response_url, message, team)

            try:
                message = await self._router.handle(replace(command, reply_later=reply_later))
                if not await self._post_with_chart(client, body, message):
                    await self._respond(response_url, message, team)
            finally:
                answered.set()
        except Exception:
            log.exception("answering %s in %s failed", COMMAND_NAME, body.get("channel_id"))

    async def _post_with_chart(
        self, client: AsyncWebClient, body: dict[str, Any], message: Message
    ) -> bool:
        """Posts a channel message with a chart as the bot, as a response_url cannot carry
        a file; False when it is not such a message or the bot cannot post there."""
        if message.audience != "channel" or message.chart is None:
            return False
        try:
            await post_message(
                client, str(body["channel_id"]), message,
                workspace=str(body["team_id"]), support=self._blocks,
            )
        except SlackApiError as exc:
            if exc.response.get("error") not in CHANNEL_GONE:
                raise
            return False
        return True

    async def _respond(self, response_url: str, message: Message, workspace: str) -> None:
        hook = webhook_client(response_url, self._session)
        # Only the chart may be native here: answers' tables stay the table block.
        native = frozenset({DATA_VISUALIZATION}) - await self._blocks.refused(workspace)
        payload = response_payload(message, native=native)
        response = await hook.send_dict(payload)
        drawn = any(block["type"] == DATA_VISUALIZATION for block in payload["blocks"])
        if drawn and response.status_code != 200 and "invalid_blocks" in response.body:
            await self._blocks.refuse(workspace, frozenset({DATA_VISUALIZATION}))
            response = await hook.send_dict(response_payload(message))
        if response.status_code != 200:
            log.warning(
                "response_url answered %s: %s", response.status_code, response.body[:200]
            )

    # -- uninstalls ----------------------------------------------------------------------

    async def _on_app_uninstalled(self, body: Mapping[str, Any]) -> None:
        await self._forget_workspace(body, UNINSTALLED_REASON)

    async def _on_tokens_revoked(self, body: Mapping[str, Any], event: Mapping[str, Any]) -> None:
        # ``tokens`` lists user ids by kind; the app asks for no user (``oauth``) tokens, so
        # only a revoked bot token stops it.
        tokens = event.get("tokens") or {}
        if tokens.get("bot"):
            await self._forget_workspace(body, REVOKED_REASON)

    async def _forget_workspace(self, body: Mapping[str, Any], reason: str) -> None:
        team = str(body["team_id"])
        if self._installations is not None:
            await self._installations.async_delete_bot(
                enterprise_id=body.get("enterprise_id") or None, team_id=team
            )
        # Slack sends both events on an uninstall, in either order: the uninstall is the
        # truer reason, while any other pause (an archived channel) says more than either.
        replaceable = {None, REVOKED_REASON} if reason == UNINSTALLED_REASON else {None}
        store = self._store
        paused = 0
        for channel in await store.workspace_channels("slack", team):
            if channel.paused_reason in replaceable and channel.paused_reason != reason:
                await store.pause_channel(channel.key, reason)
                paused += 1
        log.warning("Slack: %s (workspace %s); paused %d channels", reason, team, paused)

    # -- unprompted posts ----------------------------------------------------------------

    async def send(self, channel: ChannelKey, message: Message) -> str | None:
        client = await self._client_for(channel)
        try:
            posted = await post_message(
                client, channel.channel, message, workspace=channel.workspace,
                support=self._blocks,
                pace=partial(self._pacer.wait, channel.workspace, channel.channel),
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
            if error in CHANNEL_GONE:
                raise ChannelUnavailable(channel, error) from exc
            if exc.response.status_code == 429:
                # The client's own retries ran out: the deliverer waits and tries again.
                retry_after = exc.response.headers.get("Retry-After", ["1"])
                raise PostRateLimited(float(_first(retry_after))) from exc
            raise
        ts = posted.get("ts")
        return str(ts) if ts else None

    async def _client_for(self, channel: ChannelKey) -> AsyncWebClient:
        if self._client is None:
            raise NotStarted("the Slack adapter is not started")
        if self._installations is None:
            # Channels recorded from another workspace before commands were refused
            # there: this workspace's token must not post to them.
            authorized = await self._authorize_one_workspace()
            if not self._org_wide and channel.workspace != authorized.team_id:
                raise ChannelUnavailable(channel, "not_this_workspace")
            return self._client
        bot = await self._installations.async_find_bot(
            enterprise_id=None, team_id=channel.workspace
        )
        if bot is None or not bot.bot_token:
            raise ChannelUnavailable(channel, "app_uninstalled")
        return web_client(self._settings.slack_api_url, bot.bot_token, self._session)


def _first(header: str | list[str]) -> str:
    # slack_sdk hands headers over as lists of values.
    return header[0] if isinstance(header, list) else header
