"""A channel's radar, read from the store: its themes' young candidates, fastest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.core.command import ChannelKey
from bot.core.figures import stars_in, window
from bot.core.repo_ref import RepoRef
from bot.core.store import RepoRecord, Store
from bot.features.radar.refresh import MAX_AGE_DAYS
from bot.features.radar.themes import RadarTheme, list_themes

SHOWN = 5
VELOCITY_DAYS = 7
# Older finds belong to a refresh that has stopped running; better none than stale ones.
POOL_MAX_AGE = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class RadarPick:
    ref: RepoRef
    themes: tuple[str, ...]
    created: datetime
    age_days: int
    stars: int | None
    velocity: float
    # True: stars per day over the whole days before ``as_of``, from GitHub's daily
    # history; False: the average since creation, from the total (history not in yet).
    exact: bool
    as_of: date | None


@dataclass(frozen=True, slots=True)
class Radar:
    themes: tuple[RadarTheme, ...]
    picks: tuple[RadarPick, ...]
    refreshed_at: datetime | None  # the newest find among the candidates


async def radar_picks(
    store: Store,
    key: ChannelKey,
    now: datetime,
    *,
    limit: int = SHOWN,
    watched: Sequence[RepoRecord] | None = None,
) -> Radar:
    """``watched``: the channel's list, when the caller has read it already."""
    if watched is None:
        watched = [item.repo for item in await store.watch_list(key)]
    themes = list_themes(watched)
    listed = {repo.id for repo in watched}
    oldest = now - timedelta(days=MAX_AGE_DAYS)
    matched: dict[int, tuple[RepoRecord, list[str]]] = {}
    newest: datetime | None = None
    names = {theme.key: theme.name for theme in themes}
    for candidate in await store.radar_pool([theme.key for theme in themes]):
        repo, created = candidate.repo, candidate.repo.metadata.created_at
        if now - candidate.found_at > POOL_MAX_AGE:
            continue
        newest = max(newest or candidate.found_at, candidate.found_at)
        if repo.id in listed or repo.status != "active" or created is None or created < oldest:
            continue
        matched.setdefault(repo.id, (repo, []))[1].append(names[candidate.theme])
    picks = [await _pick(store, repo, tuple(found), now) for repo, found in matched.values()]
    picks.sort(key=lambda p: (-p.velocity, -(p.stars or 0), p.ref.key))
    return Radar(tuple(themes), tuple(picks[:limit]), newest)


async def _pick(
    store: Store, repo: RepoRecord, themes: tuple[str, ...], now: datetime
) -> RadarPick:
    created = repo.metadata.created_at
    assert created is not None
    age = (now - created).days
    snapshot = await store.latest_snapshot(repo.id)
    stars = snapshot.stars if snapshot else None
    fetched = repo.stars_fetched_at
    if fetched is not None:
        as_of = fetched.astimezone(UTC).date()
        # A repo younger than the window is measured over the days it has existed.
        days = max(1, min(VELOCITY_DAYS, (as_of - created.astimezone(UTC).date()).days))
        span = window(as_of, days)
        daily = await store.daily_stars(repo.id, span.start, span.end)
        velocity = stars_in(daily, span) / days
        return RadarPick(repo.ref, themes, created, age, stars, velocity, True, as_of)
    average = (stars or 0) / max(1.0, (now - created).total_seconds() / 86_400)
    return RadarPick(repo.ref, themes, created, age, stars, average, False, None)
