"""The daily radar refresh: search GitHub once per theme, then collect the finds' stars.

Search has its own budget (30 requests a minute with a token, 10 without), which the
client paces; the finds' daily stars come from the same collector as watched repos', one
history page each (30 weeks reach back past any radar repo's creation).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.clients.github import GitHubClient, GitHubError, RateLimited, RepoInfo, SearchPage
from bot.collection.collector import CollectSummary, collect, record_info
from bot.core.store import RepoRecord, Store
from bot.features.radar.themes import RadarTheme, list_themes

log = logging.getLogger(__name__)

MAX_AGE_DAYS = 90
PER_THEME = 10
# Each theme costs one search (two when it times out); a day's refresh stays bounded.
MAX_THEMES = 40
# A repo collected this recently (it is on a watch list) needs no second reading.
FRESH_ENOUGH = timedelta(hours=12)


@dataclass
class RadarRefresh:
    """What one refresh did; ``incomplete``: themes whose search timed out both times (the
    previous finds were kept beside the new)."""

    searched: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    candidates: int = 0
    collected: CollectSummary | None = None

    def lines(self) -> list[str]:
        out = [
            f"radar: {len(self.searched)} themes searched, {self.candidates} candidates,"
            f" {len(self.incomplete)} incomplete, {len(self.failed)} failed,"
            f" {len(self.skipped)} left for tomorrow"
        ]
        out += [f"{theme}: {reason}" for theme, reason in self.failed.items()]
        if self.collected is not None:
            out += self.collected.lines()
        return out


async def wanted_themes(store: Store, limit: int = MAX_THEMES) -> list[RadarTheme]:
    """Every channel's themes, those most channels share first."""
    counts: Counter[RadarTheme] = Counter()
    for key in await store.watching_channels():
        counts.update(list_themes([item.repo for item in await store.watch_list(key)]))
    ordered = sorted(counts, key=lambda t: (-counts[t], t.kind != "topic", t.name))
    return ordered[:limit]


async def refresh_radar(
    store: Store,
    client: GitHubClient,
    now: datetime,
    *,
    per_theme: int = PER_THEME,
    max_themes: int = MAX_THEMES,
) -> RadarRefresh:
    """Refresh every theme's candidates and collect their daily stars (call daily)."""
    result = RadarRefresh()
    since = now.date() - timedelta(days=MAX_AGE_DAYS)
    found: dict[int, RepoRecord] = {}
    themes = await wanted_themes(store, max_themes)
    for index, theme in enumerate(themes):
        try:
            page = await _search(client, theme, since, per_theme)
        except RateLimited as error:
            log.warning("radar search stopped: %s", error)
            result.skipped = [t.key for t in themes[index:]]
            break
        except GitHubError as error:
            result.failed[theme.key] = str(error)
            continue
        records = [await _remember(store, info, now) for info in page.repos]
        ids = [record.id for record in records]
        if page.incomplete:
            # A timed-out search may have missed repos it found yesterday; keep them.
            result.incomplete.append(theme.key)
            kept = [c.repo for c in await store.radar_pool([theme.key]) if c.repo.id not in ids]
            records += kept
            ids += [record.id for record in kept]
        await store.save_radar_pool(theme.key, ids, now)
        result.searched.append(theme.key)
        found.update((record.id, record) for record in records)
    result.candidates = len(found)
    stale = [
        repo
        for repo in found.values()
        if repo.stars_fetched_at is None or now - repo.stars_fetched_at >= FRESH_ENOUGH
    ]
    if stale:
        result.collected = await collect(store, client, now, repos=stale, backfill_pages=1)
    return result


async def _search(
    client: GitHubClient, theme: RadarTheme, since: date, per_theme: int
) -> SearchPage:
    query = theme.query(since)
    page = await client.search_repositories(query, per_page=per_theme)
    if page.incomplete:
        # GitHub's timeouts come and go: one more try often completes.
        page = await client.search_repositories(query, per_page=per_theme)
    return page


async def _remember(store: Store, info: RepoInfo, now: datetime) -> RepoRecord:
    known = None
    if info.metadata.github_id is not None:
        known = await store.find_repo_by_github_id(info.metadata.github_id)
    repo = known or await store.add_repo(info.ref, now)
    return await record_info(store, repo, info, now)
