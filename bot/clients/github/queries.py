"""Every GraphQL document the client sends. ``tests/test_github_queries.py`` validates each
against GitHub's published schema.

``stargazers`` is never asked for: it is closed to all but a repository's admins and
collaborators, and its FORBIDDEN error would null the whole repository in a batch.
``viewerPermission`` (free) says which repositories the token's user holds a role on, the
only ones whose stargazer list is worth one REST call to try.
"""

from __future__ import annotations

import math

RELEASES = 5
PULL_REQUESTS = 10
TOPICS = 20
# GitHub charges a query the requests needed to fill each of its connections, over 100,
# rounded to the nearest whole number (at least 1 point). Each repository here opens
# three connections (topics, releases, pull requests), so 49 repositories are 147
# requests, 1 point, where 50 would be 150 requests, 2 points: a batch stays under 1.5.
CONNECTIONS_PER_REPO = 3
POINTS_PER_BATCH = 1
BATCH_SIZE = math.ceil((POINTS_PER_BATCH + 0.5) * 100 / CONNECTIONS_PER_REPO) - 1

RATE_LIMIT_FIELDS = "rateLimit { cost limit remaining resetAt used }"

REPOSITORY_FRAGMENT = f"""
fragment RepoFields on Repository {{
  id
  databaseId
  nameWithOwner
  description
  homepageUrl
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

    A full batch costs :data:`POINTS_PER_BATCH` (see :data:`BATCH_SIZE`).
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
