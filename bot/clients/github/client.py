"""The GitHub client: one ``httpx.AsyncClient`` (one connection pool) for REST and GraphQL.

Every answer's rate-limit figures are kept in :attr:`GitHubClient.rate`. Server errors,
timeouts and dropped connections are retried with exponential backoff and jitter; 403 or
429 rate-limit answers wait for ``Retry-After`` or the reset time when that is within
``max_wait``, and raise :class:`RateLimited` otherwise, so one run never sleeps an hour.
Time and sleep are injected so tests neither wait nor depend on the wall clock.

GitHub Enterprise Server has neither the star history nor ``/stargazers/count``; both
answer 404 there, as they do for a missing repository. One ``GET /repos`` tells the two
apart: :class:`HistoryUnavailable` carries its answer, and ``star_count`` falls back to it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import TypeAdapter, ValidationError

from bot.clients.github import history as hist
from bot.clients.github import models, queries, ratelimit, wire
from bot.clients.github import stargazers as star_list
from bot.clients.github.errors import (
    GitHubError,
    GitHubUnavailable,
    HistoryUnavailable,
    InvalidHistory,
    RateLimited,
    RepoNotFound,
    StargazersClosed,
    UnexpectedResponse,
)
from bot.clients.github.history import StarHistory
from bot.clients.github.models import RepoInfo, SearchPage
from bot.clients.github.ratelimit import RateLimit
from bot.clients.github.stargazers import Stargazers
from bot.core.repo_ref import RepoRef
from bot.core.settings import Settings

log = logging.getLogger(__name__)

API_VERSION = "2026-03-10"
# Without either header GitHub's answer to a secondary limit says "wait a minute".
SECONDARY_LIMIT_WAIT = 60.0
_REDIRECTS = {301, 302, 307, 308}
_GONE = {404, 410}
# A walk back through a stargazer list stops here: 10,000 stars, a fifth of an hour's calls.
MAX_STARGAZER_PAGES = 100
_NEVER = datetime.max.replace(tzinfo=UTC)
# The largest answers read. Parsing and validating holds the GIL (a worker thread would
# not free the event loop), at roughly 50-130 ms a MiB here, so the caps are what keep
# the loop, and the chat acks waiting on it, turning. GitHub's largest answers here, a
# search page of 100 repositories or a GraphQL batch, are under 1 MiB; a history page of
# 30 weeks is about 2.5 KB.
MAX_BODY_BYTES = 2 * 2**20
MAX_HISTORY_BYTES = 128 * 2**10
_T = TypeVar("_T")


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ClientStats:
    """What the client has spent: charged REST calls (``/rate_limit`` is free and not
    counted), GraphQL requests and points, retries by kind, and search requests (they
    have a budget of their own)."""

    rest_calls: int = 0
    graphql_calls: int = 0
    graphql_points: int = 0
    retries: Counter[str] = field(default_factory=Counter)
    search_calls: int = 0

    def copy(self) -> ClientStats:
        return replace(self, retries=Counter(self.retries))

    def since(self, earlier: ClientStats) -> ClientStats:
        return ClientStats(
            self.rest_calls - earlier.rest_calls,
            self.graphql_calls - earlier.graphql_calls,
            self.graphql_points - earlier.graphql_points,
            self.retries - earlier.retries,
            self.search_calls - earlier.search_calls,
        )


@dataclass(frozen=True, slots=True)
class _Reply:
    """One HTTP exchange, its body read whole (within a cap)."""

    status: int
    headers: httpx.Headers
    url: httpx.URL
    content: bytes
    links: dict[str, str]  # rel -> URL, from httpx's reading of ``Link``


@dataclass(frozen=True, slots=True)
class _Answer:
    content: bytes
    links: dict[str, str]
    moved: bool
    not_modified: bool = False


class GitHubClient:
    def __init__(
        self,
        *,
        api_url: str = "https://api.github.com",
        graphql_url: str = "https://api.github.com/graphql",
        token: str | None = None,
        clock: Callable[[], datetime] = _utc_now,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        timeout: float = 10.0,
        max_retries: int = 4,
        max_wait: float = 60.0,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        connections: int = 10,
        rng: random.Random | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.graphql_url = graphql_url
        self.has_token = bool(token)
        # Who is asking, without keeping the token: what one token may read (a closed
        # stargazer list) another may not, and instances may run with different tokens.
        self.viewer = hashlib.sha256(f"{self.api_url}\n{token or ''}".encode()).hexdigest()[:16]
        # False once a 404 from ``/stargazers/count`` turned out to mean "no such endpoint".
        self._count_endpoint = True
        self.stats = ClientStats()
        # Told of every rate-limit wait before it starts, so a person sees why nothing
        # moves; logged when unset.
        self.on_wait: Callable[[str], None] | None = None
        self.rate: dict[str, RateLimit] = {}
        self._clock = clock
        self._sleep = sleep
        self._max_retries = max_retries
        self._max_wait = max_wait
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._rng = rng or random.Random()
        self._etags: dict[str, tuple[str, bytes, dict[str, str]]] = {}
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "momentum-bot",
        }
        # Sent per request, and only to our own origins (see ``_send``).
        self._auth = {"Authorization": f"Bearer {token}"} if token else {}
        self._origins = {_origin(self.api_url), _origin(graphql_url)}
        self._http = httpx.AsyncClient(
            headers=headers,
            timeout=timeout,
            limits=httpx.Limits(max_connections=connections),
            follow_redirects=False,  # redirects are followed here, to notice renames
        )

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> GitHubClient:
        token = settings.github_token.get_secret_value() if settings.github_token else None
        return cls(
            api_url=settings.github_api_url,
            graphql_url=settings.github_graphql_url,
            token=token,
            **options,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> GitHubClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- public calls ---------------------------------------------------------------------

    async def rate_limit(self) -> dict[str, RateLimit]:
        """This hour's budgets from ``GET /rate_limit`` (which GitHub does not charge)."""
        try:
            answer = await self._get(f"{self.api_url}/rate_limit", None, None, cached=False)
            body = self._decode(wire.RATE_LIMIT, answer.content, "GET /rate_limit")
        except (RepoNotFound, UnexpectedResponse):
            return dict(self.rate)  # GitHub Enterprise Server with rate limits turned off
        found = ratelimit.from_rate_limit_body(body)
        self.rate.update(found)
        return found

    def remaining(self, resource: str = "core") -> int | None:
        """Calls (or GraphQL points) left this hour, if an answer has said."""
        known = self.rate.get(resource)
        if known is None:
            return None
        return known.limit if self._clock() >= known.reset_at else known.remaining

    async def star_history(
        self, ref: RepoRef, *, pages: int = 1, created: datetime | None = None
    ) -> StarHistory:
        """The newest ``pages`` pages (30 weeks each) of daily stars, checked and merged.

        Stops early at the creation week (``created``, or the last page GitHub links).
        Raises :class:`InvalidHistory` rather than return weeks that are not all valid.
        """
        url = f"{self.api_url}/repos/{ref.owner}/{ref.name}/stargazers/history"
        params: dict[str, str] | None = {"per_page": str(hist.PER_PAGE)}
        collected: list[list[hist.Week]] = []
        moved = complete = False
        for number in range(1, min(pages, hist.MAX_PAGE) + 1):
            try:
                answer, weeks = await self._history_page(ref, url, params)
            except RepoNotFound:
                if number == 1:
                    # Raises RepoNotFound itself when the repository is the one missing.
                    raise HistoryUnavailable(ref, await self.repository(ref)) from None
                raise
            moved = moved or answer.moved
            collected.append(weeks)
            links = answer.links
            reached = created is not None and weeks[-1].start <= hist.week_of(created)
            if "next" not in links or reached or number == hist.MAX_PAGE:
                complete = "next" not in links or reached
                break
            if not self._same_origin(links["next"]):
                raise InvalidHistory(ref, "the next page is on another host")
            url, params = links["next"], None
        return StarHistory(ref, hist.merge_pages(ref, collected), len(collected), complete, moved)

    async def repository(self, ref: RepoRef) -> RepoInfo:
        """``GET /repos/{owner}/{repo}``, with its ETag, following a rename."""
        answer = await self._get(f"{self.api_url}/repos/{ref.owner}/{ref.name}", None, ref)
        return models.from_rest(self._decode(wire.REST_REPO, answer.content, str(ref)))

    async def star_count(self, ref: RepoRef) -> int:
        """``GET /repos/{owner}/{repo}/stargazers/count``: the cheapest existence check.

        Where the endpoint is missing (GitHub Enterprise Server), ``GET /repos`` answers.
        """
        if not self._count_endpoint:
            return (await self.repository(ref)).stars
        url = f"{self.api_url}/repos/{ref.owner}/{ref.name}/stargazers/count"
        try:
            answer = await self._get(url, None, ref)
        except RepoNotFound:
            info = await self.repository(ref)  # raises RepoNotFound if it is the repo
            self._count_endpoint = False
            return info.stars
        return (self._decode(wire.STAR_COUNT, answer.content, f"{ref}'s count")).count

    async def stargazers(
        self,
        ref: RepoRef,
        *,
        since: datetime | None = None,
        max_pages: int = MAX_STARGAZER_PAGES,
    ) -> Stargazers:
        """When each star was given, from the closed stargazer list, newest pages first
        back to ``since`` (None: the whole list), at most ``max_pages`` pages.

        The first page is read first: its answer says whether the list is open to us
        (401, 403 or 404 raise :class:`StargazersClosed`) and, in ``Link``, where it ends.
        """
        url = f"{self.api_url}/repos/{ref.owner}/{ref.name}/stargazers"
        try:
            # Never from the ETag cache: the first page rarely changes, but its Link header
            # (where the list now ends) does, and an ETag covers only the body.
            first = await self._get(
                url, {"per_page": str(star_list.PER_PAGE)}, ref, cached=False,
                accept=star_list.ACCEPT,
            )
        except RepoNotFound:
            raise StargazersClosed(ref, 404) from None
        except UnexpectedResponse as error:
            if error.status in {401, 403}:
                raise StargazersClosed(ref, error.status) from None
            raise
        first_page = star_list.parse_page(ref, first.content)
        walked: list[list[tuple[str, datetime]]] = []
        last_url = first.links.get("last")
        known_after: datetime | None = None
        if last_url is not None:
            if not self._same_origin(last_url):
                raise UnexpectedResponse(200, f"the stargazers of {ref} go on at another host")
            last = httpx.URL(last_url)
            number = int(last.params.get("page", "1"))
            while number > 1:
                if 1 + len(walked) >= max_pages:
                    # Only what comes after the oldest star walked back to is complete.
                    known_after = min(
                        (moment for page in walked for _, moment in page), default=_NEVER
                    )
                    break
                answer = await self._get(
                    str(last.copy_set_param("page", str(number))), None, ref,
                    accept=star_list.ACCEPT,
                )
                walked.append(star_list.parse_page(ref, answer.content))
                number -= 1
                oldest = walked[-1][0][1] if walked[-1] else None
                # Strictly before: a star given at ``since`` itself may be on the page before.
                if since is not None and oldest is not None and oldest < since:
                    known_after = oldest
                    break
        pages = [first_page, *walked]
        return Stargazers(ref, star_list.merge(pages), known_after, len(pages))

    async def repositories(
        self, refs: Sequence[RepoRef]
    ) -> dict[RepoRef, RepoInfo | GitHubError]:
        """Metadata of many repositories, one GraphQL query (a point) per
        :data:`~bot.clients.github.queries.BATCH_SIZE`.

        A repository GitHub cannot resolve maps to :class:`RepoNotFound`; one error does
        not spoil the batch. Needs a token: GitHub's GraphQL refuses anonymous callers.
        """
        results: dict[RepoRef, RepoInfo | GitHubError] = {}
        unique = list(dict.fromkeys(refs))
        for start in range(0, len(unique), queries.BATCH_SIZE):
            batch = unique[start : start + queries.BATCH_SIZE]
            variables: dict[str, str] = {}
            for index, ref in enumerate(batch):
                variables[f"o{index}"] = ref.owner
                variables[f"n{index}"] = ref.name
            body = await self._graphql(queries.metadata_query(len(batch)), variables)
            results.update(_batch_results(batch, body))
        return results

    async def search_repositories(
        self, query: str, *, sort: str = "stars", per_page: int = 30, page: int = 1
    ) -> SearchPage:
        """``GET /search/repositories``: one page (at most 100) of matches, best first.

        Search has a budget of its own, reset every minute (30 requests with a token, 10
        without): when the last answer said it is spent, this waits for the reset rather
        than be refused, or raises :class:`RateLimited` if that is beyond ``max_wait``.
        """
        await self._pace("search")
        params = {"q": query, "sort": sort, "order": "desc", "per_page": str(per_page),
                  "page": str(page)}
        # Never from the ETag cache: a search's answer changes with the hour.
        answer = await self._get(f"{self.api_url}/search/repositories", params, None,
                                 cached=False)
        return models.from_search(self._decode(wire.SEARCH, answer.content, "a search"))

    # -- plumbing -------------------------------------------------------------------------

    async def _pace(self, resource: str) -> None:
        if self.remaining(resource) != 0:
            return
        reset = self.rate[resource].reset_at
        wait = (reset - self._clock()).total_seconds()
        if wait > self._max_wait:
            raise RateLimited(resource, reset)
        # GitHub's reset is whole seconds; a second more makes sure it has passed.
        await self._sleep(wait + 1)

    def _same_origin(self, url: str) -> bool:
        # Following a link elsewhere would hand our token to another host.
        return _origin(url) in self._origins

    async def _history_page(
        self, ref: RepoRef, url: str, params: dict[str, str] | None
    ) -> tuple[_Answer, list[hist.Week]]:
        # A malformed page is read once more (fresh, not from the ETag cache) before
        # giving up: it is more likely a bad answer than a bad history.
        for attempt in range(2):
            answer = await self._get(url, params, ref, cached=attempt == 0,
                                     max_bytes=MAX_HISTORY_BYTES)
            links = answer.links
            try:
                weeks = hist.parse_page(ref, answer.content)
                if not weeks:
                    raise InvalidHistory(ref, "the page holds no weeks")
                if "next" in links and len(weeks) != hist.PER_PAGE:
                    raise InvalidHistory(ref, f"a page of {len(weeks)} weeks has a next page")
            except InvalidHistory:
                if attempt == 1:
                    raise
                self.stats.retries["invalid_page"] += 1
                continue
            return answer, weeks
        raise AssertionError("unreachable")

    async def _get(
        self,
        url: str,
        params: Mapping[str, str] | None,
        ref: RepoRef | None,
        *,
        cached: bool = True,
        accept: str | None = None,
        max_bytes: int = MAX_BODY_BYTES,
    ) -> _Answer:
        moved = foreign = False
        for _ in range(4):
            key = f"{accept or ''} {httpx.URL(url, params=params)}"
            known = self._etags.get(key) if cached else None
            headers = {"If-None-Match": known[0]} if known else {}
            if accept is not None:
                headers["Accept"] = accept
            reply = await self._send(
                "GET", url, params=params, headers=headers, max_bytes=max_bytes
            )
            if reply.status in _REDIRECTS and "location" in reply.headers:
                url = str(reply.url.join(reply.headers["location"]))
                params, moved = None, True
                foreign = foreign or not self._same_origin(url)
                continue
            if reply.status == 304 and known:
                return _Answer(known[1], known[2], moved, not_modified=True)
            if reply.status in _GONE and ref is not None:
                if foreign:
                    # Another host cannot say whether a repository exists on GitHub.
                    host = urlsplit(url).netloc
                    raise UnexpectedResponse(reply.status, f"{ref} was redirected to {host}")
                raise RepoNotFound(ref)
            if reply.status != 200:
                raise UnexpectedResponse(reply.status, _message(reply))
            if "etag" in reply.headers:
                self._etags[key] = (reply.headers["etag"], reply.content, reply.links)
            return _Answer(reply.content, reply.links, moved)
        raise UnexpectedResponse(310, f"too many redirects from {url}")

    async def _graphql(self, query: str, variables: Mapping[str, Any]) -> wire.GqlAnswer:
        reply = await self._send(
            "POST", self.graphql_url, json={"query": query, "variables": dict(variables)}
        )
        if reply.status != 200:
            raise UnexpectedResponse(reply.status, _message(reply))
        body = self._decode(wire.GRAPHQL, reply.content, "GraphQL's answer")
        if any(error.type == "RATE_LIMITED" for error in body.errors):
            known = self.rate.get("graphql")
            raise RateLimited("graphql", known.reset_at if known else None)
        if body.data is None:
            first = body.errors[0].message if body.errors else ""
            raise UnexpectedResponse(200, f"GraphQL refused the query: {first}")
        if body.data.get("rateLimit") is not None:
            try:
                figures = wire.GqlRateLimit.model_validate(body.data["rateLimit"])
            except ValidationError as error:
                raise UnexpectedResponse(
                    200, f"GraphQL's rateLimit is malformed: {wire.reason(error)}"
                ) from None
            self.stats.graphql_points += figures.cost
            self.rate["graphql"] = ratelimit.from_graphql(figures)
        return body

    @staticmethod
    def _decode(adapter: TypeAdapter[_T], content: bytes, what: str) -> _T:
        """``content`` validated into GitHub's documented shape (:mod:`wire`)."""
        try:
            return adapter.validate_json(content)
        except ValidationError as error:
            raise UnexpectedResponse(200, f"{what} is malformed: {wire.reason(error)}") from None

    async def _send(
        self, method: str, url: str, *, max_bytes: int = MAX_BODY_BYTES, **kwargs: Any
    ) -> _Reply:
        """One request, retried on server errors, timeouts and short rate-limit waits."""
        headers = dict(kwargs.pop("headers", None) or {})
        if self._same_origin(url):
            headers.update(self._auth)
        attempt = refusals = 0
        while True:
            self._count(url)
            wait: float | None = None
            try:
                reply = await self._exchange(method, url, headers, kwargs, max_bytes)
            except httpx.TimeoutException:
                kind = "timeout"
            except httpx.TransportError:
                kind = "connection"
            else:
                self._note_rate(reply)
                if reply.status >= 500:
                    kind = "server_error"
                elif _is_rate_limited(reply):
                    refusals += 1
                    spent = reply.headers.get("x-ratelimit-remaining") == "0"
                    kind = "rate_limited" if spent else "secondary_limit"
                    wait = self._rate_wait(reply, refusals)
                else:
                    return reply
            attempt += 1
            if attempt > self._max_retries:
                if kind in {"rate_limited", "secondary_limit"}:
                    raise RateLimited(self._resource(url), self._reset_at(url),
                                      secondary=kind == "secondary_limit")
                raise GitHubUnavailable(kind, attempt, url)
            self.stats.retries[kind] += 1
            if wait is None:
                wait = self._backoff_delay(attempt)
            else:
                what = ("GitHub's secondary rate limit" if kind == "secondary_limit"
                        else "GitHub's hourly rate limit")
                (self.on_wait or log.warning)(
                    f"{what}: waiting {wait:.0f} s before retry {attempt} of {self._max_retries}"
                )
            await self._sleep(wait)

    async def _exchange(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        options: Mapping[str, Any],
        max_bytes: int,
    ) -> _Reply:
        request = self._http.build_request(method, url, headers=headers, **options)
        response = await self._http.send(request, stream=True)
        try:
            content = await _read(response, max_bytes)
        finally:
            await response.aclose()
        links = {str(rel): link["url"] for rel, link in response.links.items() if "url" in link}
        return _Reply(response.status_code, response.headers, response.url, content, links)

    def _count(self, url: str) -> None:
        if url == self.graphql_url:
            self.stats.graphql_calls += 1
        elif self._resource(url) == "search":
            self.stats.search_calls += 1
        elif not url.endswith("/rate_limit"):
            self.stats.rest_calls += 1

    def _resource(self, url: str) -> str:
        if url == self.graphql_url:
            return "graphql"
        return "search" if urlsplit(url).path.endswith("/search/repositories") else "core"

    def _reset_at(self, url: str) -> datetime | None:
        known = self.rate.get(self._resource(url))
        return known.reset_at if known else None

    def _note_rate(self, reply: _Reply) -> None:
        figures = ratelimit.from_headers(reply.headers)
        if figures is not None:
            self.rate[figures.resource] = figures

    def _rate_wait(self, reply: _Reply, refusals: int) -> float:
        """Seconds to wait before retrying the ``refusals``-th rate-limited answer to one
        request, as GitHub documents it: ``Retry-After`` when it is a number of seconds or
        an HTTP date; the reset time when the hour's budget is spent; otherwise (a
        secondary limit) a minute, doubling while the limit persists. Raises
        :class:`RateLimited` when that is longer than ``max_wait``."""
        figures = ratelimit.from_headers(reply.headers)
        spent = reply.headers.get("x-ratelimit-remaining") == "0"
        now = self._clock()
        retry_at = _retry_after(reply.headers.get("retry-after"), now)
        if retry_at is not None:
            wait = max(0.0, (retry_at - now).total_seconds())
        elif spent and figures is not None:
            # GitHub's reset is whole seconds; a second more makes sure it has passed.
            wait = max(1.0, (figures.reset_at - now).total_seconds() + 1)
        else:
            wait = SECONDARY_LIMIT_WAIT * 2.0 ** (refusals - 1)
        if wait > self._max_wait:
            resource = figures.resource if figures else "core"
            raise RateLimited(resource, now + timedelta(seconds=wait), secondary=not spent)
        return wait

    def _backoff_delay(self, attempt: int) -> float:
        ceiling = min(self._max_backoff, self._backoff * 2.0 ** (attempt - 1))
        return ceiling * self._rng.uniform(0.5, 1.0)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


