"""Where the list's attention diverges from its coverage: each theme's share of the list's
stars in the window against its share of the window's coverage items (Hacker News
stories and feed items about the list's repos).

A theme here is any topic of a measured repo (a repo without topics stands under its
language), not only the shared topics the briefing's themes are. An item counts for a
theme when it is about one of the theme's repos or its title carries the theme's words
(:func:`bot.clients.feeds.text_carries_theme`). An item about several repos is one item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from bot.clients.feeds import text_carries_theme
from bot.core.store import RepoEvent
from bot.features.briefing.model import Coverage, RepoFigures, ThemeCoverage

# A gap smaller than this (in shares, 0 to 1) is no divergence worth naming.
MIN_GAP = 0.10
GAPS_NAMED = 2
THEMES_KEPT = 10


def find_coverage(lines: Sequence[RepoFigures]) -> Coverage | None:
    """None when the window holds no coverage item or the list gained no stars."""
    measured = [line for line in lines if line.figures is not None]
    stars = sum(max(0, line.stars_gained or 0) for line in measured)
    items: dict[tuple[str, str], RepoEvent] = {}
    about: dict[tuple[str, str], set[int]] = defaultdict(set)
    for number, line in enumerate(measured):
        for item in line.coverage:
            items[(item.kind, item.key)] = item
            about[(item.kind, item.key)].add(number)
    if not items or stars <= 0:
        return None
    groups: dict[tuple[str, str], set[int]] = defaultdict(set)
    for number, line in enumerate(measured):
        names = [("topic", topic.lower()) for topic in line.topics]
        if not names and line.language:
            names = [("language", line.language)]
        for group in names:
            groups[group].add(number)
    # Topics of the same repos holding the same items are one theme
    # ("database/vector-search"): naming them apart would say the same gap twice.
    merged: dict[tuple[frozenset[int], int], list[tuple[str, str]]] = defaultdict(list)
    for (kind, name), members in groups.items():
        counted = sum(
            1 for key, item in items.items()
            if bool(about[key] & members) or text_carries_theme(item.title, name)
        )
        merged[(frozenset(members), counted)].append((kind, name))
    themes = []
    for (repos, counted), names in merged.items():
        theme_stars = sum(max(0, measured[n].stars_gained or 0) for n in repos)
        themes.append(ThemeCoverage(
            "/".join(name for _, name in names), names[0][0], theme_stars, counted,
            theme_stars / stars, counted / len(items),
        ))
    themes.sort(key=lambda theme: (-abs(theme.gap), theme.name))
    ahead = [theme for theme in themes if theme.gap >= MIN_GAP]
    behind = sorted((theme for theme in themes if -theme.gap >= MIN_GAP),
                    key=lambda theme: (theme.gap, theme.name))
    return Coverage(
        stars=stars,
        items=len(items),
        hn_stories=sum(1 for kind, _ in items if kind == "hn_story"),
        feed_items=sum(1 for kind, _ in items if kind == "feed_item"),
        themes=tuple(themes[:THEMES_KEPT]),
        stars_ahead=tuple(ahead[:GAPS_NAMED]),
        coverage_ahead=tuple(behind[:GAPS_NAMED]),
    )

