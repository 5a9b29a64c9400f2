"""``momentum demo``: the whole bot offline, on a synthetic GitHub served on loopback.

The repositories are fictional and their figures made up, and every reply says so.
Beside GitHub, a Hacker News story sits behind the spike and a news feed the channel
follows writes about the list (for the briefing's causes and its coverage section). The
shapes are the ones a briefing has to explain: a repo that took off after a release, a
steady grower, one cooling down, a spike still under way (yesterday and today, enough for
a spike alert) and a quiet one. Off the list, a young repo rising fast in the list's
themes (llm, Python) is there for the radar to find. The data reaches the store the way
real data does: the collector reads it from the fake GitHub over HTTP.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.core.repo_ref import RepoRef
from bot.testing import ScenarioPull, ScenarioRelease, ScenarioRepo
from bot.testing.fake_feeds import FakeFeed, FakeFeedItem
from bot.testing.fake_hn import FakeStory
from bot.testing.github_scenario import Scenario

DEMO_TOKEN = "demo-token"  # lets the collector use the fake's GraphQL, as with a real token
HISTORY_DAYS = 400


@dataclass(frozen=True, slots=True)
class DemoRepo:
    full_name: str
    description: str
    language: str
    topics: tuple[str, ...]
    daily: float  # typical stars per day
    trend: float  # relative change in daily stars over the last 30 days (+1.0 doubles)
    release_days_ago: int | None = None
    # Stars run at 8× from this many days ago through today (0: today only).
    spike_days_ago: int | None = None

    @property
    def ref(self) -> RepoRef:
        return RepoRef.parse(self.full_name)


DEMO_REPOS = (
    DemoRepo("demo-labs/swiftinfer", "Fast local inference (synthetic demo repo)", "C++",
             ("llm", "inference"), 95, 0.8, release_days_ago=5),
    DemoRepo("demo-labs/tensorkit", "Tensors for everyone (synthetic demo repo)", "Python",
             ("machine-learning",), 60, 0.0),
    DemoRepo("sample-org/agentflow", "Agents in flows (synthetic demo repo)", "Python",
             ("llm", "agents"), 70, -0.5),
    DemoRepo("sample-org/vectorhouse", "A vector database (synthetic demo repo)", "Rust",
             ("database", "vector-search"), 25, 0.2, spike_days_ago=1),
    DemoRepo("example-dev/quietlib", "A small, stable library (synthetic demo repo)", "Go",
             ("cli",), 3, 0.0),
)
# Not on the list: created RISER_AGE_DAYS ago, from a few stars a day to RISER_PEAK.
DEMO_RISER = DemoRepo("demo-labs/pocketllm", "A tiny LLM runtime (synthetic demo repo)",
                      "Python", ("llm",), 5, 0.0)
RISER_AGE_DAYS = 40
RISER_PEAK = 240
SPIKE_FACTOR = 8


def synthetic_daily_stars(repo: DemoRepo, today: date, seed: int = 7) -> list[int]:
    """Stars for each of the ``HISTORY_DAYS`` days before ``today``, oldest first."""
    rng = random.Random(f"{seed}:{repo.full_name}")
    counts = []
    for days_ago in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=days_ago)
        recent = max(0.0, (30 - days_ago) / 30)
        level = repo.daily * (1 + repo.trend * recent)
        if repo.release_days_ago is not None and days_ago <= repo.release_days_ago:
            level *= 1.6
        if repo.spike_days_ago is not None and days_ago <= repo.spike_days_ago:
            level *= SPIKE_FACTOR
        weekly = 1 - 0.15 * math.cos(2 * math.pi * day.weekday() / 7)
        counts.append(max(0, round(rng.gauss(level * weekly, math.sqrt(level) + 1))))
    return counts


def demo_scenario(now: datetime) -> Scenario:
    today = now.astimezone(UTC).date()
    created = datetime.combine(today - timedelta(days=HISTORY_DAYS), time(), UTC)
    repos = []
    for number, repo in enumerate(DEMO_REPOS, start=1):
        # Today's stars so far, as GitHub would have them at this moment.
        rate = repo.daily * (SPIKE_FACTOR if repo.spike_days_ago is not None else 1)
        daily = [*synthetic_daily_stars(repo, today), round(rate * now.hour / 24)]
        releases = []
        if repo.release_days_ago is not None:
            released = datetime.combine(
                today - timedelta(days=repo.release_days_ago), time(15), UTC
            )
            releases.append(ScenarioRelease("v2.0.0", "v2.0.0", released))
        pulls = [ScenarioPull(100 + number, "Faster start-up",
                              datetime.combine(today - timedelta(days=9), time(11), UTC))]
        repos.append(
            ScenarioRepo.with_daily(
                repo.full_name, 900_000 + number, created, daily,
                forks=int(sum(daily) / 9), description=repo.description, topics=repo.topics,
                language=repo.language, pushed_at=now, releases=releases, pulls=pulls,
            )
        )
    repos.append(_riser(now))
    return Scenario(repos)


def _riser(now: datetime) -> ScenarioRepo:
    """Young and rising: stars per day grow with the square of its age, to RISER_PEAK."""
    today = now.astimezone(UTC).date()
    created = datetime.combine(today - timedelta(days=RISER_AGE_DAYS), time(), UTC)
    growth = RISER_PEAK - DEMO_RISER.daily
    daily = [
        round(DEMO_RISER.daily + growth * (age / RISER_AGE_DAYS) ** 2)
        for age in range(RISER_AGE_DAYS + 1)
    ]
    return ScenarioRepo.with_daily(
        DEMO_RISER.full_name, 900_100, created, daily, forks=sum(daily) // 12,
        description=DEMO_RISER.description, topics=DEMO_RISER.topics,
        language=DEMO_RISER.language, pushed_at=now,
    )


def demo_stories(now: datetime) -> list[FakeStory]:
    """A Hacker News story behind each demo spike, early on the spike's day (UTC)."""
    today = now.astimezone(UTC).date()
    return [
        FakeStory(
            4_000_000 + number, f"Show HN: {repo.ref.name} (synthetic demo story)",
            f"https://github.com/{repo.full_name}",
            datetime.combine(today - timedelta(days=repo.spike_days_ago), time(6), UTC),
            points=412, comments=138,
        )
        for number, repo in enumerate(DEMO_REPOS, start=1)
        if repo.spike_days_ago is not None
    ]


DEMO_FEED_TITLE = "Synthetic Tech Weekly (demo feed)"


def demo_feed(now: datetime) -> FakeFeed:
    """A news feed the demo channel follows: items in the current week about the list's
    repos, mostly the database ones, while most of the stars go to llm repos."""
    today = now.astimezone(UTC).date()

    def item(number: int, days_ago: int, title: str, repo: str) -> FakeFeedItem:
        published = datetime.combine(today - timedelta(days=days_ago), time(9), UTC)
        return FakeFeedItem(f"demo-{number}", title, f"https://github.com/{repo}", published,
                            summary=f"About {repo} (synthetic demo item).")

    return FakeFeed("demo", DEMO_FEED_TITLE, [
        item(1, 6, "Vector databases, compared (synthetic)", "sample-org/vectorhouse"),
        item(2, 4, "Inside a vector index (synthetic)", "sample-org/vectorhouse"),
        item(3, 3, "Tensors for everyone, reviewed (synthetic)", "demo-labs/tensorkit"),
        item(4, 2, "Local inference, measured (synthetic)", "demo-labs/swiftinfer"),
    ], updated=now)
