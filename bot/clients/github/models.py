"""What the client returns about a repository, parsed from GraphQL or REST answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.clients.github.errors import UnexpectedResponse
from bot.core.repo_ref import RepoRef
from bot.core.store import RepoEvent, RepoMetadata


@dataclass(frozen=True, slots=True)
class RepoInfo:
    """Totals and metadata at one moment; ``metadata.ref`` is the current name."""

    metadata: RepoMetadata
    stars: int
    forks: int | None
    events: tuple[RepoEvent, ...] = ()
    # Whether the token's user holds a role on the repository (triage and up), which is
    # what opens its stargazer list to them; None when GitHub did not say (no token).
    collaborator: bool | None = None

    @property
    def ref(self) -> RepoRef:
        return self.metadata.ref


# Roles above plain read: anyone may read a public repository, so READ says nothing.
_COLLABORATOR_ROLES = frozenset({"ADMIN", "MAINTAIN", "WRITE", "TRIAGE"})
_COLLABORATOR_PERMISSIONS = ("admin", "maintain", "push", "triage")


def _time(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _nodes(connection: object) -> list[Mapping[str, Any]]:
    if not isinstance(connection, Mapping):
        return []
    return [node for node in connection.get("nodes") or [] if isinstance(node, Mapping)]


def from_graphql(node: Mapping[str, Any]) -> RepoInfo:
    try:
        ref = RepoRef(*str(node["nameWithOwner"]).split("/", 1))
        language = node.get("primaryLanguage") or {}
        metadata = RepoMetadata(
            ref=ref,
            node_id=node.get("id"),
            github_id=node.get("databaseId"),
            description=node.get("description"),
            primary_language=language.get("name"),
            topics=tuple(
                str(n["topic"]["name"]) for n in _nodes(node.get("repositoryTopics"))
            ),
            created_at=_time(node.get("createdAt")),
            pushed_at=_time(node.get("pushedAt")),
        )
        events = [
            RepoEvent(
                "release",
                str(r["tagName"]),
                str(r.get("name") or r["tagName"]),
                occurred,
                r.get("url"),
            )
            for r in _nodes(node.get("releases"))
            if (occurred := _time(r.get("publishedAt")) or _time(r.get("createdAt")))
        ]
        events += [
            RepoEvent("pull_request", str(p["number"]), str(p["title"]), merged, p.get("url"))
            for p in _nodes(node.get("pullRequests"))
            if (merged := _time(p.get("mergedAt")))
        ]
        role = node.get("viewerPermission")
        return RepoInfo(metadata, int(node["stargazerCount"]), node.get("forkCount"),
                        tuple(events),
                        collaborator=None if role is None else role in _COLLABORATOR_ROLES)
    except (KeyError, TypeError, ValueError) as error:
        raise UnexpectedResponse(200, f"a repository in GraphQL lacks {error}") from None


def from_rest(body: Mapping[str, Any]) -> RepoInfo:
    """``GET /repos/{owner}/{repo}``: no releases or pull requests (they cost more calls)."""
    try:
        ref = RepoRef(*str(body["full_name"]).split("/", 1))
        metadata = RepoMetadata(
            ref=ref,
            node_id=body.get("node_id"),
            github_id=body.get("id"),
            description=body.get("description"),
            primary_language=body.get("language"),
            topics=tuple(str(t) for t in body.get("topics") or ()),
            created_at=_time(body.get("created_at")),
            pushed_at=_time(body.get("pushed_at")),
        )
        # ``permissions`` comes only with an authenticated request.
        permissions = body.get("permissions")
        collaborator = (
            any(permissions.get(name) for name in _COLLABORATOR_PERMISSIONS)
            if isinstance(permissions, Mapping)
            else None
        )
        return RepoInfo(metadata, int(body["stargazers_count"]), body.get("forks_count"),
                        collaborator=collaborator)
    except (KeyError, TypeError, ValueError) as error:
        raise UnexpectedResponse(200, f"a repository lacks {error}") from None


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of ``GET /search/repositories``. ``incomplete`` is GitHub's
    ``incomplete_results``: the search timed out, and matches may be missing."""

    total_count: int
    incomplete: bool
    repos: tuple[RepoInfo, ...]


def from_search(body: object) -> SearchPage:
    if not isinstance(body, Mapping) or not isinstance(body.get("items"), list):
        raise UnexpectedResponse(200, "a search answer lacks its items")
    try:
        total = int(body.get("total_count", 0))
    except (TypeError, ValueError):
        raise UnexpectedResponse(200, "a search answer's total_count is not a number") from None
    repos = tuple(from_rest(item) for item in body["items"] if isinstance(item, Mapping))
    return SearchPage(total, bool(body.get("incomplete_results")), repos)
