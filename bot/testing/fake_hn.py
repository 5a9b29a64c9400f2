"""A fake HN Search API (Algolia) on 127.0.0.1 that answers as ``hn.algolia.com/api/v1``
does: ``/search`` (by points, then comments) and ``/search_by_date`` (newest first) with
``query`` (words; the last may be a prefix), ``tags`` (comma: and, parentheses: or),
``numericFilters`` (``created_at_i``, ``points``, ``num_comments`` with ``< <= = > >=``;
anything else answers 400), ``restrictSearchableAttributes``, ``page`` (from 0) and
``hitsPerPage`` (default 20, at most 1,000), ``nbHits``/``nbPages`` and the 1,000-hit
pagination limit. A per-hour budget answers 429 past it; :meth:`FakeHackerNews.inject`
queues faults (429, 5xx, slow answers, bodies that are not HN Search's).

Algolia also forgives typos; this fake does not, which only makes it find fewer near
misses than the real one: the client must filter what it gets either way.

    async with FakeHackerNews([FakeStory(...)], clock=clock) as hn:
        settings = load_settings(HN_API_URL=hn.api_url)
"""

from __future__ import annotations

import math
import operator
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from bot.testing.loopback import LoopbackServer

PAGINATION_LIMIT = 1000
MAX_HITS_PER_PAGE = 1000
_SEARCHABLE = ("title", "url", "author", "story_text")
_WORD = re.compile(r"[a-z0-9]+")
_FILTER = re.compile(r"(created_at_i|points|num_comments)(<=|>=|<|>|=)(-?\d+(?:\.\d+)?)")
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, "=": operator.eq, ">": operator.gt, ">=": operator.ge,
}
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class FakeStory:
    id: int
    title: str
    url: str | None
    created_at: datetime
    points: int = 1
    comments: int = 0
    author: str = "someone"
    text: str | None = None
    extra_tags: tuple[str, ...] = ()

    @property
    def tags(self) -> tuple[str, ...]:
        return ("story", f"author_{self.author}", f"story_{self.id}", *self.extra_tags)

    def words(self, attribute: str) -> list[str]:
        value = {"title": self.title, "url": self.url, "author": self.author,
                 "story_text": self.text}[attribute]
        return _WORD.findall((value or "").lower())

    def hit(self) -> dict[str, Any]:
        stamp = self.created_at.astimezone(UTC)
        return {
            "_tags": list(self.tags),
            "author": self.author,
            "children": [],
            "created_at": stamp.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "created_at_i": int(stamp.timestamp()),
            "num_comments": self.comments,
            "objectID": str(self.id),
            "points": self.points,
            "story_id": self.id,
            "story_text": self.text,
            "title": self.title,
            "updated_at": stamp.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "url": self.url,
        }


@dataclass
class HNFault:
    """What the next ``times`` searches get: ``status`` (429, 5xx) with ``Retry-After``
    when ``retry_after`` is set; ``delay`` holds the answer back; ``body`` replaces a 200's
    body (text that is not HN Search's answer)."""

    status: int | None = None
    times: int = 1
    retry_after: int | None = None
    delay: float = 0.0
    body: str | None = None


@dataclass
class FakeHNStats:
    searches: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    queries: list[dict[str, str]] = field(default_factory=list)


class _BadRequest(Exception):
    pass


