"""A fake Discord REST API on 127.0.0.1, answering the calls discord.py makes for Momentum.

It serves log-in (``GET /users/@me``, ``/oauth2/applications/@me``), ``/gateway/bot``,
command registration (``PUT /applications/{app}/commands`` and the guild form),
interaction callbacks (``POST /interactions/{id}/{token}/callback``), follow-ups and edits
of the original response (``/webhooks/{app}/{token}…``) and channel posts
(``POST /channels/{id}/messages``, JSON or multipart with files). Every call is recorded
in :attr:`FakeDiscord.calls`, with its JSON body (a multipart's ``payload_json``) and
files. A channel can be made to answer 403 Missing Access or 404 Unknown Channel, and
any route to answer 429 with ``retry_after``, the way Discord does. A message flagged
``IS_COMPONENTS_V2`` is checked as Discord checks it (:mod:`bot.testing.discord_components`)
and answered 400 Invalid Form Body when it breaks a limit, or always after
:meth:`FakeDiscord.refuse_components_v2`.

A gateway socket at :attr:`FakeDiscord.socket_url` (for ``DISCORD_GATEWAY_URL``) says
HELLO and records each IDENTIFY in :attr:`FakeDiscord.identified`: which shards connected.
It sends no events; tests feed those to discord.py's parsers.

    async with FakeDiscord() as discord_api:
        settings = load_settings(DISCORD_API_URL=discord_api.api_url, DISCORD_TOKEN="x")

Only aiohttp is used, so the core's test helpers never import discord.
"""

from __future__ import annotations

import asyncio
import fnmatch
import itertools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web

from bot.testing.discord_components import is_v2, v2_problems
from bot.testing.loopback import LoopbackServer

API_PREFIX = "/api/v10"
SOCKET_PATH = "/gateway-socket"
# Gateway opcodes (Discord: Gateway Opcodes).
IDENTIFY = 2
HELLO = 10
APPLICATION_ID = 1300000000000000001
BOT_USER_ID = 1300000000000000002
# Discord's JSON error codes for the two ways a channel is closed to a bot.
MISSING_ACCESS = {"message": "Missing Access", "code": 50001}
UNKNOWN_CHANNEL = {"message": "Unknown Channel", "code": 10003}

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class Upload:
    name: str
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Call:
    """One request the fake received. ``kind`` names the endpoint (see ``_ROUTES``)."""

    kind: str
    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: tuple[Upload, ...] = ()
    authorization: str | None = None
    status: int = 0
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class RateLimit:
    """The next ``times`` requests whose path (after ``/api/v10``) matches the shell
    pattern ``path`` get 429 with ``retry_after`` seconds, as Discord sends it."""

    path: str
    retry_after: float = 0.05
    times: int = 1
    is_global: bool = False


