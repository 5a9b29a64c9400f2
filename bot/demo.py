"""Synthetic data for ``momentum demo``: fictional repos, made-up numbers, clearly labelled.

The shapes are the ones a briefing has to explain: a steady grower, a repo that took off
after a release, one cooling down, a one-day spike and a quiet one.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.chat import ChannelKey
from bot.repo_ref import RepoRef
from bot.store import RepoEvent, RepoMetadata, Snapshot, Store

DEMO_LABEL = "DEMO: fictional repositories with synthetic figures, not GitHub data."
HISTORY_DAYS = 120


@dataclass(frozen=True, slots=True)
class DemoRepo:
    full_name: str
    description: str
    language: str
    topics: tuple[str, ...]
    base_stars: int
    daily: float  # typical stars per day
    trend: float  # relative change in daily stars over the last 30 days (+1.0 doubles)
    release_days_ago: int | None = None
    spike_days_ago: int | None = None


DEMO_REPOS = (
    DemoRepo("demo-labs/swiftinfer", "Fast local inference (synthetic demo repo)", "C++",
             ("llm", "inference"), 41_200, 95, 0.8, release_days_ago=5),
    DemoRepo("demo-labs/tensorkit", "Tensors for everyone (synthetic demo repo)", "Python",
             ("machine-learning",), 88_400, 60, 0.0),
    DemoRepo("sample-org/agentflow", "Agents in flows (synthetic demo repo)", "Python",
             ("llm", "agents"), 23_900, 70, -0.5),
    DemoRepo("sample-org/vectorhouse", "A vector database (synthetic demo repo)", "Rust",
             ("database", "vector-search"), 12_300, 25, 0.2, spike_days_ago=3),
    DemoRepo("example-dev/quietlib", "A small, stable library (synthetic demo repo)", "Go",
             ("cli",), 3_100, 3, 0.0),
)


def synthetic_daily_stars(repo: DemoRepo, today: date, seed: int = 7) -> dict[date, int]:
    rng = random.Random(f"{seed}:{repo.full_name}")
    counts: dict[date, int] = {}
    for days_ago in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=days_ago)
        recent = max(0.0, (30 - days_ago) / 30)
        level = repo.daily * (1 + repo.trend * recent)
        if repo.release_days_ago is not None and days_ago <= repo.release_days_ago:
            level *= 1.6
        if repo.spike_days_ago is not None and days_ago == repo.spike_days_ago:
            level *= 8
        weekly = 1 - 0.15 * math.cos(2 * math.pi * day.weekday() / 7)
        counts[day] = max(0, round(rng.gauss(level * weekly, math.sqrt(level) + 1)))
    return counts


async def seed_demo(store: Store, channel: ChannelKey, now: datetime) -> None:
    """Fill ``store`` with the demo repos, their history, and a watch list for ``channel``."""
    today = now.astimezone(UTC).date()
    refs = [RepoRef.parse(repo.full_name) for repo in DEMO_REPOS]
    await store.add_to_watch_list(channel, refs, "demo", now, cap=len(refs))
    for repo, ref in zip(DEMO_REPOS, refs, strict=True):
        record = await store.add_repo(ref, now)
        created = datetime.combine(today - timedelta(days=900), time(), tzinfo=UTC)
        metadata = RepoMetadata(
            ref=ref,
            description=repo.description,
            primary_language=repo.language,
            topics=repo.topics,
            created_at=created,
            pushed_at=now,
        )
        await store.save_repo_metadata(record.id, metadata, now)
        counts = synthetic_daily_stars(repo, today)
        await store.put_daily_stars(record.id, counts, now)
        stars = repo.base_stars + sum(counts.values())
        await store.add_snapshot(record.id, Snapshot(now, stars, forks=stars // 9))
        if repo.release_days_ago is not None:
            released = datetime.combine(
                today - timedelta(days=repo.release_days_ago), time(15), tzinfo=UTC
            )
            await store.add_events(
                record.id, [RepoEvent("release", "v2.0.0", "v2.0.0", released)]
            )
