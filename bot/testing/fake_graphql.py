"""The GraphQL subset of the fake GitHub: a small schema, resolved against a scenario.

Only what Momentum reads is modelled. GitHub's quirks kept on purpose: ``repository`` is
nullable, so a FORBIDDEN ``stargazers`` (non-null) nulls the whole repository; errors
carry GitHub's top-level ``type`` (NOT_FOUND, FORBIDDEN); a renamed repository still
answers to its former name; the cost of a query is computed before it runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    build_schema,
    execute_sync,
    parse,
    validate,
    value_from_ast_untyped,
)

from bot.testing.github_scenario import Scenario, ScenarioRepo

_SDL = """
scalar DateTime
scalar URI

type Query {
  repository(owner: String!, name: String!, followRenames: Boolean = true): Repository
  rateLimit(dryRun: Boolean = false): RateLimit
}

type RateLimit {
  cost: Int!
  limit: Int!
  nodeCount: Int!
  remaining: Int!
  resetAt: DateTime!
  used: Int!
}

type Repository {
  id: ID!
  databaseId: Int
  name: String!
  nameWithOwner: String!
  url: URI!
  isPrivate: Boolean!
  description: String
  homepageUrl: URI
  stargazerCount: Int!
  forkCount: Int!
  createdAt: DateTime!
  pushedAt: DateTime
  viewerPermission: RepositoryPermission
  primaryLanguage: Language
  repositoryTopics(first: Int, after: String): RepositoryTopicConnection!
  releases(first: Int, after: String, orderBy: ReleaseOrder): ReleaseConnection!
  pullRequests(
    states: [PullRequestState!], first: Int, after: String, orderBy: IssueOrder
  ): PullRequestConnection!
  stargazers(first: Int, after: String, orderBy: StarOrder): StargazerConnection!
}

enum RepositoryPermission { ADMIN MAINTAIN WRITE TRIAGE READ }
type Language { name: String! }
type Topic { name: String! }
type RepositoryTopic { topic: Topic! }
type RepositoryTopicConnection { totalCount: Int! nodes: [RepositoryTopic] }

enum OrderDirection { ASC DESC }
enum ReleaseOrderField { CREATED_AT NAME }
input ReleaseOrder { field: ReleaseOrderField! direction: OrderDirection! }
type Release {
  tagName: String!
  name: String
  url: URI!
  createdAt: DateTime!
  publishedAt: DateTime
}
type ReleaseConnection { totalCount: Int! nodes: [Release] }

enum PullRequestState { OPEN CLOSED MERGED }
enum IssueOrderField { CREATED_AT UPDATED_AT COMMENTS }
input IssueOrder { field: IssueOrderField! direction: OrderDirection! }
type PullRequest { number: Int! title: String! url: URI! mergedAt: DateTime }
type PullRequestConnection { totalCount: Int! nodes: [PullRequest] }

enum StarOrderField { STARRED_AT }
input StarOrder { field: StarOrderField! direction: OrderDirection! }
type User { login: String! }
type StargazerEdge { starredAt: DateTime! node: User! }
type StargazerConnection { totalCount: Int! edges: [StargazerEdge] }
"""


@cache
def fake_schema() -> GraphQLSchema:
    return build_schema(_SDL)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class GraphQLRequest:
    """One POST /graphql, as the server sees it."""

    scenario: Scenario
    token: str
    now: datetime
    base_url: str
    rate: Callable[[int], Mapping[str, Any]]  # charges the cost, returns rateLimit's fields


class _GitHubError(GraphQLError):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message, extensions={"type": kind})


def run_query(
    request: GraphQLRequest, query: str, variables: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The response body GitHub would send for ``query``."""
    try:
        document = parse(query)
    except GraphQLError as error:
        return {"errors": [_format(error)]}
    schema = fake_schema()
    invalid = validate(schema, document)
    if invalid:
        return {"errors": [_format(error) for error in invalid]}
    cost = query_cost(document, variables or {})
    rate = request.rate(cost)
    result = execute_sync(
        schema,
        document,
        root_value=_Root(request, rate),
        variable_values=dict(variables or {}),
    )
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [_format(error) for error in result.errors]
    return body


def query_cost(document: DocumentNode, variables: Mapping[str, Any]) -> int:
    """GitHub's rule: the requests needed to fill every connection, over 100, rounded,
    at least 1. A connection under a connection of ``first: n`` is filled ``n`` times."""
    fragments = {
        node.name.value: node
        for node in document.definitions
        if isinstance(node, FragmentDefinitionNode)
    }

    def walk(selections: SelectionSetNode | None, multiplier: int) -> int:
        if selections is None:
            return 0
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FragmentSpreadNode):
                total += walk(fragments[selection.name.value].selection_set, multiplier)
            elif isinstance(selection, InlineFragmentNode):
                total += walk(selection.selection_set, multiplier)
            elif isinstance(selection, FieldNode):
                size = _page_size(selection, variables)
                if size is None:
                    total += walk(selection.selection_set, multiplier)
                else:
                    total += multiplier + walk(selection.selection_set, multiplier * size)
        return total

    requests = sum(
        walk(node.selection_set, 1)
        for node in document.definitions
        if isinstance(node, OperationDefinitionNode)
    )
    return max(1, math.floor(requests / 100 + 0.5))


