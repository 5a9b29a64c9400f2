"""A briefing as plain data (``momentum briefing --format json``); README has the schema."""

from __future__ import annotations

from typing import Any

from bot.core.message import plain_text
from bot.core.store import Prediction
from bot.features.briefing.lede import lede
from bot.features.briefing.model import Briefing, Coincidence, Coverage, Move, RepoFigures
from bot.features.predictions import PredictionNews
from bot.features.radar.picks import Radar


def briefing_json(
    briefing: Briefing,
    *,
    predictions: PredictionNews | None = None,
    radar: Radar | None = None,
) -> dict[str, Any]:
    """``predictions`` and ``radar``: a channel's, as its chat briefing shows them."""
    data = _figures(briefing)
    if briefing.coverage is not None:
        data["coverage"] = _coverage(briefing.coverage)
    if predictions is not None:
        data["predictions"] = {
            "scored": [_prediction(p) for p in predictions.scored],
            "new": [_prediction(p) for p in predictions.new],
            "track_record": {
                "count": predictions.record.count,
                "brier": predictions.record.brier,
                "skill": _shown(predictions.record.skill),
                "within_kind": _shown(predictions.record.within_kind),
            },
        }
    if radar is not None:
        data["radar"] = [
            {
                "repo": str(pick.ref),
                "themes": list(pick.themes),
                "age_days": pick.age_days,
                "stars": pick.stars,
                "velocity": pick.velocity,
                "exact": pick.exact,
            }
            for pick in radar.picks
        ]
    return data


def _shown(skill: float | None) -> float | None:
    """Skill as the record shows it: 0 to 10, None where it is n/a."""
    return None if skill is None else max(0.0, skill)


def _prediction(prediction: Prediction) -> dict[str, Any]:
    return {
        "kind": prediction.kind,
        "statement": prediction.statement,
        "probability": prediction.probability,
        "due": prediction.due.isoformat(),
        "outcome": prediction.outcome,
    }


def _figures(briefing: Briefing) -> dict[str, Any]:
    return {
        "as_of": briefing.as_of.isoformat(),
        "window_days": briefing.window_days,
        "synthetic": briefing.synthetic,
        "lede": plain_text(lede(briefing)),
        "total_velocity": briefing.total_velocity,
        "prior_total_velocity": briefing.prior_total_velocity,
        "gained": briefing.gained,
        "lost": briefing.lost,
        "usual_swing_pct": briefing.swing_pct,
        "repos": [_repo(repo) for repo in briefing.repos],
        "accelerating": [str(repo.ref) for repo in briefing.accelerating],
        "decelerating": [str(repo.ref) for repo in briefing.decelerating],
        "steady": [str(repo.ref) for repo in briefing.steady],
        "themes": [
            {
                "name": theme.name,
                "kind": theme.kind,
                "repos": [str(ref) for ref in theme.repos],
                "velocity": theme.velocity,
                "prior_velocity": theme.prior_velocity,
                "change_pct": theme.change_pct,
            }
            for theme in briefing.themes
        ],
    }


def _repo(repo: RepoFigures) -> dict[str, Any]:
    return {
        "repo": str(repo.ref),
        "stars": repo.stars,
        "stars_gained": repo.stars_gained,
        "prior_stars_gained": None if repo.figures is None else repo.figures.prior_stars,
        "velocity": repo.velocity,
        "prior_velocity": repo.prior_velocity,
        "acceleration": repo.acceleration,
        "acceleration_pct": repo.acceleration_pct,
        "usual_swing_pct": repo.swing_pct,
        "beyond_usual": repo.beyond_usual,
        "exact": repo.exact,
        "note": repo.note,
        "data_through": repo.data_through.isoformat() if repo.data_through else None,
        "coincided": _coincidence(repo.coincidence),
        "move": _move(repo.move),
    }


def _coincidence(found: Coincidence | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "kind": found.event.kind,
        "key": found.event.key,
        "title": found.event.title,
        "url": found.event.url,
        "occurred_at": found.event.occurred_at.isoformat(),
        "when": found.event.occurred_at.date().isoformat(),
        "source": found.event.source,
        "size": (
            {"points": found.event.points, "comments": found.event.comments}
            if found.kind == "hn_story" else None
        ),
        "stars_after": found.stars_after,
        "hours": found.hours,
        "baseline_per_day": found.baseline_per_day,
        "lift": found.lift,
        "others_within_48h": found.others,
    }


def _move(move: Move | None) -> dict[str, Any] | None:
    if move is None:
        return None
    return {
        "kind": move.kind,
        "days": move.days,
        "stars": move.stars,
        "peak_day": move.peak_day.isoformat() if move.peak_day else None,
        "peak_share": move.peak_share,
        "days_beyond_prior_average": move.days_beyond,
        "prior_velocity": move.prior_velocity,
        "start_pace": move.start_pace,
        "end_pace": move.end_pace,
        "edge_days": move.edge_days,
    }


def _coverage(coverage: Coverage) -> dict[str, Any]:
    return {
        "stars": coverage.stars,
        "items": coverage.items,
        "hn_stories": coverage.hn_stories,
        "feed_items": coverage.feed_items,
        "themes": [
            {
                "name": theme.name,
                "kind": theme.kind,
                "stars": theme.stars,
                "items": theme.items,
                "star_share": theme.star_share,
                "item_share": theme.item_share,
            }
            for theme in coverage.themes
        ],
        "stars_ahead": [theme.name for theme in coverage.stars_ahead],
        "coverage_ahead": [theme.name for theme in coverage.coverage_ahead],
    }
