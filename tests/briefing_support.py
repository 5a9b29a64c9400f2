"""Briefings built by hand, figure by figure, for tests of how they are drawn."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.figures import Momentum
from bot.core.repo_ref import RepoRef
from bot.core.store import RepoEvent
from bot.features.briefing.model import Briefing, Coincidence, RepoFigures

AS_OF = date(2026, 4, 13)  # windows: Apr 6-12 (current), Mar 30-Apr 5 (prior)
RELEASE = RepoEvent(
    "release", "v2.0", "Rocket 2.0 @everyone", datetime(2026, 4, 8, 15, tzinfo=UTC)
)


def repo(name: str, prior: int, now: int, *, event: RepoEvent | None = None) -> RepoFigures:
    """A repo that gained ``prior`` stars in the week before and ``now`` in this one,
    spread evenly over each week's 7 days (the last 14 days, oldest first)."""
    daily = (prior // 7,) * 7 + (now // 7,) * 7
    coincidence = (
        Coincidence(event, stars_after=100, hours=48, baseline_per_day=10) if event else None
    )
    return RepoFigures(
        ref=RepoRef.parse(name),
        stars=1000,
        figures=Momentum(window_days=7, stars=now, prior_stars=prior, missing_days=0),
        exact=True,
        recent_daily=daily,
        coincidence=coincidence,
    )


def briefing(*repos: RepoFigures, synthetic: bool = False) -> Briefing:
    """A 7-day briefing to AS_OF in which every repo that rose or fell is a mover."""
    return Briefing(
        as_of=AS_OF,
        window_days=7,
        repos=repos,
        accelerating=tuple(r for r in repos if (r.acceleration or 0) > 0),
        decelerating=tuple(r for r in repos if (r.acceleration or 0) < 0),
        themes=(),
        synthetic=synthetic,
    )
