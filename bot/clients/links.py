"""Whether a link points at a repository: its GitHub pages, or its homepage.

Shared by the Hacker News client and the feed reader, so a story and a feed item are
matched to a repository by the same rule.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.core.repo_ref import RepoRef

_GITHUB = "github.com"


def _host_and_path(url: str) -> tuple[str, list[str]] | None:
    """The lower-cased host without ``www.`` and the path's segments; None if not http(s)."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not host:
        return None
    return host.removeprefix("www."), [segment for segment in parts.path.split("/") if segment]


def github_repo_of(url: str) -> RepoRef | None:
    """The repository a github.com link is on (``…/owner/name/releases/tag/v1`` included)."""
    split = _host_and_path(url)
    if split is None or split[0] != _GITHUB or len(split[1]) < 2:
        return None
    owner, name = split[1][0], split[1][1].removesuffix(".git")
    try:
        return RepoRef.parse(f"{owner}/{name}")
    except ValueError:
        return None


def usable_homepage(homepage: str | None) -> str | None:
    """The homepage when it says more than the GitHub page does (not on github.com)."""
    if not homepage:
        return None
    split = _host_and_path(homepage)
    if split is None or split[0] == _GITHUB:
        return None
    return homepage


def links_to(url: str, ref: RepoRef, homepage: str | None = None) -> bool:
    """True when ``url`` is on the repository's GitHub pages, or is its homepage or a page
    under it (same host, ``www.`` aside, and the homepage's path as a whole-segment prefix).
    Scheme, query and fragment are ignored; nothing is matched by a mere substring."""
    if github_repo_of(url) == ref:
        return True
    home = usable_homepage(homepage)
    if home is None:
        return False
    link, base = _host_and_path(url), _host_and_path(home)
    if link is None or base is None or link[0] != base[0]:
        return False
    return [s.lower() for s in link[1][: len(base[1])]] == [s.lower() for s in base[1]]


def search_text(url: str) -> str:
    """A URL as words to search for: host and path, without scheme, ``www.`` or query."""
    split = _host_and_path(url)
    if split is None:
        return url
    return "/".join([split[0], *split[1]])
