"""A fake web host on 127.0.0.1 serving RSS 2.0 and Atom feeds as blogs and news sites do:
``ETag`` and ``Last-Modified`` with 304 answers to conditional requests, redirects, and
the broken and hostile answers a feed reader meets (an HTML page naming its feed, JSON,
a 500, an endless body, a slow answer).

    async with FakeFeeds() as site:
        url = site.add(FakeFeed("blog", "A blog", [FakeFeedItem(...)]))
"""

from __future__ import annotations

import contextlib
import hashlib
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from aiohttp import web

from bot.testing.loopback import LoopbackServer

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class FakeFeedItem:
    id: str
    title: str
    link: str
    published: datetime
    summary: str = ""


@dataclass
class FakeFeed:
    name: str
    title: str
    items: list[FakeFeedItem]
    format: str = "rss"  # or "atom"
    updated: datetime = field(default_factory=lambda: datetime(2026, 11, 30, tzinfo=UTC))

    def body(self) -> str:
        return _atom(self) if self.format == "atom" else _rss(self)


@dataclass
class FakeFeedsStats:
    requests: Counter[str] = field(default_factory=Counter)
    not_modified: int = 0


class FakeFeeds(LoopbackServer):
    """Feeds at ``/feeds/{name}``; fixed oddities at ``/page.html`` (a blog's front page
    that links to ``/feeds/blog``), ``/data.json``, ``/error``, ``/huge``, ``/slow`` and
    ``/moved`` (a 301 to ``/feeds/blog``)."""

    def __init__(self, *, slow_seconds: float = 5.0) -> None:
        self.feeds: dict[str, FakeFeed] = {}
        self.stats = FakeFeedsStats()
        self.slow_seconds = slow_seconds

    def add(self, feed: FakeFeed) -> str:
        self.feeds[feed.name] = feed
        return self.feed_url(feed.name)

    def feed_url(self, name: str) -> str:
        return f"{self.url}/feeds/{name}"

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._count])
        app.router.add_get("/feeds/{name}", self._feed)
        app.router.add_get("/page.html", self._page)
        app.router.add_get("/data.json", self._json)
        app.router.add_get("/error", self._error)
        app.router.add_get("/huge", self._huge)
        app.router.add_get("/slow", self._slow)
        app.router.add_get("/moved", self._moved)
        return app

    @web.middleware
    async def _count(self, request: web.Request, handler: _Handler) -> web.StreamResponse:
        self.stats.requests[request.path] += 1
        return await handler(request)

    async def _feed(self, request: web.Request) -> web.Response:
        feed = self.feeds.get(request.match_info["name"])
        if feed is None:
            return web.Response(status=404, text="Not Found")
        body = feed.body().encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        modified = format_datetime(feed.updated.astimezone(UTC), usegmt=True)
        headers = {"ETag": etag, "Last-Modified": modified}
        # RFC 9110: If-None-Match wins over If-Modified-Since when both are sent.
        if "If-None-Match" in request.headers:
            fresh = request.headers["If-None-Match"] == etag
        else:
            fresh = request.headers.get("If-Modified-Since") == modified
        if fresh:
            self.stats.not_modified += 1
            return web.Response(status=304, headers=headers)
        kind = "application/atom+xml" if feed.format == "atom" else "application/rss+xml"
        headers["Content-Type"] = f"{kind}; charset=utf-8"
        return web.Response(body=body, headers=headers)

    async def _page(self, request: web.Request) -> web.Response:
        page = (
            "<!DOCTYPE html><html><head><title>A blog</title>"
            '<link rel="alternate" type="application/rss+xml" href="/feeds/blog">'
            "</head><body><h1>A blog</h1></body></html>"
        )
        return web.Response(text=page, content_type="text/html")

    async def _json(self, request: web.Request) -> web.Response:
        return web.json_response({"items": []})

    async def _error(self, request: web.Request) -> web.Response:
        return web.Response(status=500, text="Internal Server Error")

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        await response.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
        chunk = b"<!-- " + b"x" * 65_536 + b" -->"
        with contextlib.suppress(ConnectionResetError):
            for _ in range(1_000):  # 64 MB, far past any cap, unless the reader hangs up
                await response.write(chunk)
        return response

    async def _slow(self, request: web.Request) -> web.Response:
        await self.answer_after(self.slow_seconds)
        return web.Response(text="<rss version='2.0'><channel></channel></rss>")

    async def _moved(self, request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/feeds/blog")


def _rss(feed: FakeFeed) -> str:
    items = "".join(
        "<item>"
        f"<title>{escape(item.title)}</title><link>{escape(item.link)}</link>"
        f'<guid isPermaLink="false">{escape(item.id)}</guid>'
        f"<pubDate>{format_datetime(item.published.astimezone(UTC), usegmt=True)}</pubDate>"
        f"<description>{escape(item.summary)}</description>"
        "</item>"
        for item in feed.items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(feed.title)}</title><link>https://blog.example/</link>"
        f"<description>{escape(feed.title)}</description>{items}</channel></rss>"
    )


def _atom(feed: FakeFeed) -> str:
    entries = "".join(
        "<entry>"
        f"<title>{escape(item.title)}</title><link href={quoteattr(item.link)}/>"
        f"<id>{escape(item.id)}</id><updated>{item.published.isoformat()}</updated>"
        f'<summary type="html">{escape(item.summary)}</summary>'
        "</entry>"
        for item in feed.items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(feed.title)}</title><id>urn:fake:{escape(feed.name)}</id>"
        f"<updated>{feed.updated.isoformat()}</updated>{entries}</feed>"
    )
