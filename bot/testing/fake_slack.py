"""A fake Slack Web API on 127.0.0.1, for tests, benchmarks and offline runs.

Serves ``/api/<method>`` as Slack does: GET query strings, form-encoded or JSON bodies, the
token as ``Authorization: Bearer …`` (or a ``token`` parameter), and every answer an HTTP 200
``{"ok": …}`` envelope except rate limits (HTTP 429 with ``Retry-After``). Methods:
``auth.test``, ``chat.postMessage``, ``chat.postEphemeral``, ``users.info``,
``conversations.info``, ``files.getUploadURLExternal`` (plus the upload URL it hands out)
and ``files.completeUploadExternal`` (a file completed without a channel stays private to
the token that uploaded it, which may show it in an ``image`` block), and
``oauth.v2.access`` for the install flow. ``chat.postMessage`` checks its blocks as Slack
does (:mod:`bot.testing.slack_blocks`) and answers ``invalid_blocks`` with the problems;
:meth:`FakeSlack.refuse_blocks` makes a workspace refuse newer block types. It
also receives what an app posts to a slash command's ``response_url``
(:meth:`FakeSlack.response_url` mints one).

    async with FakeSlack(admins={"U_ADMIN"}) as slack:
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
        slack.fail_channel("C_GONE", "channel_not_found")
        slack.rate_limit("chat.postMessage", retry_after=1)
        release = slack.hold("users.info")  # calls wait until release.set()
        slack.refuse_blocks("T_FAKE", "data_visualization", "data_table")

Every call is recorded in :attr:`FakeSlack.calls` (the method name, its merged parameters
and the token); :meth:`FakeSlack.wait_for` awaits calls that arrive after a reply was
acknowledged.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import collections
import itertools
import json
import math
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.testing.loopback import LoopbackServer
from bot.testing.slack_blocks import block_problems

JsonObject = dict[str, Any]
_Method = Callable[["Call"], Awaitable[JsonObject]]

CHANNEL_ERRORS = ("channel_not_found", "not_in_channel", "is_archived")


@dataclass(frozen=True, slots=True)
class Call:
    """One request: ``method`` is the Web API method (``response_url`` for replies and
    ``upload`` for file bytes); ``params`` merges the query string and the body."""

    method: str
    params: Mapping[str, Any]
    token: str | None = None
    body: bytes = b""
    path: str = ""


@dataclass
class Workspace:
    team_id: str
    bot_token: str
    bot_user_id: str = "U_BOT"
    team_name: str = "Fake Workspace"


@dataclass
class _RateLimit:
    retry_after: int
    times: int


@dataclass
class _Pace:
    per_channel_seconds: float
    workspace_per_second: float | None
    last_post: dict[str, float] = field(default_factory=dict)
    recent: dict[str, collections.deque[float]] = field(default_factory=dict)

    def admit(self, workspace: str, channel: str) -> float:
        """0 when a post may go now (and it is counted); else seconds to wait."""
        now = time.monotonic()
        since = now - self.last_post.get(channel, -math.inf)
        if since < self.per_channel_seconds:
            return self.per_channel_seconds - since
        if self.workspace_per_second is not None:
            window = self.recent.setdefault(workspace, collections.deque())
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= self.workspace_per_second:
                return 1.0 - (now - window[0])
            window.append(now)
        self.last_post[channel] = now
        return 0.0


@dataclass
class _Upload:
    filename: str
    length: int
    alt_txt: str | None
    token: str | None = None
    data: bytes | None = None
    completed: bool = False
    ready_at: float = 0.0


@dataclass
class FakeSlack(LoopbackServer):
    """``admins`` and ``owners`` are user ids whose ``users.info`` says ``is_admin`` /
    ``is_owner``; any other ``U…`` id is an ordinary member. ``workspaces`` adds teams
    (each with its own bot token) to the default one."""

    admins: set[str] = field(default_factory=set)
    owners: set[str] = field(default_factory=set)
    team_id: str = "T_FAKE"
    bot_token: str = "xoxb-fake-bot-token"
    workspaces: list[Workspace] = field(default_factory=list)
    client_id: str = "111.222"
    client_secret: str = "fake-client-secret"

    calls: list[Call] = field(default_factory=list, init=False)
    # The chat.postMessage calls that were accepted (answered ok), in order.
    posted: list[Call] = field(default_factory=list, init=False)
    files: dict[str, _Upload] = field(default_factory=dict, init=False)
    url: str = field(default="", init=False)

    def __post_init__(self) -> None:
        self.workspaces.insert(0, Workspace(self.team_id, self.bot_token))
        self._channel_errors: dict[str, str] = {}
        self._rate_limits: dict[str, _RateLimit] = {}
        self._holds: dict[str, asyncio.Event] = {}
        self._pace: _Pace | None = None
        self._oauth_codes: dict[str, Workspace] = {}
        self._refused: dict[str, frozenset[str]] = {}
        self._processing = 0.0
        self._ts = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner = None
        self._methods: dict[str, _Method] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "users.info": self._users_info,
            "conversations.info": self._conversations_info,
            "files.getUploadURLExternal": self._get_upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }

    @property
    def api_url(self) -> str:
        """The Web API base URL (``SLACK_API_URL``)."""
        return self.url + "/api/"

    # -- set-up --------------------------------------------------------------------------

    def fail_channel(self, channel: str, error: str | None) -> None:
        """Answer posts to ``channel`` with ``error`` (one of :data:`CHANNEL_ERRORS`);
        None makes it healthy again."""
        if error is None:
            self._channel_errors.pop(channel, None)
        else:
            self._channel_errors[channel] = error

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` get HTTP 429 with ``Retry-After``."""
        self._rate_limits[method] = _RateLimit(retry_after, times)

    def hold(self, method: str) -> asyncio.Event:
        """Calls of ``method`` are recorded, then wait until the returned event is set
        (a slow Slack, without a test waiting out real seconds)."""
        release = self._holds[method] = asyncio.Event()
        return release

    def pace_posts(
        self, *, per_channel_seconds: float = 1.0, workspace_per_second: float | None = None
    ) -> None:
        """Enforce Slack's posting limits on ``chat.postMessage``: one message per
        ``per_channel_seconds`` in a channel, and at most ``workspace_per_second`` across
        a workspace (over a one-second window); past either, HTTP 429 with Retry-After."""
        self._pace = _Pace(per_channel_seconds, workspace_per_second)

    def refuse_blocks(self, team_id: str, *types: str) -> None:
        """Posts in the workspace holding a block of these types get ``invalid_blocks``
        (a workspace where Slack has not rolled the block out); none: all taken again."""
        self._refused[team_id] = frozenset(types)

    def process_files(self, seconds: float) -> None:
        """A completed upload can be shown only ``seconds`` later (Slack completes uploads
        asynchronously; until then an image block naming the file is refused)."""
        self._processing = seconds

    def response_url(self, name: str = "") -> str:
        """A fresh URL to put in a slash command's ``response_url``."""
        return f"{self.url}/commands/{self.team_id}/{name or secrets.token_hex(6)}"

    def oauth_code(self, workspace: Workspace) -> str:
        """A one-time code that ``oauth.v2.access`` exchanges for ``workspace``'s token."""
        code = secrets.token_hex(8)
        self._oauth_codes[code] = workspace
        return code

    # -- inspection ----------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def replies_to(self, response_url: str) -> list[JsonObject]:
        """What the app posted to one ``response_url``, in order."""
        path = response_url.removeprefix(self.url)
        return [dict(c.params) for c in self.calls_to("response_url") if c.path == path]

    async def wait_for(self, method: str, count: int = 1, within: float = 5.0) -> list[Call]:
        """The first ``count`` calls to ``method``, waiting up to ``within`` seconds."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: len(self.calls_to(method)) >= count)
        return self.calls_to(method)[:count]

    # -- lifecycle -----------------------------------------------------------------------

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/api/oauth.v2.access", self._oauth_access)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/v1/{file_id}", self._upload)
        app.router.add_post("/commands/{team}/{name}", self._response_url)
        return app

    # -- transport -----------------------------------------------------------------------

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params = await _params(request)
        token = _bearer(request) or params.pop("token", None)
        call = Call(method, params, token)
        await self._record(call)
        held = self._holds.get(method)
        if held is not None:
            await held.wait()
        limit = self._rate_limits.get(method)
        if limit is not None and limit.times > 0:
            limit.times -= 1
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(limit.retry_after)},
            )
        if method == "chat.postMessage" and self._pace is not None:
            wait = self._pace.admit(token or "", str(params.get("channel", "")))
            if wait:
                return web.json_response(
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": str(max(1, math.ceil(wait)))},
                )
        handler = self._methods.get(method)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"}, status=404)
        if token is None:
            return web.json_response({"ok": False, "error": "not_authed"})
        if self._workspace(token) is None:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        return web.json_response(await handler(call))

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["file_id"]
        data = await request.read()
        await self._record(Call("upload", {"file_id": file_id}, None, data))
        upload = self.files.get(file_id)
        if upload is None:
            return web.Response(status=404, text="not found")
        upload.data = data
        return web.Response(text=f"OK - {len(data)}")

    async def _response_url(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        payload = json.loads(body) if body else {}
        await self._record(Call("response_url", payload, None, body, request.path))
        if not isinstance(payload, dict) or not (payload.get("text") or payload.get("blocks")):
            return web.Response(status=400, text="no_text")
        team = request.match_info["team"]
        problems = block_problems(
            payload.get("blocks"), payload.get("attachments"),
            # A reply through response_url carries no token that could show a private file.
            file_visible=lambda _: False, refused=self._refused.get(team, frozenset()),
        )
        if problems:
            return web.Response(status=400, text="invalid_blocks")
        return web.Response(text="ok")

    async def _oauth_access(self, request: web.Request) -> web.StreamResponse:
        params = await _params(request)
        await self._record(Call("oauth.v2.access", params, None))
        auth = request.headers.get("Authorization", "")
        client = (params.get("client_id"), params.get("client_secret"))
        if auth.startswith("Basic "):
            client = _basic(auth.removeprefix("Basic "))
        if client != (self.client_id, self.client_secret):
            return web.json_response({"ok": False, "error": "invalid_client_id"})
        workspace = self._oauth_codes.pop(str(params.get("code")), None)
        if workspace is None:
            return web.json_response({"ok": False, "error": "invalid_code"})
        if all(w.team_id != workspace.team_id for w in self.workspaces):
            self.workspaces.append(workspace)
        return web.json_response(
            {
                "ok": True,
                "app_id": "A_FAKE",
                "authed_user": {"id": "U_INSTALLER"},
                "scope": "commands,chat:write,users:read,files:write",
                "token_type": "bot",
                "access_token": workspace.bot_token,
                "bot_user_id": workspace.bot_user_id,
                "team": {"id": workspace.team_id, "name": workspace.team_name},
                "enterprise": None,
                "is_enterprise_install": False,
            }
        )

    # -- methods -------------------------------------------------------------------------

    def _workspace(self, token: str | None) -> Workspace | None:
        return next((w for w in self.workspaces if w.bot_token == token), None)

    async def _auth_test(self, call: Call) -> JsonObject:
        workspace = self._workspace(call.token)
        assert workspace is not None
        return {
            "ok": True,
            "url": f"https://{workspace.team_id.lower()}.slack.com/",
            "team": workspace.team_name,
            "user": "momentum",
            "team_id": workspace.team_id,
            "user_id": workspace.bot_user_id,
            "bot_id": "B_FAKE",
            "is_enterprise_install": False,
        }

    def _ts_now(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _channel_problem(self, channel: object) -> JsonObject | None:
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        error = self._channel_errors.get(str(channel))
        return {"ok": False, "error": error} if error else None

    async def _post_message(self, call: Call) -> JsonObject:
        channel = call.params.get("channel")
        problem = self._channel_problem(channel)
        if problem:
            return problem
        if not (call.params.get("text") or call.params.get("blocks")):
            return {"ok": False, "error": "no_text"}
        workspace = self._workspace(call.token)
        assert workspace is not None
        problems = block_problems(
            _json_field(call.params.get("blocks")),
            _json_field(call.params.get("attachments")),
            file_visible=lambda file_id: self._visible(file_id, call.token),
            refused=self._refused.get(workspace.team_id, frozenset()),
        )
        if problems:
            return {
                "ok": False,
                "error": "invalid_blocks",
                "errors": problems,
                "response_metadata": {"messages": [f"[ERROR] {p}" for p in problems]},
            }
        ts = self._ts_now()
        self.posted.append(call)
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "message": {"type": "message", "text": call.params.get("text", ""), "ts": ts},
        }

    async def _post_ephemeral(self, call: Call) -> JsonObject:
        problem = self._channel_problem(call.params.get("channel"))
        if problem:
            return problem
        if not call.params.get("user"):
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "message_ts": self._ts_now()}

    async def _users_info(self, call: Call) -> JsonObject:
        user = str(call.params.get("user", ""))
        if not user.startswith(("U", "W")):
            return {"ok": False, "error": "user_not_found"}
        workspace = self._workspace(call.token)
        assert workspace is not None
        return {
            "ok": True,
            "user": {
                "id": user,
                "team_id": workspace.team_id,
                "name": user.lower(),
                "deleted": False,
                "is_admin": user in self.admins or user in self.owners,
                "is_owner": user in self.owners,
                "is_primary_owner": False,
                "is_restricted": False,
                "is_bot": False,
            },
        }

    async def _conversations_info(self, call: Call) -> JsonObject:
        channel = call.params.get("channel")
        error = self._channel_errors.get(str(channel))
        if not channel or error == "channel_not_found":
            return {"ok": False, "error": "channel_not_found"}
        return {
            "ok": True,
            "channel": {
                "id": channel,
                "name": f"channel-{str(channel).lower()}",
                "is_channel": True,
                "is_archived": error == "is_archived",
                "is_member": error != "not_in_channel",
            },
        }

    async def _get_upload_url(self, call: Call) -> JsonObject:
        filename = call.params.get("filename")
        length = call.params.get("length")
        if not filename or not str(length or "").isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{secrets.token_hex(5).upper()}"
        alt = call.params.get("alt_txt") or call.params.get("alt_text")
        self.files[file_id] = _Upload(str(filename), int(str(length)), alt, call.token)
        return {"ok": True, "upload_url": f"{self.url}/upload/v1/{file_id}", "file_id": file_id}

    async def _complete_upload(self, call: Call) -> JsonObject:
        raw = call.params.get("files")
        try:
            entries = json.loads(raw) if isinstance(raw, str) else raw
        except json.JSONDecodeError:
            return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(entries, list) or not entries:
            return {"ok": False, "error": "invalid_arguments"}
        channel = call.params.get("channel_id")
        if channel:
            problem = self._channel_problem(channel)
            if problem:
                return problem
        shared = []
        for entry in entries:
            upload = self.files.get(str(entry.get("id")))
            if upload is None or upload.data is None or upload.token != call.token:
                return {"ok": False, "error": "file_not_found"}
            upload.completed = True
            upload.ready_at = time.monotonic() + self._processing
            shared.append(
                {
                    "id": entry["id"],
                    "name": upload.filename,
                    "title": entry.get("title") or upload.filename,
                    "size": len(upload.data),
                    "alt_txt": upload.alt_txt,
                    "channels": [channel] if channel else [],
                }
            )
        return {"ok": True, "files": shared}


    def _visible(self, file_id: str, token: str | None) -> bool:
        upload = self.files.get(file_id)
        return (
            upload is not None
            and upload.completed
            and upload.token == token
            and time.monotonic() >= upload.ready_at
        )


def _json_field(value: object) -> object:
    """A form-encoded call sends blocks as a JSON string; a JSON call, as the array."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


async def _params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return params
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
    else:
        params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    return params


def _basic(encoded: str) -> tuple[str | None, str | None]:
    try:
        login, _, password = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    return login, password


def _bearer(request: web.Request) -> str | None:
    auth = request.headers.get("Authorization", "")
    return auth.removeprefix("Bearer ").strip() or None if auth.startswith("Bearer ") else None