class FakeHackerNews(LoopbackServer):
    def __init__(
        self,
        stories: Iterable[FakeStory] = (),
        *,
        clock: Callable[[], datetime] | None = None,
        hourly_limit: int = 10_000,
    ) -> None:
        self.stories = list(stories)
        self.stats = FakeHNStats()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._hourly_limit = hourly_limit
        self._window: tuple[datetime, int] | None = None
        self._faults: list[HNFault] = []

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v1"

    def inject(self, *faults: HNFault) -> None:
        self._faults.extend(faults)

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/api/v1/search", self._search)
        app.router.add_get("/api/v1/search_by_date", self._search)
        return app

    def _within_budget(self) -> bool:
        # The budget is an hour from the first request, per address (one address here).
        now = self._clock()
        if self._window is None or now >= self._window[0] + timedelta(hours=1):
            self._window = (now, 0)
        start, used = self._window
        self._window = (start, used + 1)
        return used < self._hourly_limit

    @web.middleware
    async def _middleware(self, request: web.Request, handler: _Handler) -> web.StreamResponse:
        self.stats.searches += 1
        self.stats.queries.append(dict(request.query))
        response = await self._answer(request, handler)
        self.stats.statuses[response.status] += 1
        return response

    async def _answer(self, request: web.Request, handler: _Handler) -> web.StreamResponse:
        fault = next((f for f in self._faults if f.times > 0), None)
        if fault is not None:
            fault.times -= 1
            if fault.delay:
                await self.answer_after(fault.delay)
            if fault.status is not None:
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
                return _error(fault.status, _REASONS.get(fault.status, "error"), headers)
            if fault.body is not None:
                return web.Response(text=fault.body, content_type="application/json")
        if not self._within_budget():
            return _error(429, "Too many requests")
        return await handler(request)

    async def _search(self, request: web.Request) -> web.Response:
        started = time.perf_counter()
        try:
            answer = self._run(request)
        except _BadRequest as exc:
            return _error(400, str(exc))
        answer["processingTimeMS"] = max(1, round((time.perf_counter() - started) * 1000))
        return web.json_response(answer)

    def _run(self, request: web.Request) -> dict[str, Any]:
        query = request.query
        text = query.get("query", "")
        hits_per_page = _integer(query, "hitsPerPage", 20, 0, MAX_HITS_PER_PAGE)
        page = _integer(query, "page", 0, 0, None)
        attributes = _attributes(query.get("restrictSearchableAttributes"))
        tags = _tags(query.get("tags", ""))
        filters = _filters(query.get("numericFilters", ""))
        words = _WORD.findall(text.lower())
        matched = [
            story for story in self.stories
            if _matches_words(story, words, attributes)
            and all(any(tag in story.tags for tag in group) for group in tags)
            and all(test(story) for test in filters)
        ]
        if request.path.endswith("/search_by_date"):
            matched.sort(key=lambda s: s.created_at, reverse=True)
        else:
            matched.sort(key=lambda s: (s.points, s.comments), reverse=True)
        reachable = min(len(matched), PAGINATION_LIMIT)
        pages = math.ceil(reachable / hits_per_page) if hits_per_page else 0
        start = page * hits_per_page
        answer: dict[str, Any] = {
            "exhaustive": {"nbHits": True, "typo": True},
            "exhaustiveNbHits": True,
            "exhaustiveTypo": True,
            "hits": [s.hit() for s in matched[start : min(start + hits_per_page, reachable)]],
            "hitsPerPage": hits_per_page,
            "nbHits": len(matched),
            "nbPages": pages,
            "page": page,
            "params": request.query_string,
            "query": text,
        }
        if start >= PAGINATION_LIMIT and matched:
            answer["message"] = (
                f"you can only fetch the {PAGINATION_LIMIT} hits for this query. "
                "You can extend the number of hits returned via the paginationLimitedTo "
                "index setting or use the browse method."
            )
        return answer


_REASONS = {429: "Too many requests", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable"}


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"message": message, "status": status}, status=status,
                             headers=headers)


def _integer(query: Any, name: str, default: int, low: int, high: int | None) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"-?\d+", raw):
        raise _BadRequest(f"Invalid value for \"{name}\" parameter, expected integer")
    value = int(raw)
    if value < low:
        raise _BadRequest(f"Invalid value for \"{name}\" parameter, must be >= {low}")
    return min(value, high) if high is not None else value


def _attributes(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return _SEARCHABLE
    names = tuple(name.strip() for name in raw.split(","))
    unknown = [name for name in names if name not in _SEARCHABLE]
    if unknown:
        raise _BadRequest(f"Cannot restrict search to a non-searchable attribute: {unknown[0]}")
    return names


def _tags(raw: str) -> list[tuple[str, ...]]:
    groups: list[tuple[str, ...]] = []
    for part in re.findall(r"\([^)]*\)|[^,()]+", raw):
        names = tuple(t.strip() for t in part.strip("()").split(",") if t.strip())
        if names:
            groups.append(names)
    return groups


def _filters(raw: str) -> list[Callable[[FakeStory], bool]]:
    tests: list[Callable[[FakeStory], bool]] = []
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        match = _FILTER.fullmatch(part.replace(" ", ""))
        if match is None:
            raise _BadRequest(f"Invalid syntax for numeric condition: {part}")
        field_name, sign, number = match.groups()
        tests.append(_numeric_test(field_name, _OPERATORS[sign], float(number)))
    return tests


def _numeric_test(
    name: str, compare: Callable[[float, float], bool], number: float
) -> Callable[[FakeStory], bool]:
    def test(story: FakeStory) -> bool:
        value = {"created_at_i": story.created_at.timestamp(), "points": story.points,
                 "num_comments": story.comments}[name]
        return compare(float(int(value)), number)

    return test


def _matches_words(story: FakeStory, words: list[str], attributes: tuple[str, ...]) -> bool:
    if not words:
        return True
    tokens = [token for attribute in attributes for token in story.words(attribute)]
    # Algolia's default queryType is prefixLast: the last word may be the start of a token.
    *whole, last = words
    return all(word in tokens for word in whole) and any(t.startswith(last) for t in tokens)
