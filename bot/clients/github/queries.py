"""Every GraphQL document the client sends. ``tests/test_github_queries.py`` validates each
against GitHub's published schema.

``stargazers`` is never asked for: it is closed to all but a repository's admins and
collaborators, and its FORBIDDEN error would null the whole repository in a batch.
``viewerPermission`` (free) says which repositories the token's user holds a role on, the
only ones whose stargazer list is worth one REST call to try.
"""

from __future__ import annotations

BATCH_SIZE = 50
RELEASES = 5
PULL_REQUESTS = 10
TOPICS = 20

RATE_LIMIT_FIELDS = "rateLimit { cost limit remaining resetAt used }"

REPOSITORY_FRAGMENT = f"""
fragment RepoFields on Repository {{
  id
  databaseId
  nameWithOwner
  description
  stargazerCount
  forkCount
  createdAt
  pushedAt
  viewerPermission
  primaryLanguage {{ name }}
  repositoryTopics(first: {TOPICS}) {{ nodes {{ topic {{ name }} }} }}
  releases(first: {RELEASES}, orderBy: {{field: CREATED_AT, direction: DESC}}) {{
    nodes {{ tagName name url createdAt publishedAt }}
  }}
  pullRequests(
    states: MERGED, first: {PULL_REQUESTS}, orderBy: {{field: UPDATED_AT, direction: DESC}}
  ) {{
    nodes {{ number title url mergedAt }}
  }}
}}
"""


def alias(index: int) -> str:
    return f"r{index}"


def metadata_query(count: int) -> str:
    """One query for ``count`` repositories, aliased ``r0``.. with variables ``o0``/``n0``..

    A batch of 50 costs 2 points: its 150 connections over 100, rounded.
    """
    if not 1 <= count <= BATCH_SIZE:
        raise ValueError(f"a batch holds 1 to {BATCH_SIZE} repositories, not {count}")
    variables = ", ".join(f"$o{i}: String!, $n{i}: String!" for i in range(count))
    fields = "\n".join(
        f"  {alias(i)}: repository(owner: $o{i}, name: $n{i}) {{ ...RepoFields }}"
        for i in range(count)
    )
    return f"query RepoMetadata({variables}) {{\n  {RATE_LIMIT_FIELDS}\n{fields}\n}}\n" + (
        REPOSITORY_FRAGMENT
    )
