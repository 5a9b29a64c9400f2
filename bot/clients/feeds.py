"""RSS 2.0 and Atom feeds a channel follows: fetched with httpx, parsed with feedparser.

A fetch sends the ``ETag`` and ``Last-Modified`` it was given (a 304 costs no parsing),
stops at ``max_bytes``, follows at most :data:`MAX_REDIRECTS` redirects, and reaches only
public addresses (every address a host resolves to is checked, at every hop) unless the
reader was built with ``allow_private=True`` (tests, and the demo on loopback). Parsing
runs in a thread: feedparser is pure Python and a large feed would stall the event loop.

Every failure is a :class:`FeedError` whose ``str()`` is one sentence fit for a user.
"""

from __future__ import annotations

import asyncio
import calendar
import html
import io
import ipaddress
import re
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx

from bot.clients.links import github_repo_of
from bot.core.repo_ref import RepoRef

MAX_REDIRECTS = 3
DEFAULT_MAX_BYTES = 2_000_000
_FEED_VERSIONS_SHOWN = {"rss20": "RSS 2.0", "atom10": "Atom", "atom03": "Atom 0.3"}
_TAG = re.compile(r"<[^>]+>")
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_ALTERNATE = re.compile(
    r"""<link\b[^>]*type\s*=\s*["']application/(?:rss|atom)\+xml["'][^>]*>""", re.IGNORECASE
)


class FeedError(Exception):
    """Any failure to read a feed; ``str()`` is one sentence for the person who asked."""


class MalformedFeedUrl(FeedError):
    def __init__(self, url: str) -> None:
        super().__init__(
            f"“{url}” is not a feed address: expected http:// or https:// and a host name."
        )


class FeedHostRefused(FeedError):
    def __init__(self, host: str) -> None:
        super().__init__(f"{host} is not a public address, so Momentum will not fetch it.")


class FeedUnreachable(FeedError):
    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"{host} could not be reached ({reason}).")


class FeedHttpError(FeedError):
    def __init__(self, url: str, status: int) -> None:
        super().__init__(f"{url} answered HTTP {status} instead of a feed.")
        self.status = status


class FeedTooLarge(FeedError):
    def __init__(self, url: str, limit: int) -> None:
        super().__init__(f"{url} is larger than {limit:,} bytes, the most a feed may be.")


class NotAFeed(FeedError):
    def __init__(self, url: str, html_page: bool, alternate: str | None = None) -> None:
        what = "a web page" if html_page else "something else"
        hint = f"; the page names a feed at {alternate}" if alternate else ""
        super().__init__(f"{url} is {what}, not an RSS or Atom feed{hint}.")
        self.alternate = alternate


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry; ``text`` is its title and summary as plain text, for matching."""

    id: str
    title: str
    link: str | None
    published: datetime | None
    text: str
    links: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Feed:
    url: str
    title: str
    format: str
    items: tuple[FeedItem, ...]


@dataclass(frozen=True, slots=True)
class FeedFetch:
    """A fetch's outcome: ``feed`` is None when the server said 304 Not Modified."""

    feed: Feed | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.feed is None


def check_feed_url(text: str) -> str:
    """The address as given, stripped, or :class:`MalformedFeedUrl`."""
    url = text.strip().strip("<>")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - a bad port raises here, not later
    except ValueError:
        raise MalformedFeedUrl(text) from None
    if parts.scheme.lower() not in {"http", "https"} or not host or " " in url:
        raise MalformedFeedUrl(text)
    return url


