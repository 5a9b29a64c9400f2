"""GitHub's answers as typed models, validated before anything reads them.

Every field the client uses is declared here with the type and range GitHub documents; an
answer that does not fit raises :class:`pydantic.ValidationError`, which the client turns
into a one-line error for the repository concerned. Fields are named as GitHub spells
them, so the models read like the API reference.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
)

Count = Annotated[StrictInt, Field(ge=0)]
# Unix seconds from 1970 to the end of year 9999: what ``datetime`` can hold.
UnixSeconds = Annotated[StrictInt, Field(ge=0, le=253_402_300_799)]


class _Wire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


# -- REST ---------------------------------------------------------------------------------


class RestRepo(_Wire):
    """``GET /repos/{owner}/{repo}``, and each item of a repository search."""

    full_name: StrictStr
    node_id: StrictStr | None = None
    id: StrictInt | None = None
    description: StrictStr | None = None
    homepage: StrictStr | None = None
    language: StrictStr | None = None
    topics: list[StrictStr] = []
    created_at: AwareDatetime | None = None
    pushed_at: AwareDatetime | None = None
    # Only with an authenticated request.
    permissions: dict[str, StrictBool] | None = None
    stargazers_count: Count
    forks_count: Count | None = None


class SearchAnswer(_Wire):
    total_count: Count = 0
    incomplete_results: StrictBool = False
    items: list[RestRepo]


class HistoryWeek(_Wire):
    """One week of ``GET /repos/{owner}/{repo}/stargazers/history``."""

    week: UnixSeconds
    total: Count
    days: Annotated[list[Count], Field(min_length=7, max_length=7)]


class StarCount(_Wire):
    count: Count


class StargazerUser(_Wire):
    id: StrictInt | None = None
    login: StrictStr | None = None


class Stargazer(_Wire):
    """A stargazer with the star media type: ``starred_at`` is required."""

    starred_at: AwareDatetime
    user: StargazerUser | None = None


class RateResource(_Wire):
    limit: Count
    remaining: Count
    reset: UnixSeconds
    used: Count = 0


class RateLimitAnswer(_Wire):
    """``GET /rate_limit``."""

    resources: dict[str, RateResource]


class RateHeaders(_Wire):
    """``X-RateLimit-*``: header values are text, so numbers are read from it."""

    resource: str = "core"
    limit: Annotated[int, Field(ge=0)]
    remaining: Annotated[int, Field(ge=0)]
    reset: Annotated[int, Field(ge=0, le=253_402_300_799)]
    used: Annotated[int, Field(ge=0)] = 0


# -- GraphQL ------------------------------------------------------------------------------


class GqlLanguage(_Wire):
    name: StrictStr


class GqlTopicName(_Wire):
    name: StrictStr


class GqlTopic(_Wire):
    topic: GqlTopicName


class GqlRelease(_Wire):
    tagName: StrictStr
    name: StrictStr | None = None
    url: StrictStr | None = None
    createdAt: AwareDatetime | None = None
    publishedAt: AwareDatetime | None = None


class GqlPull(_Wire):
    number: StrictInt
    title: StrictStr
    url: StrictStr | None = None
    mergedAt: AwareDatetime | None = None


class GqlTopics(_Wire):
    # GitHub's connections may hold null nodes (an item deleted mid-query).
    nodes: list[GqlTopic | None] = []


class GqlReleases(_Wire):
    nodes: list[GqlRelease | None] = []


class GqlPulls(_Wire):
    nodes: list[GqlPull | None] = []


class GqlRepo(_Wire):
    id: StrictStr | None = None
    databaseId: StrictInt | None = None
    nameWithOwner: StrictStr
    description: StrictStr | None = None
    homepageUrl: StrictStr | None = None
    stargazerCount: Count
    forkCount: Count | None = None
    createdAt: AwareDatetime | None = None
    pushedAt: AwareDatetime | None = None
    viewerPermission: StrictStr | None = None
    primaryLanguage: GqlLanguage | None = None
    repositoryTopics: GqlTopics | None = None
    releases: GqlReleases | None = None
    pullRequests: GqlPulls | None = None


class GqlRateLimit(_Wire):
    cost: Count
    limit: Count = 0
    remaining: Count
    resetAt: AwareDatetime
    used: Count = 0


class GqlError(_Wire):
    type: StrictStr | None = None
    message: StrictStr = ""
    path: list[StrictStr | StrictInt] | None = None


class GqlAnswer(_Wire):
    """The envelope; each aliased repository is validated on its own, so one bad node
    fails only its repository."""

    data: dict[str, Any] | None = None
    errors: list[GqlError] = []


class Message(_Wire):
    """An error answer's ``message``, when it has one."""

    message: StrictStr = ""


REST_REPO = TypeAdapter(RestRepo)
SEARCH = TypeAdapter(SearchAnswer)
HISTORY_PAGE = TypeAdapter(list[HistoryWeek])
STAR_COUNT = TypeAdapter(StarCount)
STARGAZER_PAGE = TypeAdapter(list[Stargazer])
RATE_LIMIT = TypeAdapter(RateLimitAnswer)
GRAPHQL = TypeAdapter(GqlAnswer)
MESSAGE = TypeAdapter(Message)


def reason(error: ValidationError) -> str:
    """The first problem, in a line: where it is and what is wrong."""
    first = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "the answer"
    return f"{where}: {first['msg']}"
