"""Topics and languages that several repos on a list share, with their combined pace."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from bot.core.repo_ref import RepoRef
from bot.features.briefing.model import RepoFigures, Theme

MAX_THEMES = 5
MIN_REPOS = 2


def find_themes(repos: Sequence[RepoFigures], movers: Collection[RepoRef]) -> tuple[Theme, ...]:
    """Themes of at least two measured repos, one of them a mover, fastest first.

    A language says little about what repos are for, so languages count only when the
    repos share no topic."""
    groups: dict[tuple[str, str], list[RepoFigures]] = defaultdict(list)
    for repo in repos:
        if repo.figures is None:
            continue
        for topic in repo.topics:
            groups[("topic", topic.lower())].append(repo)
        if repo.language:
            groups[("language", repo.language)].append(repo)
    themes = [
        Theme(
            name=name,
            kind=kind,
            repos=tuple(repo.ref for repo in members),
            velocity=sum(repo.velocity or 0.0 for repo in members),
            prior_velocity=sum(repo.prior_velocity or 0.0 for repo in members),
        )
        for (kind, name), members in groups.items()
        if len(members) >= MIN_REPOS and any(repo.ref in movers for repo in members)
    ]
    topics = [theme for theme in themes if theme.kind == "topic"]
    themes = topics or themes
    themes.sort(key=lambda theme: (-theme.velocity, theme.name))
    return tuple(themes[:MAX_THEMES])
