"""HTTP mode's one door: Slack's requests in, Bolt's answers out.

Everything here runs before Bolt parses a byte, because that is where Bolt is weakest
against strangers: it parses the body before checking the signature (an unsigned body
that is not JSON, or a timestamp that is not a number, ended in HTTP 500 and a
traceback) and logs the whole body of every badly signed request at INFO. So:

- an event (``POST /slack/events``) must carry Slack's v0 signature, HMAC-SHA256 of
  ``v0:{timestamp}:{body}`` over the raw bytes with the signing secret, and a timestamp
  within five minutes; anything else is answered 401, and refusals are logged as one
  line a minute with a count, never with a body;
- a signed body that does not parse is answered 400;
- the install page and the OAuth redirect (``GET /slack/install``,
  ``/slack/oauth_redirect``) share a rate limit per client address and in total, since
  each install visit signs a fresh OAuth state and each redirect asks Slack for a token;
- every line Bolt logs is cut to :data:`MAX_LOG_LINE` characters, and its warnings that
  ``SLACK_BOT_TOKEN`` is unused (which it reads from the environment by itself) are
  dropped.

:meth:`SlackEdge.answer` takes a transport-neutral :class:`HttpRequest`, so tests can
dispatch signed requests in-process the way bolt-python's own tests do, and
:meth:`SlackEdge.web_app` is the thin aiohttp wiring around it.
"""

from __future__ import annotations

import collections
import hashlib
import hmac
import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.logger.messages import (
    warning_client_prioritized_and_token_skipped,
    warning_token_skipped,
)
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# Slack refuses to replay a request older than this itself; so do we.
MAX_CLOCK_SKEW = 300
# Longest line Bolt may log: enough for its messages, never a stranger's megabyte.
MAX_LOG_LINE = 500
# How often refused requests are summed up in the log.
REFUSAL_LOG_SECONDS = 60.0
# Install page visits and redirects: an install takes one of each, perhaps twice; anything
# faster is not an admin. Behind a proxy every visitor shares the proxy's address.
INSTALL_PER_ADDRESS = 10
INSTALL_TOTAL = 100
INSTALL_WINDOW_SECONDS = 60.0
# Addresses remembered by the install page's limit before the oldest are forgotten.
MAX_ADDRESSES = 10_000


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One HTTP request as the edge needs it; ``headers`` keys in any case."""

    method: str
    path: str
    body: bytes = b""
    headers: Mapping[str, str] | None = None
    query: str = ""
    remote: str = "-"

    def header(self, name: str) -> str:
        wanted = name.lower()
        for key, value in (self.headers or {}).items():
            if key.lower() == wanted:
                return value
        return ""


class CappedLines(logging.Filter):
    """Cuts each record's message to ``limit`` characters (arguments merged first)."""

    def __init__(self, limit: int = MAX_LOG_LINE) -> None:
        super().__init__()
        self._limit = limit

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if len(message) > self._limit:
            record.msg = f"{message[: self._limit]}… ({len(message):,} characters)"
            record.args = None
        return True


class UntrueTokenWarnings(logging.Filter):
    """Drops Bolt's start-up warnings that ``SLACK_BOT_TOKEN`` is unused. Bolt reads the
    variable from the environment by itself and warns because it is handed a client
    instead (single workspace: the client carries that very token) or an installation
    store (OAuth: the adapter says so itself, in words that name the variables)."""

    _UNTRUE = frozenset(
        {warning_client_prioritized_and_token_skipped(), warning_token_skipped()}
    )

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg not in self._UNTRUE


def bolt_logger() -> logging.Logger:
    """The logger handed to Bolt. Bolt copies its filters into every logger it makes
    from it, so the cap reaches the middleware and listener loggers too."""
    logger = logging.getLogger("momentum.slack.bolt")
    for kind in (UntrueTokenWarnings, CappedLines):
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())
    return logger


def is_signed(
    request: HttpRequest, secret: str, now: Callable[[], float] = time.time
) -> bool:
    stamp = request.header("X-Slack-Request-Timestamp")
    signature = request.header("X-Slack-Signature")
    if not (stamp.isascii() and stamp.isdigit()) or not signature:
        return False
    if abs(now() - int(stamp)) > MAX_CLOCK_SKEW:
        return False
    base = b"v0:" + stamp.encode() + b":" + request.body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


