"""What the client returns about a repository, built from validated GraphQL or REST
answers (:mod:`bot.clients.github.wire`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from bot.clients.github import wire
from bot.clients.github.errors import UnexpectedResponse
from bot.core.repo_ref import InvalidRepoRef, RepoRef
from bot.core.store import RepoEvent, RepoMetadata

_Node = TypeVar("_Node")


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


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


def _ref(full_name: str) -> RepoRef:
    try:
        return RepoRef.parse(full_name)
    except InvalidRepoRef:
        raise UnexpectedResponse(200, f"GitHub named a repository {full_name!r}") from None


def _present(nodes: Iterable[_Node | None]) -> list[_Node]:
    return [node for node in nodes if node is not None]


def from_graphql(node: wire.GqlRepo) -> RepoInfo:
    metadata = RepoMetadata(
        ref=_ref(node.nameWithOwner),
        node_id=node.id,
        github_id=node.databaseId,
        description=node.description,
        primary_language=node.primaryLanguage.name if node.primaryLanguage else None,
        topics=tuple(
            t.topic.name for t in _present(node.repositoryTopics.nodes
                                           if node.repositoryTopics else ())
        ),
        created_at=_utc(node.createdAt),
        pushed_at=_utc(node.pushedAt),
        homepage=node.homepageUrl or None,
    )
    events = [
        RepoEvent("release", r.tagName, r.name or r.tagName, occurred, r.url)
        for r in _present(node.releases.nodes if node.releases else ())
        if (occurred := _utc(r.publishedAt) or _utc(r.createdAt))
    ]
    events += [
        RepoEvent("pull_request", str(p.number), p.title, merged, p.url)
        for p in _present(node.pullRequests.nodes if node.pullRequests else ())
        if (merged := _utc(p.mergedAt))
    ]
    role = node.viewerPermission
    return RepoInfo(metadata, node.stargazerCount, node.forkCount, tuple(events),
                    collaborator=None if role is None else role in _COLLABORATOR_ROLES)


def from_rest(body: wire.RestRepo) -> RepoInfo:
    """``GET /repos/{owner}/{repo}``: no releases or pull requests (they cost more calls)."""
    metadata = RepoMetadata(
        ref=_ref(body.full_name),
        node_id=body.node_id,
        github_id=body.id,
        description=body.description,
        primary_language=body.language,
        topics=tuple(body.topics),
        created_at=_utc(body.created_at),
        pushed_at=_utc(body.pushed_at),
        # GitHub answers "" for a homepage cleared in the settings.
        homepage=body.homepage or None,
    )
    # ``permissions`` comes only with an authenticated request.
    permissions = body.permissions
    collaborator = (
        any(permissions.get(name) for name in _COLLABORATOR_PERMISSIONS)
        if permissions is not None
        else None
    )
    return RepoInfo(metadata, body.stargazers_count, body.forks_count, collaborator=collaborator)


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of ``GET /search/repositories``. ``incomplete`` is GitHub's
    ``incomplete_results``: the search timed out, and matches may be missing."""

    total_count: int
    incomplete: bool
    repos: tuple[RepoInfo, ...]


def from_search(body: wire.SearchAnswer) -> SearchPage:
    return SearchPage(body.total_count, body.incomplete_results,
                      tuple(from_rest(item) for item in body.items))
