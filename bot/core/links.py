"""Addresses of GitHub pages, built only from parts GitHub vouches for: a repo's
owner/name (checked by :class:`RepoRef`), a tag (percent-encoded whole) and a PR number."""

from __future__ import annotations

from urllib.parse import quote

from bot.core.message import Link
from bot.core.repo_ref import RepoRef

GITHUB = "https://github.com"


def repo_link(ref: RepoRef) -> Link:
    return Link(str(ref), _repo_url(ref))


def release_link(ref: RepoRef, tag: str) -> Link:
    return Link(tag, f"{_repo_url(ref)}/releases/tag/{quote(tag, safe='')}")


def pull_link(ref: RepoRef, number: int) -> Link:
    return Link(f"#{number}", f"{_repo_url(ref)}/pull/{number}")


def _repo_url(ref: RepoRef) -> str:
    # A RepoRef made by parsing needs no quoting; quoting anyway keeps one made by hand
    # from ever reaching a renderer as markup.
    return f"{GITHUB}/{quote(ref.owner, safe='')}/{quote(ref.name, safe='')}"
