"""Hacker News stories that link to a repository, from the public HN Search API (Algolia).

One ``GET {HN_API_URL}/search_by_date`` per repository per refresh at most:
``tags=story``, ``restrictSearchableAttributes=url``, ``numericFilters=created_at_i>…``,
``page=0``. The search matches words, not addresses (``github.com/a/b`` also finds
``github.com/a/b-fork``), so every hit is checked against the repository's exact GitHub
address, or its homepage, before it counts (:func:`bot.clients.links.links_to`).

A repository with a homepage has two addresses to ask about; each refresh asks about the
one asked least recently, and answers are cached for ``cache_ttl``, so neither a second
address nor a second refresh within the hour costs another request.

HN is a nice-to-have: failures raise typed :class:`HNError` subclasses from
:meth:`HackerNewsClient.stories`, and :meth:`HackerNewsClient.refresh` never raises. A
failed request is not retried within a refresh (the next refresh asks again, from the
same ``since``); after a 429, or ``failures_to_pause`` failures in a row, the client asks
nothing more until the pause is over, so an outage costs a refresh a few requests and
no waiting.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bot.clients.links import links_to, search_text, usable_homepage
from bot.core.repo_ref import RepoRef

DEFAULT_API_URL = "https://hn.algolia.com/api/v1"
ITEM_URL = "https://news.ycombinator.com/item?id="
_LONG_AGO = datetime.min.replace(tzinfo=UTC)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class HNStory:
    """A story as HN Search reported it; ``url`` is where it links, not the HN page."""

    id: str
    title: str
    url: str
    points: int
    comments: int
    created_at: datetime

    @property
    def item_url(self) -> str:
        return f"{ITEM_URL}{self.id}"


class HNError(Exception):
    """Any failure to get an answer from HN Search."""


class HNUnavailable(HNError):
    """No usable answer: ``kind`` is server_error (5xx), timeout or connection."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"HN Search is unavailable ({kind}{': ' + detail if detail else ''})")
        self.kind = kind


class HNRateLimited(HNError):
    """HN Search answered 429; ``retry_after`` is its Retry-After in seconds, if given."""

    def __init__(self, retry_after: float | None) -> None:
        when = f", retry after {retry_after:g} s" if retry_after is not None else ""
        super().__init__(f"HN Search refused more requests from this address (429{when})")
        self.retry_after = retry_after


class HNBadAnswer(HNError):
    """An answer that is not HN Search's documented shape (or a 4xx other than 429)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"HN Search gave an unusable answer: {reason}")
        self.reason = reason


class HNPaused(HNError):
    """Not asked: an earlier failure (``cause``) paused requests until ``until``."""

    def __init__(self, cause: HNError, until: datetime) -> None:
        super().__init__(f"HN Search is not asked until {until:%H:%M} UTC after: {cause}")
        self.cause = cause
        self.until = until


@dataclass(frozen=True, slots=True)
class HNTarget:
    """A repository to look for, with its homepage when GitHub lists one."""

    ref: RepoRef
    homepage: str | None = None


@dataclass(frozen=True, slots=True)
class RepoStories:
    """One repository's stories after a refresh; ``error`` says why they may be stale."""

    ref: RepoRef
    stories: tuple[HNStory, ...]
    requested: bool
    error: HNError | None = None
    # The answer held more pages than the one read: the oldest stories may be missing.
    truncated: bool = False


@dataclass
class HNStats:
    requests: int = 0
    cached: int = 0
    failures: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True, slots=True)
class HNRefresh:
    repos: tuple[RepoStories, ...]
    requests: int

    @property
    def failed(self) -> tuple[RepoStories, ...]:
        return tuple(repo for repo in self.repos if repo.error is not None)


@dataclass(frozen=True, slots=True)
class _Cached:
    fetched_at: datetime
    since: datetime
    stories: tuple[HNStory, ...]
    truncated: bool


