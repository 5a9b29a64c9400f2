"""A channel's predictions against the store: settle the due ones, make the new set."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from bot.core import formatting as fmt
from bot.core.command import ChannelKey
from bot.core.recent import Recent
from bot.core.store import Prediction, PredictionDraft, RepoRecord, Store
from bot.features.predictions.claims import Claim, final_after, settle
from bot.features.predictions.model import HISTORY_WEEKS, WEEK
from bot.features.predictions.propose import Proposal, Series, propose
from bot.features.predictions.receipts import digest, week_of
from bot.features.predictions.score import TrackRecord, track_record


@dataclass(frozen=True, slots=True)
class PredictionNews:
    """What a briefing says about predictions."""

    new: tuple[Prediction, ...]  # this briefing's set (made now, or earlier the same day)
    scored: tuple[Prediction, ...]  # settled since the channel's previous set was made
    record: TrackRecord
    last_week: str | None  # "Last week: 2 of 3 came true."


async def briefing_predictions(
    store: Store,
    key: ChannelKey,
    *,
    as_of: date,
    now: datetime,
    shared: Proposals | None = None,
    watched: Sequence[RepoRecord] | None = None,
) -> PredictionNews:
    """``watched``: the channel's list, when the caller has read it already."""
    await resolve_due(store, key, as_of=as_of, now=now)
    new = await make_predictions(
        store, key, as_of=as_of, now=now, shared=shared, watched=watched
    )
    every = await store.predictions(key)
    mine = {p.id for p in new}
    since = max((p.made_at for p in every if p.id not in mine), default=None)
    scored = [
        p for p in every
        if p.resolved_at is not None and (since is None or p.resolved_at > since)
    ]
    return PredictionNews(tuple(new), tuple(scored), record_of(every), last_week(every, as_of))


def last_week(predictions: Sequence[Prediction], today: date) -> str | None:
    """How the latest week with a scored prediction went ("Last week: 2 of 3 came
    true.", the week named by its last day when it was not last week); None when no
    prediction is scored yet."""
    due = max((p.due for p in predictions if p.outcome is not None), default=None)
    if due is None:
        return None
    week = [p for p in predictions if p.due == due]
    scored = [p for p in week if p.outcome is not None]
    when = "Last week" if today - due <= timedelta(days=WEEK) else f"Week to {fmt.day(due)}"
    line = f"{when}: {sum(1 for p in scored if p.outcome)} of {len(scored)} came true."
    if len(scored) < len(week):
        line += f" ({len(week) - len(scored)} still waiting for data.)"
    return line


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
    # Read for these claims' repos only: a channel's briefing must not cost more as the
    # install grows.
    claims = {prediction.id: Claim.from_inputs(prediction.inputs) for prediction in due}
    repo_ids = list(dict.fromkeys(n for claim in claims.values() for n in claim.repo_ids()))
    records = await store.repos_by_id(repo_ids)
    reported = {repo_id: repo.stars_fetched_at for repo_id, repo in records.items()}
    daily = await store.daily_stars_many(
        repo_ids,
        min(claim.start for claim in claims.values()),
        max(claim.due for claim in claims.values()) + timedelta(days=1),
    )
    settled = []
    for prediction in due:
        claim = claims[prediction.id]
        outcome = settle(claim, daily, reported, as_of)
        if outcome is None:
            continue
        await store.resolve_prediction(prediction.id, outcome, now)
        settled.append(replace(prediction, outcome=outcome, resolved_at=now))
    return settled


# A list's proposals as of a day, kept for the channels that watch the same list: the
# repos' records (their report times among them) are the key, so new data makes new ones.
Proposals = Recent[tuple[date, tuple[RepoRecord, ...]], tuple[Proposal, ...]]


async def make_predictions(
    store: Store,
    key: ChannelKey,
    *,
    as_of: date,
    now: datetime,
    shared: Proposals | None = None,
    watched: Sequence[RepoRecord] | None = None,
) -> list[Prediction]:
    """The channel's set for the week of ``as_of``: made once, so a briefing asked for
    twice in a week shows the same predictions rather than counting a second,
    overlapping set; and stored as a receipt chained to the channel's previous set.
    ``shared``: proposals made for other channels watching the same list, reused;
    ``watched``: the channel's list, when the caller has read it already."""
    week = week_of(as_of)
    sets = await store.prediction_sets(key)
    if not any(s.week == week for s in sets):
        repos = tuple(
            watched if watched is not None
            else (item.repo for item in await store.watch_list(key))
        )
        proposals = await (
            list_proposals(store, repos, as_of) if shared is None
            else shared.get((as_of, repos), lambda: list_proposals(store, repos, as_of))
        )
        drafts = [
            PredictionDraft(p.kind, p.statement, p.inputs, p.probability, p.due)
            for p in proposals
        ]
        if drafts:
            previous = sets[-1].digest if sets else None
            # False: another instance stored this week's set first; theirs is read below.
            await store.add_prediction_set(
                key, week, now, digest(key, week, now, previous, drafts), previous, drafts
            )
            sets = await store.prediction_sets(key)
    made = next((s.id for s in sets if s.week == week), None)
    return [p for p in await store.predictions(key) if made is not None and p.set_id == made]


async def list_proposals(
    store: Store, repos: Sequence[RepoRecord], as_of: date
) -> tuple[Proposal, ...]:
    """What the model proposes for a watch list of ``repos`` as of ``as_of``."""
    readable = [repo.id for repo in repos if _weeks_final(repo, as_of)]
    daily = await store.daily_stars_many(
        readable, as_of - timedelta(days=HISTORY_WEEKS * WEEK), as_of
    )
    series = [_series(repo, daily.get(repo.id), as_of) for repo in repos]
    return tuple(propose(series, as_of, len(repos)))


async def attach_message(store: Store, key: ChannelKey, as_of: date, message_id: str) -> None:
    """Record the message a briefing's set was posted in, on its receipt."""
    await store.set_prediction_message(key, week_of(as_of), message_id)


def _weeks_final(repo: RepoRecord, as_of: date) -> bool:
    """Whether the repo's weeks before ``as_of`` can be read: its last day is final (a
    week read mid-day would look slow) and the repo is not gone."""
    fetched = repo.stars_fetched_at
    return repo.status == "active" and fetched is not None and (
        fetched >= final_after(as_of - timedelta(1))
    )


def _series(repo: RepoRecord, daily: Mapping[date, int] | None, as_of: date) -> Series:
    """The repo's whole weeks before ``as_of``; none when they cannot be read yet."""
    if daily is None:
        return Series(repo.id, str(repo.ref), (), ())
    return Series.of(repo.id, str(repo.ref), daily, as_of)
