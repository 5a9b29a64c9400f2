"""A watch list's themes: the topics and languages its repos share."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.core.store import RepoRecord

MAX_THEMES = 5
# One repo's topic says little about a list; two repos sharing it make it a theme.
MIN_SHARED = 2

ThemeKind = Literal["topic", "language"]


@dataclass(frozen=True, slots=True)
class RadarTheme:
    kind: ThemeKind
    name: str

    @property
    def key(self) -> str:
        """How the store files the theme's candidates: ``topic:llm``, ``language:Rust``."""
        return f"{self.kind}:{self.name}"

    def query(self, created_after: date) -> str:
        """GitHub search syntax for repos of this theme created after the day."""
        value = f'"{self.name}"' if " " in self.name else self.name
        return f"{self.kind}:{value} created:>{created_after.isoformat()}"

    def __str__(self) -> str:
        return self.name


def list_themes(repos: Sequence[RepoRecord], limit: int = MAX_THEMES) -> list[RadarTheme]:
    """The themes most shared on the list (a list of one repo: that repo's own)."""
    counts: Counter[RadarTheme] = Counter()
    for repo in repos:
        found = {RadarTheme("topic", topic.lower()) for topic in repo.metadata.topics}
        if repo.metadata.primary_language:
            found.add(RadarTheme("language", repo.metadata.primary_language))
        counts.update(found)
    needed = 1 if len(repos) == 1 else MIN_SHARED
    shared = [theme for theme, n in counts.items() if n >= needed]
    # Topics before languages at equal counts: "llm" says more about a list than "Python".
    shared.sort(key=lambda t: (-counts[t], t.kind != "topic", t.name))
    return shared[:limit]