class FakeDiscord(LoopbackServer):
    def __init__(
        self,
        *,
        application_id: int = APPLICATION_ID,
        bot_user_id: int = BOT_USER_ID,
        gateway_url: str = "wss://gateway.discord.gg",
        shards: int = 1,
    ) -> None:
        self.application_id = application_id
        self.bot_user_id = bot_user_id
        self.gateway_url = gateway_url
        # What /gateway/bot recommends; Discord asks for about one shard per 1,000 guilds.
        self.shards = shards
        self.calls: list[Call] = []
        # The "d" of every IDENTIFY the gateway socket received, in order.
        self.identified: list[dict[str, Any]] = []
        # Registered commands by guild id (None: global), as the last bulk overwrite left them.
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self._closed_channels: dict[int, int] = {}
        self._rate_limits: list[RateLimit] = []
        self._refuse_v2 = False
        self._ids = itertools.count(1400000000000000000)
        self._changed = asyncio.Condition()

    @property
    def api_url(self) -> str:
        """What ``DISCORD_API_URL`` (discord.py's ``Route.BASE``) should be."""
        return self.url + API_PREFIX

    @property
    def socket_url(self) -> str:
        """What ``DISCORD_GATEWAY_URL`` should be for the fake gateway socket."""
        return self.url.replace("http://", "ws://", 1) + SOCKET_PATH

    # -- lifecycle ------------------------------------------------------------------------

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        for method, path, kind, handler in self._routes():
            app.router.add_route(method, API_PREFIX + path, handler, name=kind)
        app.router.add_get(SOCKET_PATH, self._socket, name="gateway_socket")
        return app

    # -- knobs and questions --------------------------------------------------------------

    def close_channel(self, channel_id: int, status: int = 403) -> None:
        """Posts to the channel answer 403 Missing Access or 404 Unknown Channel."""
        if status not in (403, 404):
            raise ValueError("a closed channel answers 403 or 404")
        self._closed_channels[channel_id] = status

    def refuse_components_v2(self, refuse: bool = True) -> None:
        """Every Components V2 message gets 400 (as from a Discord that rejects it)."""
        self._refuse_v2 = refuse

    def _v2_refusal(self, call: Call, body: Any) -> web.Response | None:
        if not isinstance(body, dict) or not is_v2(body):
            return None
        problems = v2_problems(body, [upload.filename for upload in call.files])
        if self._refuse_v2:
            problems.append("components: Components V2 is not available here")
        if not problems:
            return None
        return _json(
            {"message": "Invalid Form Body", "code": 50035, "errors": {"_errors": problems}},
            status=400,
        )

    def rate_limit(self, *limits: RateLimit) -> None:
        self._rate_limits.extend(limits)

    def calls_of(self, kind: str) -> list[Call]:
        return [call for call in self.calls if call.kind == kind]

    async def wait_for_identified(self, count: int, *, within: float = 5.0) -> list[dict[str, Any]]:
        """The IDENTIFY payloads, once at least ``count`` shards have identified."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.identified) >= count), within
            )
        return list(self.identified)

    async def wait_for(self, kind: str, count: int = 1, *, within: float = 5.0) -> list[Call]:
        """The calls of a kind, once at least ``count`` of them have been answered."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.calls_of(kind)) >= count), within
            )
        return self.calls_of(kind)

    # -- plumbing -------------------------------------------------------------------------

    def _routes(self) -> list[tuple[str, str, str, _Handler]]:
        app = "/applications/{app_id:[0-9]+}"
        hook = "/webhooks/{app_id:[0-9]+}/{token}"
        return [
            ("GET", "/users/@me", "users_me", self._users_me),
            ("GET", "/oauth2/applications/@me", "application", self._application),
            ("GET", "/gateway", "gateway", self._gateway),
            ("GET", "/gateway/bot", "gateway_bot", self._gateway),
            ("PUT", app + "/commands", "sync_global", self._sync),
            ("GET", app + "/commands", "fetch_global", self._fetch_commands),
            ("PUT", app + "/guilds/{guild_id:[0-9]+}/commands", "sync_guild", self._sync),
            ("GET", app + "/guilds/{guild_id:[0-9]+}/commands", "fetch_guild",
             self._fetch_commands),
            ("POST", "/interactions/{interaction_id:[0-9]+}/{token}/callback", "callback",
             self._callback),
            ("POST", hook, "followup", self._followup),
            ("GET", hook + "/messages/{message_id}", "get_message", self._webhook_message),
            ("PATCH", hook + "/messages/{message_id}", "edit_message", self._webhook_message),
            ("DELETE", hook + "/messages/{message_id}", "delete_message", self._no_content),
            ("POST", "/channels/{channel_id:[0-9]+}/messages", "channel_message",
             self._channel_message),
        ]

    @web.middleware
    async def _middleware(self, request: web.Request, handler: _Handler) -> web.StreamResponse:
        body, files = await _read_body(request)
        route = request.match_info.route
        call = Call(
            kind=route.name or "unknown",
            method=request.method,
            path=request.path.removeprefix(API_PREFIX),
            query=dict(request.query),
            body=body,
            files=files,
            authorization=request.headers.get("Authorization"),
            params=dict(request.match_info),
        )
        request["call"] = call
        limited = self._take_rate_limit(call.path)
        response = _rate_limited(limited) if limited else await handler(request)
        async with self._changed:
            self.calls.append(replace(call, status=response.status))
            self._changed.notify_all()
        return response

    def _take_rate_limit(self, path: str) -> RateLimit | None:
        for limit in self._rate_limits:
            if limit.times > 0 and fnmatch.fnmatchcase(path, limit.path):
                limit.times -= 1
                return limit
        return None

    def _user(self) -> dict[str, Any]:
        return {
            "id": str(self.bot_user_id),
            "username": "Momentum",
            "global_name": None,
            "discriminator": "0",
            "avatar": None,
            "bot": True,
            "flags": 0,
        }

    def _message(self, call: Call, channel_id: str) -> dict[str, Any]:
        body = call.body if isinstance(call.body, dict) else {}
        attachments = [
            {
                "id": str(next(self._ids)),
                "filename": upload.filename,
                "size": len(upload.data),
                "url": f"https://cdn.discordapp.invalid/{upload.filename}",
                "proxy_url": f"https://media.discordapp.invalid/{upload.filename}",
                "content_type": upload.content_type,
            }
            for upload in call.files
        ]
        return {
            "id": str(next(self._ids)),
            "channel_id": channel_id,
            "author": self._user(),
            "content": body.get("content") or "",
            "timestamp": datetime.now(UTC).isoformat(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": attachments,
            "embeds": body.get("embeds") or [],
            "pinned": False,
            "type": 0,
            "flags": body.get("flags") or 0,
            "components": [],
        }

    # -- handlers -------------------------------------------------------------------------

    async def _users_me(self, request: web.Request) -> web.Response:
        if not request.headers.get("Authorization", "").startswith("Bot "):
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        return _json(self._user())

    async def _application(self, request: web.Request) -> web.Response:
        return _json(
            {
                "id": str(self.application_id),
                "name": "Momentum",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": {**self._user(), "id": "1300000000000000003", "bot": False},
                "verify_key": "0" * 64,
                "flags": 0,
            }
        )

    async def _gateway(self, request: web.Request) -> web.Response:
        return _json(
            {
                "url": self.gateway_url,
                "shards": self.shards,
                "session_start_limit": {
                    "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1
                },
            }
        )

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        # A heartbeat interval longer than any test, so no heartbeat needs answering.
        await socket.send_json({"op": HELLO, "d": {"heartbeat_interval": 600_000}})
        async for frame in socket:
            if frame.type is not WSMsgType.TEXT:
                continue
            sent = json.loads(frame.data)
            if sent.get("op") == IDENTIFY:
                async with self._changed:
                    self.identified.append(sent["d"])
                    self._changed.notify_all()
        return socket

    async def _sync(self, request: web.Request) -> web.Response:
        call: Call = request["call"]
        guild = call.params.get("guild_id")
        registered = [
            {
                **command,
                "id": str(next(self._ids)),
                "application_id": str(self.application_id),
                "version": str(next(self._ids)),
                "default_member_permissions": command.get("default_member_permissions"),
                **({"guild_id": guild} if guild else {}),
            }
            for command in (call.body or [])
        ]
        self.commands[int(guild) if guild else None] = registered
        return _json(registered)

    async def _fetch_commands(self, request: web.Request) -> web.Response:
        guild = request.match_info.get("guild_id")
        return _json(self.commands.get(int(guild) if guild else None, []))

    async def _callback(self, request: web.Request) -> web.Response:
        call: Call = request["call"]
        body = call.body if isinstance(call.body, dict) else {}
        kind = int(body.get("type", 0))
        data = body.get("data") or {}
        if (refused := self._v2_refusal(call, data)) is not None:
            return refused
        if request.query.get("with_response") not in ("1", "true"):
            return web.Response(status=204)
        interaction: dict[str, Any] = {"id": call.params["interaction_id"], "type": 2}
        resource: dict[str, Any] = {"type": kind}
        # 4: a message now; 5: "thinking…", a message edited later.
        if kind in (4, 5):
            message = self._message(replace(call, body=data), "0")
            interaction.update(
                response_message_id=message["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=bool(int(data.get("flags") or 0) & 64),
            )
            resource["message"] = message
        return _json({"interaction": interaction, "resource": resource})

    async def _followup(self, request: web.Request) -> web.Response:
        if (refused := self._v2_refusal(request["call"], request["call"].body)) is not None:
            return refused
        if request.query.get("wait") not in ("1", "true"):
            return web.Response(status=204)
        return _json(self._message(request["call"], "0"))

    async def _webhook_message(self, request: web.Request) -> web.Response:
        if (refused := self._v2_refusal(request["call"], request["call"].body)) is not None:
            return refused
        return _json(self._message(request["call"], "0"))

    async def _no_content(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def _channel_message(self, request: web.Request) -> web.Response:
        channel_id = request.match_info["channel_id"]
        closed = self._closed_channels.get(int(channel_id))
        if closed == 403:
            return _json(MISSING_ACCESS, status=403)
        if closed == 404:
            return _json(UNKNOWN_CHANNEL, status=404)
        if (refused := self._v2_refusal(request["call"], request["call"].body)) is not None:
            return refused
        return _json(self._message(request["call"], channel_id))


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py parses a body as JSON only when Content-Type is exactly application/json
    # (no charset), as Discord sends it.
    return web.Response(
        body=json.dumps(body).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def _rate_limited(limit: RateLimit) -> web.Response:
    headers = {
        "Retry-After": str(max(1, round(limit.retry_after))),
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset-After": f"{limit.retry_after:.3f}",
        "X-RateLimit-Bucket": "fake-bucket",
        "X-RateLimit-Scope": "global" if limit.is_global else "user",
        # discord.py reads a 429 without Via as a Cloudflare ban rather than a rate limit.
        "Via": "1.1 google",
    }
    if limit.is_global:
        headers["X-RateLimit-Global"] = "true"
    body = {
        "message": "You are being rate limited.",
        "retry_after": limit.retry_after,
        "global": limit.is_global,
    }
    return _json(body, status=429, headers=headers)


async def _read_body(request: web.Request) -> tuple[Any, tuple[Upload, ...]]:
    if request.content_type.startswith("multipart/"):
        payload: Any = None
        files: list[Upload] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            data = await part.read()
            name = part.name or ""
            if name == "payload_json":
                payload = json.loads(data)
            else:
                files.append(
                    Upload(
                        name,
                        part.filename or "",
                        part.headers.get("Content-Type", "application/octet-stream"),
                        bytes(data),
                    )
                )
        return payload, tuple(files)
    raw = await request.read()
    if not raw:
        return None, ()
    try:
        return json.loads(raw), ()
    except ValueError:
        return raw.decode(errors="replace"), ()
