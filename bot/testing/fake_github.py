"""A fake GitHub on 127.0.0.1 that behaves as GitHub does in late 2026 (DESIGN.md,
"Getting the data cheaply"), driven by a :class:`~bot.testing.github_scenario.Scenario`.

Serves the star history (``/repos/{o}/{r}/stargazers/history`` and the
``/repositories/{id}/...`` form its ``Link`` headers use), ``/stargazers/count``,
``/repos/{o}/{r}`` with ETags, the closed stargazer lists, ``/rate_limit``, a GraphQL
subset and ``/search/repositories`` (with its own per-minute budget;
:attr:`FakeGitHub.search_timeouts` makes searches answer ``incomplete_results``); every
answer carries ``X-RateLimit-*`` headers. ``enterprise=True`` makes it a GitHub Enterprise
Server, which has neither the star history nor ``/stargazers/count`` (both answer 404, as
any unknown path does). Faults (5xx, secondary limits,
429, slow answers, corrupt pages) are injected with :meth:`FakeGitHub.inject`, and every
call is counted in :attr:`FakeGitHub.stats` so tests can assert what a run cost.

    async with FakeGitHub(scenario, clock=clock) as github:
        settings = load_settings(GITHUB_API_URL=github.url, GITHUB_GRAPHQL_URL=github.graphql_url)
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import math
import operator
import re
import shlex
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiohttp import web

from bot.testing.fake_graphql import GraphQLRequest, iso, run_query
from bot.testing.github_scenario import WEEK, FakeClock, Scenario, ScenarioRepo, week_start
from bot.testing.loopback import LoopbackServer

MAX_HISTORY_PAGE = 100
HISTORY_PER_PAGE = 30
_DOCS = "https://docs.github.com/rest"
# Set by the middleware for the request it is handling (each runs in its own task).
_CORRUPT: ContextVar[bool] = ContextVar("corrupt", default=False)
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Fault:
    """What the next ``times`` matching requests get instead of a normal answer.

    ``path`` is a shell pattern (``/repos/*/stargazers/history``); None matches all.
    ``status`` 500/502/503: a server error; 403 or 429: a secondary rate limit, with
    ``Retry-After`` when ``retry_after`` is set. ``delay`` holds the answer back that many
    seconds (alone: a slow but correct answer). ``corrupt``: a history page whose first
    week's total does not match its days. The normal answer can also be altered:
    ``rewrite`` edits its JSON (a field of the wrong type, a timestamp no clock holds),
    ``padding`` appends that many bytes of whitespace, ``body`` replaces it with these
    bytes (a huge page, built before the test times anything), and ``headers`` overrides
    its headers (``X-RateLimit-Reset`` past any date).
    """

    status: int | None = None
    times: int = 1
    path: str | None = None
    retry_after: int | str | None = None
    delay: float = 0.0
    corrupt: bool = False
    rewrite: Callable[[Any], Any] | None = None
    padding: int = 0
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def matches(self, path: str) -> bool:
        return self.times > 0 and (self.path is None or fnmatch.fnmatchcase(path, self.path))


@dataclass
class FakeStats:
    """What the fake was asked: calls by endpoint, answers by status, points charged."""

    calls: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    faults: int = 0
    core_charged: int = 0
    graphql_points: int = 0
    paths: list[str] = field(default_factory=list)
    api_versions: Counter[str] = field(default_factory=Counter)

    @property
    def rest_calls(self) -> int:
        return sum(n for name, n in self.calls.items() if name not in {"graphql", "rate_limit"})


@dataclass
class _Window:
    limit: int
    reset: datetime
    used: int = 0

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


class FakeGitHub(LoopbackServer):
    def __init__(
        self,
        scenario: Scenario | Iterable[ScenarioRepo],
        *,
        clock: Callable[[], datetime] | None = None,
        anonymous_limit: int = 60,
        token_limit: int = 5000,
        graphql_limit: int = 5000,
        search_limit: int = 30,
        anonymous_search_limit: int = 10,
        enterprise: bool = False,
    ) -> None:
        self.enterprise = enterprise
        self.scenario = scenario if isinstance(scenario, Scenario) else Scenario(scenario)
        self.clock: Callable[[], datetime] = clock or FakeClock(datetime.now(UTC))
        self.stats = FakeStats()
        self._limits = {"anonymous": anonymous_limit, "core": token_limit,
                        "graphql": graphql_limit, "search": search_limit,
                        "anonymous_search": anonymous_search_limit}
        # The next this many searches time out part-way, as GitHub's do under load: they
        # answer with the matches found so far and ``incomplete_results: true``.
        self.search_timeouts = 0
        self._windows: dict[tuple[str, str], _Window] = {}
        self._faults: list[Fault] = []
        self._redirects: dict[str, str] = {}

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get("/rate_limit", self._rate_limit)
        for prefix in ("/repos/{owner}/{name}", "/repositories/{id:[0-9]+}"):
            app.router.add_get(prefix, self._repo)
            missing = self._not_found if self.enterprise else None
            app.router.add_get(prefix + "/stargazers/history", missing or self._history)
            app.router.add_get(prefix + "/stargazers/count", missing or self._count)
            app.router.add_get(prefix + "/stargazers", self._stargazers)
        app.router.add_post("/graphql", self._graphql)
        app.router.add_get("/search/repositories", self._search)
        return app

    # -- knobs ----------------------------------------------------------------------------

    def inject(self, *faults: Fault) -> None:
        """Queue faults; the first one that matches a request is used up by it."""
        self._faults.extend(faults)

    def redirect(self, path: str, location: str) -> None:
        """Answer requests for ``path`` with ``301 Location: location`` (another host, say),
        as GitHub does for a repository that moved."""
        self._redirects[path] = location

    def exhaust(self, token: str | None, resource: str = "core") -> None:
        """Use up the rest of this hour's budget, as if other programs had spent it."""
        window = self._window(token, resource)
        window.used = window.limit

    def remaining(self, token: str | None, resource: str = "core") -> int:
        return self._window(token, resource).remaining

    # -- plumbing -------------------------------------------------------------------------

    def _window(self, token: str | None, resource: str) -> _Window:
        now = self.clock()
        key = (token or "", resource)
        window = self._windows.get(key)
        if window is None or now >= window.reset:
            if resource == "search":
                limit = self._limits["anonymous_search" if token is None else "search"]
                span = timedelta(minutes=1)
            else:
                limit = self._limits["anonymous" if token is None else resource]
                span = timedelta(hours=1)
            # GitHub's hour (a minute for search) starts with the first request.
            window = _Window(limit, (now + span).replace(microsecond=0))
            self._windows[key] = window
        return window

    def _rate_headers(self, window: _Window, resource: str) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(window.limit),
            "X-RateLimit-Remaining": str(window.remaining),
            "X-RateLimit-Reset": str(int(window.reset.timestamp())),
            "X-RateLimit-Used": str(window.used),
            "X-RateLimit-Resource": resource,
        }

    @web.middleware
    async def _middleware(self, request: web.Request, handler: _Handler) -> web.StreamResponse:
        self.stats.calls[_endpoint(request)] += 1
        self.stats.paths.append(request.path)
        self.stats.api_versions[request.headers.get("X-GitHub-Api-Version", "")] += 1
        token = _token(request)
        resource = _resource(request.path)
        window = self._window(token, resource)
        response: web.StreamResponse
        if request.path in self._redirects:
            location = self._redirects[request.path]
            self.stats.statuses[301] += 1
            return web.json_response({"message": "Moved Permanently", "url": location},
                                     status=301, headers={"Location": location})
        fault = next((f for f in self._faults if f.matches(request.path)), None)
        if fault is not None:
            fault.times -= 1
            if fault.delay:
                await self.answer_after(fault.delay)
            if fault.status is not None:
                self.stats.faults += 1
                refusal = _fault_response(fault)
                refusal.headers.update(self._rate_headers(window, resource))
                self.stats.statuses[refusal.status] += 1
                return refusal
            _CORRUPT.set(fault.corrupt)
        if request.path == "/rate_limit" or (resource == "graphql" and token is not None):
            # /rate_limit is free; GraphQL is charged by its cost, in the handler.
            response = await handler(request)
        elif resource == "graphql":
            response = _error(401, "This endpoint requires you to be authenticated.")
        elif window.remaining == 0:
            response = _error(
                403,
                "API rate limit exceeded for 127.0.0.1. (But here's the good news: "
                "Authenticated requests get a higher rate limit.)"
                if token is None
                else "API rate limit exceeded for user.",
            )
        else:
            response = await handler(request)
            # A 304 is free only to a request that was authorized (GitHub's docs).
            if not (response.status == 304 and token is not None):
                window.used += 1
                self.stats.core_charged += resource == "core"
        if fault is not None:
            response = _altered(response, fault)
        if request.path != "/rate_limit":
            response.headers.update(self._rate_headers(window, resource))
        if fault is not None:
            response.headers.update(fault.headers)
        self.stats.statuses[response.status] += 1
        return response

    def _find(self, request: web.Request) -> ScenarioRepo | web.Response:
        """The repository a path names, or the answer GitHub gives when it cannot."""
        token = _token(request)
        if "id" in request.match_info:
            repo = self.scenario.by_id(int(request.match_info["id"]))
        else:
            full_name = f"{request.match_info['owner']}/{request.match_info['name']}"
            repo = self.scenario.by_name(full_name)
            moved = None if repo else self.scenario.by_former_name(full_name)
            if moved is not None:
                rest = request.path.split("/", 4)[4:]
                location = f"{_origin(request)}/repositories/{moved.github_id}"
                location += "".join("/" + part for part in rest)
                if request.query_string:
                    location += "?" + request.query_string
                return web.json_response(
                    {"message": "Moved Permanently", "url": location,
                     "documentation_url": f"{_DOCS}/guides/best-practices-for-using-the-rest-api"},
                    status=301,
                    headers={"Location": location},
                )
        if repo is None or (repo.private and not self.scenario.is_collaborator(token, repo)):
            return _error(404, "Not Found")
        return repo

    # -- endpoints ------------------------------------------------------------------------

    async def _rate_limit(self, request: web.Request) -> web.Response:
        token = _token(request)
        resources = {}
        for resource in ("core", "graphql", "search"):
            window = self._window(token, resource)
            resources[resource] = {
                "limit": window.limit,
                "remaining": window.remaining,
                "reset": int(window.reset.timestamp()),
                "used": window.used,
            }
        return web.json_response({"resources": resources, "rate": resources["core"]})

    async def _repo(self, request: web.Request) -> web.Response:
        repo = self._find(request)
        if isinstance(repo, web.Response):
            return repo
        body = _repo_body(repo, self.clock(), _origin(request))
        token = _token(request)
        if token is not None:
            # GitHub describes the caller's own role only to an authenticated caller.
            own = self.scenario.is_collaborator(token, repo)
            body["permissions"] = {"admin": False, "maintain": False, "push": own,
                                   "triage": own, "pull": True}
        return _with_etag(request, body)

    async def _not_found(self, request: web.Request) -> web.Response:
        return _error(404, "Not Found")

    async def _search(self, request: web.Request) -> web.Response:
        try:
            match = _search_filter(request.query.get("q", ""), self.clock())
            per_page = int(request.query.get("per_page", 30))
            page = int(request.query.get("page", 1))
        except ValueError as exc:
            return _error(422, f"Validation Failed: {exc}")
        if not 1 <= per_page <= 100 or page < 1:
            return _error(422, "Validation Failed: per_page is 1 to 100, page from 1")
        now = self.clock()
        found = [
            repo
            for repo in self.scenario
            if not repo.private and repo.created_at <= now and match(repo)
        ]
        if request.query.get("sort") == "stars":
            found.sort(key=lambda repo: (-repo.stargazer_count(now), repo.github_id))
            if request.query.get("order") == "asc":
                found.reverse()
        total = len(found)
        incomplete = self.search_timeouts > 0
        if incomplete:
            self.search_timeouts -= 1
            found = found[: len(found) // 2]
        # GitHub serves at most the first 1,000 matches of any search.
        chunk = found[:1000][(page - 1) * per_page : page * per_page]
        body = {
            "total_count": total,
            "incomplete_results": incomplete,
            "items": [_repo_body(repo, now, _origin(request)) for repo in chunk],
        }
        return web.json_response(body)

    async def _history(self, request: web.Request) -> web.Response:
        repo = self._find(request)
        if isinstance(repo, web.Response):
            return repo
        try:
            per_page = min(int(request.query.get("per_page", HISTORY_PER_PAGE)), HISTORY_PER_PAGE)
            page = int(request.query.get("page", 1))
        except ValueError:
            return _error(422, "per_page and page must be integers")
        if per_page < 1 or not 1 <= page <= MAX_HISTORY_PAGE:
            return _error(422, f"page must be 1 to {MAX_HISTORY_PAGE}, per_page 1 to 30")
        now = self.clock()
        current = week_start(now)
        weeks = (current - week_start(repo.created_at)).days // 7 + 1
        last = min(math.ceil(weeks / per_page), MAX_HISTORY_PAGE)
        items: list[dict[str, Any]] = []
        for index in range((page - 1) * per_page, min(page * per_page, weeks)):
            start = current - timedelta(seconds=index * WEEK)
            days = repo.day_counts(start, now)
            items.append({"week": int(start.timestamp()), "total": sum(days), "days": days})
        if _CORRUPT.get() and items:
            items[0]["total"] += 1
        base = f"{_origin(request)}/repositories/{repo.github_id}/stargazers/history"
        links = _page_links(base, per_page, page, last)
        response = _with_etag(request, items)
        if links:
            response.headers["Link"] = ", ".join(links)
        return response

    async def _count(self, request: web.Request) -> web.Response:
        repo = self._find(request)
        if isinstance(repo, web.Response):
            return repo
        return _with_etag(request, {"count": repo.stargazer_count(self.clock())})

    async def _stargazers(self, request: web.Request) -> web.Response:
        repo = self._find(request)
        if isinstance(repo, web.Response):
            return repo
        token = _token(request)
        if token is None:
            return _error(401, "Requires authentication")
        if not self.scenario.is_collaborator(token, repo):
            return _error(403, "Resource not accessible by integration")
        per_page = min(max(int(request.query.get("per_page", 30)), 1), 100)
        page = max(int(request.query.get("page", 1)), 1)
        listed = repo.stargazers(self.clock())
        chunk = listed[(page - 1) * per_page : page * per_page]
        body = [
            {"starred_at": iso(datetime.fromtimestamp(given, UTC)),
             "user": {"login": f"user{index}", "id": index + 1}}
            for index, given in chunk
        ]
        response = _with_etag(request, body)
        last = max(1, math.ceil(len(listed) / per_page))
        base = f"{_origin(request)}/repositories/{repo.github_id}/stargazers"
        links = _page_links(base, per_page, page, last)
        if links:
            response.headers["Link"] = ", ".join(links)
        return response

    async def _graphql(self, request: web.Request) -> web.Response:
        token = _token(request)
        assert token is not None  # the middleware answers anonymous requests
        try:
            payload = await request.json()
        except json.JSONDecodeError:
            return _error(400, "Problems parsing JSON")
        window = self._window(token, "graphql")

        def charge(cost: int) -> Mapping[str, Any]:
            window.used += cost
            self.stats.graphql_points += cost
            return {
                "cost": cost,
                "limit": window.limit,
                "nodeCount": 0,
                "remaining": window.remaining,
                "resetAt": iso(window.reset),
                "used": window.used,
            }

        graphql_request = GraphQLRequest(
            self.scenario, token, self.clock(), _origin(request), charge
        )
        body = run_query(graphql_request, payload.get("query", ""), payload.get("variables"))
        return web.json_response(body)


def _token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    for scheme in ("Bearer ", "token "):
        if header.startswith(scheme):
            return header.removeprefix(scheme).strip() or None
    return None


def _origin(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


def _endpoint(request: web.Request) -> str:
    path = request.path
    if path in {"/graphql", "/rate_limit"}:
        return path.strip("/")
    if path.startswith("/search/"):
        return "search"
    for suffix in ("stargazers/history", "stargazers/count", "stargazers"):
        if path.endswith("/" + suffix):
            return suffix.replace("stargazers/", "")
    return "repo"


def _page_links(base: str, per_page: int, page: int, last: int) -> list[str]:
    """A paginated answer's ``Link`` entries, as GitHub writes them."""
    links = []
    if page < last:
        links += [f'<{base}?per_page={per_page}&page={page + 1}>; rel="next"',
                  f'<{base}?per_page={per_page}&page={last}>; rel="last"']
    if page > 1:
        links += [f'<{base}?per_page={per_page}&page={page - 1}>; rel="prev"',
                  f'<{base}?per_page={per_page}&page=1>; rel="first"']
    return links


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.json_response(
        {"message": message, "documentation_url": _DOCS, "status": str(status)},
        status=status,
        headers=headers,
    )


def _fault_response(fault: Fault) -> web.Response:
    assert fault.status is not None
    if fault.status in {403, 429}:
        headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
        return _error(
            fault.status,
            "You have exceeded a secondary rate limit. Please wait a few minutes before you "
            "try again.",
            headers,
        )
    return _error(fault.status, "Server Error")


def _altered(response: web.StreamResponse, fault: Fault) -> web.StreamResponse:
    altering = fault.rewrite or fault.padding or fault.body is not None
    if not altering or not isinstance(response, web.Response):
        return response
    if response.status != 200 or not isinstance(response.body, bytes):
        return response
    body = response.body if fault.body is None else fault.body
    if fault.rewrite is not None:
        payload = json.loads(body)
        body = json.dumps(fault.rewrite(payload) or payload).encode()
    # Without its ETag: the altered answer is not the one the tag names.
    headers = {k: v for k, v in response.headers.items()
               if k.lower() not in {"etag", "content-length", "content-type"}}
    if fault.padding:
        body += b" " * fault.padding
    return web.Response(body=body, status=200, headers=headers, content_type="application/json")


def _with_etag(request: web.Request, body: object) -> web.Response:
    text = json.dumps(body, separators=(",", ":"))
    etag = f'W/"{hashlib.sha256(text.encode()).hexdigest()[:32]}"'
    if etag in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}:
        return web.Response(status=304, headers={"ETag": etag})
    return web.Response(text=text, content_type="application/json", headers={"ETag": etag})


def _repo_body(repo: ScenarioRepo, now: datetime, origin: str) -> dict[str, Any]:
    """A repository as ``GET /repos/{owner}/{repo}`` and search items describe it."""
    return {
        "id": repo.github_id,
        "node_id": repo.node_id,
        "name": repo.name,
        "full_name": repo.full_name,
        "owner": {"login": repo.owner},
        "private": repo.private,
        "html_url": f"https://github.com/{repo.full_name}",
        "url": f"{origin}/repos/{repo.full_name}",
        "description": repo.description,
        "homepage": repo.homepage,
        "created_at": iso(repo.created_at),
        "pushed_at": iso(repo.pushed_at) if repo.pushed_at else None,
        "stargazers_count": repo.stargazer_count(now),
        "watchers_count": repo.stargazer_count(now),
        "forks_count": repo.forks,
        "language": repo.language,
        "topics": list(repo.topics),
    }


def _resource(path: str) -> str:
    if path == "/graphql":
        return "graphql"
    return "search" if path.startswith("/search/") else "core"


_COMPARE = re.compile(r"(>=|<=|>|<)?(.+)")
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "": operator.eq,
}


def _search_filter(query: str, now: datetime) -> Callable[[ScenarioRepo], bool]:
    """The subset of GitHub's search syntax Momentum sends: ``topic:``, ``language:``,
    ``created:`` (a date) and ``stars:`` with ``>``, ``>=``, ``<``, ``<=`` or none, and
    plain words (in the name or description). Anything else is refused, as GitHub
    refuses bad syntax."""
    # shlex keeps a quoted value whole, as GitHub does: language:"Jupyter Notebook".
    tests = [_word_test(word, now) for word in shlex.split(query)]
    return lambda repo: all(test(repo) for test in tests)


def _word_test(word: str, now: datetime) -> Callable[[ScenarioRepo], bool]:
    qualifier, colon, value = word.partition(":")
    wanted = value.lower()
    if not colon:
        text = word.lower()
        return lambda r: text in f"{r.full_name} {r.description or ''}".lower()
    if qualifier == "topic":
        return lambda r: wanted in (topic.lower() for topic in r.topics)
    if qualifier == "language":
        return lambda r: (r.language or "").lower() == wanted
    if qualifier == "created":
        compare, day = _comparison(value)
        when = date.fromisoformat(day)
        return lambda r: compare(r.created_at.astimezone(UTC).date(), when)
    if qualifier == "stars":
        compare, number = _comparison(value)
        return lambda r: compare(r.stargazer_count(now), int(number))
    raise ValueError(f"the qualifier '{qualifier}' is not supported here")


def _comparison(value: str) -> tuple[Callable[[Any, Any], bool], str]:
    found = _COMPARE.fullmatch(value)
    if found is None:
        raise ValueError(f"'{value}' is not a comparison")
    return _OPERATORS[found[1] or ""], found[2]