class FeedReader:
    def __init__(
        self,
        *,
        timeout: float = 10.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        allow_private: bool = False,
    ) -> None:
        self._max_bytes = max_bytes
        self._allow_private = allow_private
        self._http = httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=False,
            headers={
                "User-Agent": "momentum-bot (feed reader)",
                "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
                "text/xml;q=0.9, */*;q=0.1",
            },
        )

    async def close(self) -> None:
        await self._http.aclose()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FeedFetch:
        current = check_feed_url(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _ in range(MAX_REDIRECTS + 1):
            await self._check_host(current)
            status, response_headers, body = await self._get(current, headers)
            if status in {301, 302, 303, 307, 308} and "location" in response_headers:
                current = check_feed_url(urljoin(current, response_headers["location"]))
                continue
            if status == 304:
                return FeedFetch(None, etag, last_modified)
            if status != 200:
                raise FeedHttpError(current, status)
            feed = await asyncio.to_thread(_parse, current, response_headers, body)
            return FeedFetch(
                feed, response_headers.get("etag"), response_headers.get("last-modified")
            )
        raise FeedUnreachable(_host(current), f"more than {MAX_REDIRECTS} redirects")

    async def _check_host(self, url: str) -> None:
        host = _host(url)
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if literal is not None:
            addresses = [literal]
        else:
            try:
                found = await asyncio.get_running_loop().getaddrinfo(
                    host, None, type=socket.SOCK_STREAM
                )
            except socket.gaierror:
                raise FeedUnreachable(host, "no such host") from None
            addresses = [ipaddress.ip_address(info[4][0]) for info in found]
        if not self._allow_private and not all(a.is_global for a in addresses):
            raise FeedHostRefused(host)

    async def _get(
        self, url: str, headers: Mapping[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        try:
            async with self._http.stream("GET", url, headers=headers) as response:
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > self._max_bytes:
                        raise FeedTooLarge(url, self._max_bytes)
                    chunks.append(chunk)
                got = {k.lower(): v for k, v in response.headers.items()}
                return response.status_code, got, b"".join(chunks)
        except httpx.TimeoutException:
            raise FeedUnreachable(_host(url), "it did not answer in time") from None
        except httpx.TransportError as exc:
            raise FeedUnreachable(_host(url), _transport_reason(exc)) from None


def _host(url: str) -> str:
    return (urlsplit(url).hostname or url).lower()


def _transport_reason(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "the connection was refused or failed"
    return "the connection broke"


def _parse(url: str, headers: Mapping[str, str], body: bytes) -> Feed:
    content_type = headers.get("content-type", "").lower()
    head = body[:1024].lstrip().lower()
    if "html" in content_type or head.startswith((b"<!doctype html", b"<html")):
        raise NotAFeed(url, True, _alternate(url, body))
    # A stream, not bytes or str: given a string, feedparser may open it as a URL or file.
    parsed: Any = feedparser.parse(
        io.BytesIO(body), response_headers={"content-type": content_type, "content-location": url}
    )
    version = str(parsed.get("version") or "")
    if not version:
        raise NotAFeed(url, False)
    items = tuple(_item(entry) for entry in parsed.entries)
    title = _plain(str(parsed.feed.get("title") or "")) or _host(url)
    return Feed(url, title, _FEED_VERSIONS_SHOWN.get(version, version), items)


def _alternate(url: str, body: bytes) -> str | None:
    text = body[:200_000].decode("utf-8", "replace")
    for tag in _ALTERNATE.findall(text):
        href = _HREF.search(tag)
        if href:
            return urljoin(url, html.unescape(href.group(1)))
    return None


def _plain(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())


def _item(entry: Any) -> FeedItem:
    title = _plain(str(entry.get("title") or ""))
    summary = str(entry.get("summary") or "")
    contents = " ".join(str(c.get("value") or "") for c in entry.get("content") or [])
    link = entry.get("link") or None
    hrefs = [str(link)] if link else []
    hrefs += [str(x.get("href")) for x in entry.get("links") or [] if x.get("href")]
    hrefs += _HREF.findall(summary + " " + contents)
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    published = datetime.fromtimestamp(calendar.timegm(stamp), UTC) if stamp else None
    return FeedItem(
        id=str(entry.get("id") or link or title),
        title=title,
        link=str(link) if link else None,
        published=published,
        text=f"{title} {_plain(summary + ' ' + contents)}".strip(),
        links=tuple(dict.fromkeys(html.unescape(h) for h in hrefs)),
    )


def _names(ref: RepoRef) -> re.Pattern[str]:
    # owner/name as a whole: not inside a longer path (a/owner/name) or name (owner/name2).
    return re.compile(
        rf"(?<![\w./-]){re.escape(ref.full_name)}(?![\w/-]|\.\w)", re.IGNORECASE
    )


def item_repos(item: FeedItem, refs: Iterable[RepoRef]) -> set[RepoRef]:
    """The repositories among ``refs`` the item links to or names as ``owner/name``."""
    linked = {ref for link in item.links if (ref := github_repo_of(link)) is not None}
    return {ref for ref in refs if ref in linked or _names(ref).search(item.text)}


def carries_theme(item: FeedItem, theme: str) -> bool:
    """True when the item's text holds every word of the theme (``vector-database``: both
    words), each as a whole word or its plural."""
    return text_carries_theme(item.text, theme)


def text_carries_theme(text: str, theme: str) -> bool:
    """:func:`carries_theme` for any text (a stored item's title)."""
    words = [w for w in re.split(r"[-_\s]+", theme.lower()) if w]
    return bool(words) and all(
        re.search(rf"(?<!\w){re.escape(w)}s?(?!\w)", text, re.IGNORECASE) for w in words
    )
