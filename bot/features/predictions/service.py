"""A channel's predictions against the store: settle the due ones, make the new set."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from bot.core.command import ChannelKey
from bot.core.store import Prediction, RepoRecord, Store
from bot.features.predictions.claims import Claim, final_after, settle
from bot.features.predictions.model import HISTORY_WEEKS, WEEK, weekly_stars
from bot.features.predictions.propose import Series, propose
from bot.features.predictions.score import TrackRecord, track_record


@dataclass(frozen=True, slots=True)
class PredictionNews:
    """What a briefing says about predictions."""

    new: tuple[Prediction, ...]  # this briefing's set (made now, or earlier the same day)
    scored: tuple[Prediction, ...]  # settled since the channel's previous set was made
    record: TrackRecord


async def briefing_predictions(
    store: Store, key: ChannelKey, *, as_of: date, now: datetime
) -> PredictionNews:
    await resolve_due(store, key, as_of=as_of, now=now)
    new = await make_predictions(store, key, as_of=as_of, now=now)
    every = await store.predictions(key)
    earlier = [p for p in every if _as_of(p) < as_of.isoformat()]
    since = max((p.made_at for p in earlier), default=None)
    scored = [
        p for p in every
        if p.resolved_at is not None and (since is None or p.resolved_at > since)
    ]
    return PredictionNews(tuple(new), tuple(scored), record_of(every))


def record_of(predictions: Sequence[Prediction]) -> TrackRecord:
    return track_record(
        (p.kind, p.probability, p.outcome) for p in predictions if p.outcome is not None
    )


async def resolve_due(
    store: Store, key: ChannelKey, *, as_of: date, now: datetime
) -> list[Prediction]:
    """Settle the channel's open predictions whose week ended before ``as_of`` and whose
    data is in; the rest wait."""
    due = [p for p in await store.predictions(key, open_only=True) if p.due < as_of]
    if not due:
        return []
    reported = {repo.id: repo.stars_fetched_at for repo in await store.watched_repos()}
    settled = []
    for prediction in due:
        claim = Claim.from_inputs(prediction.inputs)
        daily = {
            repo_id: await store.daily_stars(repo_id, claim.start, claim.due + timedelta(days=1))
            for repo_id in claim.repo_ids()
        }
        outcome = settle(claim, daily, reported, as_of)
        if outcome is None:
            continue
        await store.resolve_prediction(prediction.id, outcome, now)
        settled.append(replace(prediction, outcome=outcome, resolved_at=now))
    return settled


async def make_predictions(
    store: Store, key: ChannelKey, *, as_of: date, now: datetime
) -> list[Prediction]:
    """The channel's set for ``as_of``: made once, so a briefing asked for twice the same
    day shows the same predictions rather than counting a second, overlapping set."""
    existing = [p for p in await store.predictions(key) if _as_of(p) == as_of.isoformat()]
    if existing:
        return existing
    repos = [item.repo for item in await store.watch_list(key)]
    series = [await _series(store, repo, as_of) for repo in repos]
    for proposal in propose(series, as_of, len(repos)):
        await store.add_prediction(
            key, proposal.kind, proposal.statement, proposal.inputs, proposal.probability,
            now, proposal.due,
        )
    return [p for p in await store.predictions(key) if _as_of(p) == as_of.isoformat()]


async def _series(store: Store, repo: RepoRecord, as_of: date) -> Series:
    """The repo's whole weeks before ``as_of``; none when its last day is not final yet
    (a week read mid-day would look slow) or the repo is gone."""
    fetched = repo.stars_fetched_at
    if repo.status != "active" or fetched is None or fetched < final_after(as_of - timedelta(1)):
        return Series(repo.id, str(repo.ref), ())
    daily = await store.daily_stars(repo.id, as_of - timedelta(days=HISTORY_WEEKS * WEEK), as_of)
    return Series(repo.id, str(repo.ref), weekly_stars(daily, as_of))


def _as_of(prediction: Prediction) -> str:
    return str(prediction.inputs.get("as_of", ""))
