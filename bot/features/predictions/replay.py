"""Backtesting: weekly briefings replayed over stored history, predictions made and
settled exactly as the live path makes and settles them (``propose`` and ``settle``),
each briefing seeing only the days before its own date."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.features.predictions.claims import settle
from bot.features.predictions.model import WEEK, Coefficients
from bot.features.predictions.propose import Proposal, Series, propose
from bot.features.predictions.score import Bucket, TrackRecord, calibration, track_record


@dataclass(frozen=True, slots=True)
class RepoHistory:
    name: str
    daily: Mapping[date, int]
    reported: datetime | None  # when GitHub last reported these days


@dataclass
class Replayed:
    list_number: int
    as_of: date
    proposal: Proposal
    outcome: bool | None = None


@dataclass
class Backtest:
    start: date
    end: date
    lists: int
    briefings: int = 0
    made: list[Replayed] = field(default_factory=list)

    @property
    def scored(self) -> list[tuple[float, bool]]:
        return [(r.proposal.probability, r.outcome) for r in self.made if r.outcome is not None]

    def record(self, kind: str | None = None) -> TrackRecord:
        return track_record(
            (r.proposal.kind, r.proposal.probability, r.outcome)
            for r in self.made
            if r.outcome is not None and (kind is None or r.proposal.kind == kind)
        )

    def calibration(self) -> list[Bucket]:
        return calibration(self.scored)


def replay(
    histories: Mapping[int, RepoHistory],
    lists: Sequence[Sequence[int]],
    start: date,
    end: date,
    coefficients: Coefficients | None = None,
) -> Backtest:
    """A briefing every 7 days from ``start`` to ``end`` for each list of repo ids; the
    last set is settled a week after ``end`` when the data reaches that far.
    ``coefficients``: the model's (default: the shipped ones)."""
    result = Backtest(start, end, len(lists))
    daily = {repo_id: history.daily for repo_id, history in histories.items()}
    reported = {repo_id: history.reported for repo_id, history in histories.items()}
    for number, repo_ids in enumerate(lists, start=1):
        pending: list[Replayed] = []
        as_of = start
        while as_of <= end + timedelta(days=WEEK):
            for item in [r for r in pending if r.proposal.due < as_of]:
                item.outcome = settle(item.proposal.claim, daily, reported, as_of)
                if item.outcome is not None:
                    pending.remove(item)
            if as_of <= end:
                result.briefings += 1
                series = [Series.of(i, histories[i].name, histories[i].daily, as_of)
                          for i in repo_ids]
                for proposal in propose(series, as_of, len(repo_ids), coefficients):
                    item = Replayed(number, as_of, proposal)
                    result.made.append(item)
                    pending.append(item)
            as_of += timedelta(days=WEEK)
    return result