class HackerNewsClient:
    def __init__(
        self,
        *,
        api_url: str = DEFAULT_API_URL,
        clock: Callable[[], datetime] = _utc_now,
        timeout: float = 5.0,
        hits_per_page: int = 100,
        cache_ttl: timedelta = timedelta(hours=1),
        connections: int = 8,
        failures_to_pause: int = 3,
        pause: timedelta = timedelta(minutes=15),
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.stats = HNStats()
        self._clock = clock
        self._hits_per_page = hits_per_page
        self._cache_ttl = cache_ttl
        self._failures_to_pause = failures_to_pause
        self._pause = pause
        self._cache: dict[str, _Cached] = {}
        self._asked: dict[str, datetime] = {}
        self._failures_in_row = 0
        self._paused: tuple[HNError, datetime] | None = None
        self._slots = asyncio.Semaphore(connections)
        self._http = httpx.AsyncClient(
            timeout=timeout,
            headers={"User-Agent": "momentum-bot", "Accept": "application/json"},
            limits=httpx.Limits(max_connections=connections),
        )

    async def close(self) -> None:
        await self._http.aclose()

    async def stories(
        self, ref: RepoRef, *, since: datetime, homepage: str | None = None
    ) -> tuple[HNStory, ...]:
        """Stories after ``since`` linking to the repository, newest first, from one
        request at most; raises :class:`HNError` when that request fails."""
        found, _, _ = await self._stories(HNTarget(ref, homepage), since)
        return found

    async def refresh(self, targets: Sequence[HNTarget], *, since: datetime) -> HNRefresh:
        """Every target's stories; failures are reported per repository, never raised."""
        before = self.stats.requests

        async def one(target: HNTarget) -> RepoStories:
            try:
                found, truncated, requested = await self._stories(target, since)
            except HNError as exc:
                cached = self._cached_stories(target, since)
                return RepoStories(target.ref, cached, not isinstance(exc, HNPaused), exc)
            return RepoStories(target.ref, found, requested, None, truncated)

        repos = await asyncio.gather(*(one(target) for target in targets))
        return HNRefresh(tuple(repos), self.stats.requests - before)

    # -- one repository ---------------------------------------------------------------

    def _addresses(self, target: HNTarget) -> list[str]:
        home = usable_homepage(target.homepage)
        return [search_text(target.ref.url), *([search_text(home)] if home else [])]

    def _fresh(self, address: str, since: datetime) -> _Cached | None:
        entry = self._cache.get(address)
        if entry is None or entry.since > since:
            return None
        return entry if self._clock() - entry.fetched_at < self._cache_ttl else None

    def _cached_stories(self, target: HNTarget, since: datetime) -> tuple[HNStory, ...]:
        seen: dict[str, HNStory] = {}
        for address in self._addresses(target):
            entry = self._cache.get(address)
            for story in entry.stories if entry else ():
                if story.created_at > since and links_to(story.url, target.ref, target.homepage):
                    seen.setdefault(story.id, story)
        return tuple(sorted(seen.values(), key=lambda s: s.created_at, reverse=True))

    async def _stories(
        self, target: HNTarget, since: datetime
    ) -> tuple[tuple[HNStory, ...], bool, bool]:
        """The stories, whether an answer was truncated, and whether a request was sent."""
        addresses = self._addresses(target)
        stale = [a for a in addresses if self._fresh(a, since) is None]
        if stale:
            # The address asked least recently (never asked: first) is the one asked now.
            address = min(stale, key=lambda a: self._asked.get(a, _LONG_AGO))
            found, truncated = await self._search(address, since)
            self._asked[address] = self._clock()
            self._cache[address] = _Cached(self._clock(), since, found, truncated)
        else:
            self.stats.cached += 1
        truncated = any(e.truncated for a in addresses if (e := self._cache.get(a)) is not None)
        return self._cached_stories(target, since), truncated, bool(stale)

    # -- the request ------------------------------------------------------------------

    def _check_paused(self) -> None:
        if self._paused is None:
            return
        cause, until = self._paused
        if self._clock() < until:
            raise HNPaused(cause, until)
        self._paused = None
        self._failures_in_row = 0

    def _failed(self, error: HNError, pause_now: bool) -> HNError:
        self.stats.failures[type(error).__name__] += 1
        self._failures_in_row += 1
        if pause_now or self._failures_in_row >= self._failures_to_pause:
            wait = self._pause
            if isinstance(error, HNRateLimited) and error.retry_after is not None:
                wait = max(wait, timedelta(seconds=error.retry_after))
            self._paused = (error, self._clock() + wait)
        return error

    async def _search(self, address: str, since: datetime) -> tuple[tuple[HNStory, ...], bool]:
        params = {
            "query": address,
            "tags": "story",
            "restrictSearchableAttributes": "url",
            "numericFilters": f"created_at_i>{int(since.timestamp())}",
            "hitsPerPage": str(self._hits_per_page),
            "page": "0",
        }
        # The answer is judged before the slot is given up, so a request waiting for it
        # already sees the pause an outage has just caused.
        async with self._slots:
            self._check_paused()
            self.stats.requests += 1
            try:
                response = await self._http.get(f"{self.api_url}/search_by_date", params=params)
            except httpx.TimeoutException:
                raise self._failed(HNUnavailable("timeout"), False) from None
            except httpx.TransportError as exc:
                raise self._failed(HNUnavailable("connection", type(exc).__name__), False) from None
            if response.status_code == 429:
                raise self._failed(HNRateLimited(_retry_after(response)), True)
            if response.status_code >= 500:
                raise self._failed(HNUnavailable("server_error", str(response.status_code)), False)
            if response.status_code != 200:
                reason = f"{response.status_code} {_message(response)}".strip()
                raise self._failed(HNBadAnswer(reason), False)
            try:
                result = parse_page(response.json())
            except ValueError as exc:
                raise self._failed(HNBadAnswer(str(exc)), False) from None
            self._failures_in_row = 0
            return result

def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("message", "")) if isinstance(body, Mapping) else ""


def parse_page(body: object) -> tuple[tuple[HNStory, ...], bool]:
    """A ``search_by_date`` answer's stories that link somewhere (text posts have no
    ``url``), and whether more pages follow; ValueError when the shape is not HN Search's."""
    if not isinstance(body, Mapping):
        raise ValueError("the answer is not a JSON object")
    hits, pages, page = body.get("hits"), body.get("nbPages"), body.get("page")
    if not isinstance(hits, list) or not isinstance(pages, int) or not isinstance(page, int):
        raise ValueError("the answer lacks hits, nbPages or page")
    stories = tuple(story for hit in hits if (story := _story(hit)) is not None)
    return stories, page + 1 < pages


def _story(hit: Any) -> HNStory | None:
    if not isinstance(hit, Mapping):
        raise ValueError("a hit is not an object")
    object_id, created = hit.get("objectID"), hit.get("created_at_i")
    if not isinstance(object_id, str) or not isinstance(created, int):
        raise ValueError("a hit lacks objectID or created_at_i")
    url = hit.get("url")
    if not isinstance(url, str) or not url:
        return None
    return HNStory(
        id=object_id,
        title=str(hit.get("title") or ""),
        url=url,
        points=_count(hit.get("points")),
        comments=_count(hit.get("num_comments")),
        created_at=datetime.fromtimestamp(created, UTC),
    )


def _count(value: object) -> int:
    # Fresh and flagged stories carry null points or comment counts.
    return value if isinstance(value, int) and value >= 0 else 0