def _page_size(field: FieldNode, variables: Mapping[str, Any]) -> int | None:
    for argument in field.arguments or ():
        if argument.name.value in {"first", "last"}:
            value = value_from_ast_untyped(argument.value, dict(variables))
            return int(value) if value is not None else None
    return None


def _format(error: GraphQLError) -> dict[str, Any]:
    formatted: dict[str, Any] = dict(error.formatted)
    extensions = dict(formatted.pop("extensions", None) or {})
    if "type" in extensions:
        formatted["type"] = extensions.pop("type")
    if extensions:
        formatted["extensions"] = extensions
    return formatted


class _Root:
    def __init__(self, request: GraphQLRequest, rate: Mapping[str, Any]) -> None:
        self._request = request
        self._rate = rate

    def rateLimit(self, _info: object, **_args: object) -> Mapping[str, Any]:
        return self._rate

    def repository(self, _info: object, owner: str, name: str, **_args: object) -> object:
        request = self._request
        full_name = f"{owner}/{name}"
        repo = request.scenario.by_name(full_name) or request.scenario.by_former_name(full_name)
        if repo is None or (repo.private and not request.scenario.is_collaborator(
            request.token, repo
        )):
            raise _GitHubError(
                "NOT_FOUND", f"Could not resolve to a Repository with the name '{full_name}'."
            )
        return _repository(request, repo)


def _repository(request: GraphQLRequest, repo: ScenarioRepo) -> dict[str, Any]:
    now = request.now
    releases = sorted(
        (r for r in repo.releases if r.published_at <= now),
        key=lambda r: r.published_at,
        reverse=True,
    )
    pulls = sorted(
        (p for p in repo.pulls if p.merged_at <= now), key=lambda p: p.merged_at, reverse=True
    )
    url = f"https://github.com/{repo.full_name}"

    def topics(_info: object, first: int = 10, **_args: object) -> dict[str, Any]:
        nodes = [{"topic": {"name": topic}} for topic in repo.topics]
        return {"totalCount": len(nodes), "nodes": nodes[:first]}

    def release_list(_info: object, first: int = 10, **_args: object) -> dict[str, Any]:
        nodes = [
            {
                "tagName": r.tag,
                "name": r.name,
                "url": f"{url}/releases/tag/{r.tag}",
                "createdAt": iso(r.published_at),
                "publishedAt": iso(r.published_at),
            }
            for r in releases[:first]
        ]
        return {"totalCount": len(releases), "nodes": nodes}

    def pull_list(
        _info: object, first: int = 10, states: list[str] | None = None, **_args: object
    ) -> dict[str, Any]:
        # The scenario's pull requests are all merged ones.
        chosen = pulls if states is None or "MERGED" in states else []
        nodes = [
            {
                "number": p.number,
                "title": p.title,
                "url": f"{url}/pull/{p.number}",
                "mergedAt": iso(p.merged_at),
            }
            for p in chosen[:first]
        ]
        return {"totalCount": len(chosen), "nodes": nodes}

    def stargazers(_info: object, first: int = 10, **_args: object) -> dict[str, Any]:
        if not request.scenario.is_collaborator(request.token, repo):
            raise _GitHubError("FORBIDDEN", "Resource not accessible by integration")
        listed = repo.stargazers(now)
        edges = [
            {
                "starredAt": iso(datetime.fromtimestamp(given, UTC)),
                "node": {"login": f"user{index}"},
            }
            for index, given in listed[:first]
        ]
        return {"totalCount": len(listed), "edges": edges}

    return {
        "id": repo.node_id,
        "databaseId": repo.github_id,
        "name": repo.name,
        "nameWithOwner": repo.full_name,
        "url": url,
        "isPrivate": repo.private,
        "description": repo.description,
        "homepageUrl": repo.homepage,
        "stargazerCount": repo.stargazer_count(now),
        "forkCount": repo.forks,
        "createdAt": iso(repo.created_at),
        "pushedAt": iso(repo.pushed_at) if repo.pushed_at else None,
        # A scenario's collaborators may push; everyone else may only read.
        "viewerPermission": (
            "WRITE" if request.scenario.is_collaborator(request.token, repo) else "READ"
        ),
        "primaryLanguage": {"name": repo.language} if repo.language else None,
        "repositoryTopics": topics,
        "releases": release_list,
        "pullRequests": pull_list,
        "stargazers": stargazers,
    }
