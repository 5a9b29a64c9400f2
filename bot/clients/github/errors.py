"""What can go wrong talking to GitHub, typed so callers can tell one repo's trouble
(:class:`RepoNotFound`, :class:`InvalidHistory`) from everyone's (:class:`RateLimited`,
:class:`GitHubUnavailable`)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.repo_ref import RepoRef

if TYPE_CHECKING:
    from bot.clients.github.models import RepoInfo


class GitHubError(Exception):
    """Any failure to get an answer from GitHub."""


class RepoNotFound(GitHubError):
    """GitHub says the repository does not exist (deleted, or private to us)."""

    def __init__(self, ref: RepoRef) -> None:
        super().__init__(f"{ref} was not found on GitHub")
        self.ref = ref


class InvalidHistory(GitHubError):
    """A star-history page broke GitHub's documented shape; nothing of it may be stored."""

    def __init__(self, ref: RepoRef | None, reason: str) -> None:
        super().__init__(f"star history of {ref or 'a repository'} is invalid: {reason}")
        self.ref = ref
        self.reason = reason


class RateLimited(GitHubError):
    """GitHub refuses us until ``reset_at``, further away than the client may wait: the
    hour's budget is spent, or (``secondary``) a secondary limit on requests in a short
    time refused us while budget was left."""

    def __init__(
        self, resource: str, reset_at: datetime | None, *, secondary: bool = False
    ) -> None:
        when = f" until {reset_at:%Y-%m-%d %H:%M:%S} UTC" if reset_at else ""
        if secondary:
            text = ("GitHub's secondary rate limit (too many requests in a short time, not"
                    f" the hourly budget) refused us{when}")
        else:
            text = f"GitHub's {resource} rate limit is exhausted{when}"
        super().__init__(text)
        self.resource = resource
        self.reset_at = reset_at
        self.secondary = secondary


class GitHubUnavailable(GitHubError):
    """GitHub kept failing (``kind``: server_error, timeout, connection) after retries."""

    def __init__(self, kind: str, attempts: int, detail: str = "") -> None:
        tail = f": {detail}" if detail else ""
        super().__init__(f"GitHub failed {attempts} times ({kind}){tail}")
        self.kind = kind
        self.attempts = attempts


class UnexpectedResponse(GitHubError):
    """An answer the client has no rule for (a 4xx other than 404, a malformed body)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"GitHub answered {status}: {message}")
        self.status = status
        self.message = message


class StargazersClosed(GitHubError):
    """The stargazer list refused us (401, 403 or 404): only a repository's admins and
    collaborators may read it."""

    def __init__(self, ref: RepoRef, status: int) -> None:
        super().__init__(f"the stargazer list of {ref} is closed to this token ({status})")
        self.ref = ref
        self.status = status


class HistoryUnavailable(GitHubError):
    """The server has no star-history endpoint (GitHub Enterprise Server): the history
    answered 404 for a repository that ``GET /repos`` shows exists. ``info`` is that answer,
    so the caller need not ask again."""

    def __init__(self, ref: RepoRef, info: RepoInfo) -> None:
        super().__init__(f"this GitHub has no star-history endpoint ({ref} exists)")
        self.ref = ref
        self.info = info