class RefusalLog:
    """At most one line per ``every`` seconds about refused requests, with a count: a
    flood of bad requests costs the log a line a minute."""

    def __init__(
        self, every: float = REFUSAL_LOG_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._every = every
        self._clock = clock
        self._last = -math.inf
        self._count = 0

    def refused(self, why: str, remote: str) -> None:
        self._count += 1
        now = self._clock()
        if now - self._last < self._every:
            return
        log.warning(
            "Slack: refused %d request(s) since the last report; latest %s, from %s",
            self._count,
            why,
            remote[:64],
        )
        self._last = now
        self._count = 0


class WindowLimit:
    """At most ``per_key`` requests a key and ``total`` in all per ``window`` seconds."""

    def __init__(
        self,
        per_key: int = INSTALL_PER_ADDRESS,
        total: int = INSTALL_TOTAL,
        window: float = INSTALL_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._per_key = per_key
        self._total = total
        self._window = window
        self._clock = clock
        self._seen: dict[str, collections.deque[float]] = {}
        self._all: collections.deque[float] = collections.deque()

    def admit(self, key: str) -> float:
        """0 when the request may go (and it is counted); else seconds to wait."""
        now = self._clock()
        mine = self._seen.get(key)
        if mine is None:
            if len(self._seen) >= MAX_ADDRESSES:
                # Forget the address seen longest ago (dicts keep insertion order).
                del self._seen[next(iter(self._seen))]
            mine = self._seen[key] = collections.deque()
        for times in (mine, self._all):
            while times and now - times[0] >= self._window:
                times.popleft()
        for times, cap in ((mine, self._per_key), (self._all, self._total)):
            if len(times) >= cap:
                return self._window - (now - times[0])
        mine.append(now)
        self._all.append(now)
        return 0.0


class SlackEdge:
    def __init__(
        self,
        app: AsyncApp,
        signing_secret: str,
        *,
        install_limit: WindowLimit | None = None,
        refusals: RefusalLog | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        self._app = app
        self._secret = signing_secret
        self._install_limit = install_limit or WindowLimit()
        self._refusals = refusals or RefusalLog()
        self._now = now

    async def answer(self, request: HttpRequest) -> BoltResponse:
        flow = self._app.oauth_flow
        if request.method == "POST" and request.path == EVENTS_PATH:
            return await self._event(request)
        if request.method == "GET" and flow is not None:
            if request.path in (flow.install_path, flow.redirect_uri_path):
                wait = self._install_limit.admit(request.remote)
                if wait:
                    return _text(429, "Too many requests; try again in a minute.", wait)
            if request.path == flow.install_path:
                return await flow.handle_installation(_bolt_request(request, ""))
            if request.path == flow.redirect_uri_path:
                return await flow.handle_callback(_bolt_request(request, ""))
        return _text(404, "Not found.")

    async def _event(self, request: HttpRequest) -> BoltResponse:
        if not is_signed(request, self._secret, self._now):
            self._refusals.refused("without a valid signature", request.remote)
            return _text(401, "Invalid request signature.")
        try:
            bolt_request = _bolt_request(request, request.body.decode("utf-8"))
        # Bolt reads a few fields while it builds the request and assumes their shapes
        # (an object, a list of objects): any other JSON breaks it there, and so does
        # text that is not UTF-8 or JSON (UnicodeDecodeError, JSONDecodeError).
        except (ValueError, TypeError, AttributeError, KeyError, IndexError):
            self._refusals.refused("signed but not a Slack payload", request.remote)
            return _text(400, "The request body is not a Slack payload.")
        return await self._app.async_dispatch(bolt_request)

    def web_app(self) -> web.Application:
        web_app = web.Application()
        web_app.router.add_route("*", "/{tail:.*}", self._serve)
        return web_app

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        neutral = HttpRequest(
            method=request.method,
            path=request.path,
            body=await request.read(),
            headers=dict(request.headers),
            query=request.query_string,
            remote=request.remote or "-",
        )
        return await to_aiohttp_response(await self.answer(neutral))


def _bolt_request(request: HttpRequest, body: str) -> AsyncBoltRequest:
    headers: dict[str, Any] = dict(request.headers or {})
    return AsyncBoltRequest(body=body, query=request.query, headers=headers)


def _text(status: int, text: str, retry_after: float | None = None) -> BoltResponse:
    headers: dict[str, str | Sequence[str]] = {"Content-Type": "text/plain; charset=utf-8"}
    if retry_after is not None:
        headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
    return BoltResponse(status=status, body=text, headers=headers)