async def _read(response: httpx.Response, limit: int) -> bytes:
    """The body, refused past ``limit`` bytes (counted as decoded, so a compressed answer
    cannot slip past the cap)."""
    size = f"{limit / 2**20:g} MiB" if limit >= 2**20 else f"{limit // 2**10} KiB"
    too_large = UnexpectedResponse(
        response.status_code,
        f"the answer from {response.url.path} is larger than the {size} this client reads",
    )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    read = 0
    async for chunk in response.aiter_bytes():
        read += len(chunk)
        if read > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _retry_after(value: str | None, now: datetime) -> datetime | None:
    """``Retry-After`` as HTTP defines it (RFC 9110): delay-seconds or an HTTP date;
    anything else is ignored, as if the header were absent."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return now + timedelta(seconds=min(int(text), 86_400))
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else None


def _is_rate_limited(reply: _Reply) -> bool:
    if reply.status == 429:
        return True
    if reply.status != 403:
        return False
    if "retry-after" in reply.headers or reply.headers.get("x-ratelimit-remaining") == "0":
        return True
    return "rate limit" in _message(reply).lower()


def _message(reply: _Reply) -> str:
    try:
        return wire.MESSAGE.validate_json(reply.content).message
    except ValidationError:
        return reply.content[:200].decode(errors="replace")


def _batch_results(
    batch: Sequence[RepoRef], body: wire.GqlAnswer
) -> dict[RepoRef, RepoInfo | GitHubError]:
    data = body.data or {}
    errors: dict[str, wire.GqlError] = {}
    for error in body.errors:
        if error.path:
            errors.setdefault(str(error.path[0]), error)
    results: dict[RepoRef, RepoInfo | GitHubError] = {}
    for index, ref in enumerate(batch):
        name = queries.alias(index)
        node = data.get(name)
        if node is not None:
            try:
                results[ref] = models.from_graphql(wire.GqlRepo.model_validate(node))
            except ValidationError as error:
                results[ref] = UnexpectedResponse(
                    200, f"GitHub's metadata of {ref} is malformed: {wire.reason(error)}"
                )
            except UnexpectedResponse as malformed:
                results[ref] = malformed
            continue
        problem = errors.get(name)
        if problem is not None and problem.type == "NOT_FOUND":
            results[ref] = RepoNotFound(ref)
        else:
            message = problem.message if problem else "no data and no error"
            results[ref] = UnexpectedResponse(200, f"GraphQL on {ref}: {message}")
    return results
