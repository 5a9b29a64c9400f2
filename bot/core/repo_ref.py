"""Repository references typed by people: ``owner/name`` or a GitHub address."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# GitHub's rules: an account name is letters, digits and single hyphens, neither first nor
# last, at most 39 characters; a repository name is letters, digits, '.', '-' and '_', at
# most 100 characters, and never '.' or '..'.
_OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")
_GITHUB_HOSTS = {"github.com", "www.github.com"}
_SSH_PREFIX = "git@github.com:"

OWNER_RULE = "letters, digits and single hyphens, not first or last, at most 39 characters"
NAME_RULE = "letters, digits, '.', '-' and '_', at most 100 characters"


class InvalidRepoRef(ValueError):
    """Raised when text is not a GitHub repository reference; the message says why."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"'{text}' is not a GitHub repository: {reason}")
        self.text = text
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RepoRef:
    """A GitHub repository named as ``owner/name``.

    GitHub treats names case-insensitively, so two references are equal when their
    lower-cased full names are; the spelling given is kept for display.
    """

    owner: str
    name: str

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def key(self) -> str:
        return self.full_name.lower()

    @property
    def url(self) -> str:
        return f"https://github.com/{self.full_name}"

    def __str__(self) -> str:
        return self.full_name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RepoRef) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    @classmethod
    def parse(cls, text: str) -> RepoRef:
        """Parse ``owner/name``, ``github.com/owner/name[.git]`` or a github.com URL."""
        original = text
        text = text.strip().strip("<>")
        if not text:
            raise InvalidRepoRef(original, "it is empty")
        path = _path_of(text, original)
        parts = [part for part in path.split("/") if part]
        if len(parts) != 2:
            raise InvalidRepoRef(original, "expected owner/name, like vllm-project/vllm")
        owner, name = parts
        name = name.removesuffix(".git")
        if not _OWNER.fullmatch(owner):
            reason = f"the owner '{owner}' breaks GitHub's rule ({OWNER_RULE})"
            raise InvalidRepoRef(original, reason)
        if not _NAME.fullmatch(name) or name in {".", ".."}:
            reason = f"the name '{name}' breaks GitHub's rule ({NAME_RULE})"
            raise InvalidRepoRef(original, reason)
        return cls(owner, name)


def _path_of(text: str, original: str) -> str:
    """The ``owner/name`` part of a reference, with any GitHub host or URL around it removed."""
    if text.startswith(_SSH_PREFIX):
        return text.removeprefix(_SSH_PREFIX)
    has_scheme = "://" in text
    first = text.split("/", 1)[0].lower()
    if not has_scheme and "." not in first:
        return text
    try:
        url = urlsplit(text if has_scheme else f"https://{text}")
    except ValueError:  # an unbalanced "[" or "]", read as a broken IPv6 address
        raise InvalidRepoRef(original, "it is not a well-formed web address") from None
    host = (url.hostname or "").lower()
    if url.scheme not in {"http", "https"} or host not in _GITHUB_HOSTS:
        raise InvalidRepoRef(original, "only github.com addresses are supported")
    # A pasted address may go deeper (…/tree/main, …/issues/1): the repository is its start.
    segments = [part for part in url.path.split("/") if part]
    return "/".join(segments[:2]) if len(segments) >= 2 else url.path


def split_repo_words(words: list[str]) -> list[str]:
    """Split words typed as ``a/b c/d`` or ``a/b, c/d`` into one item per repository."""
    return [item for word in words for item in word.split(",") if item.strip()]
