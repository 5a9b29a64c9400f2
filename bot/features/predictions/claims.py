"""What a prediction claims, in terms the stored data can settle, and settling it.

A claim is about the week (``start`` to ``due``, both included) after the briefing that
made it. It is settled from the daily stars stored for that week, never from figures the
program printed earlier, and only once every day of the week is in and was reported after
the week ended (a day still in progress is not final).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, cast

Kind = Literal["list_velocity", "continues", "overtakes"]
KINDS: tuple[Kind, ...] = ("list_velocity", "continues", "overtakes")
Direction = Literal["above", "below"]


@dataclass(frozen=True, slots=True)
class Claim:
    """``list_velocity``: the repos' combined stars per day over the week is above
    ``threshold``; ``continues``: the one repo's is above it (``direction`` "above") or
    below it ("below"); ``overtakes``: the first repo gains more stars that week than the
    second."""

    kind: Kind
    repos: tuple[tuple[int, str], ...]  # (store id, name as it was) of each repo involved
    start: date
    due: date
    threshold: float | None = None  # stars per day
    direction: Direction = "above"

    @property
    def days(self) -> int:
        return (self.due - self.start).days + 1

    def to_inputs(self) -> dict[str, object]:
        return {
            "claim": {
                "kind": self.kind,
                "repos": [{"id": repo_id, "name": name} for repo_id, name in self.repos],
                "start": self.start.isoformat(),
                "due": self.due.isoformat(),
                "threshold_per_day": self.threshold,
                "direction": self.direction,
            }
        }

    @classmethod
    def from_inputs(cls, inputs: Mapping[str, object]) -> Claim:
        raw = cast(dict[str, object], inputs["claim"])
        repos = cast(list[dict[str, object]], raw["repos"])
        threshold = raw.get("threshold_per_day")
        kind = str(raw["kind"])
        if kind == "repo_velocity":
            # Made before "continues" replaced it: the same claim (one repo's pace above
            # the threshold), so it settles the same way.
            kind = "continues"
        if kind not in KINDS:
            raise ValueError(f"unknown prediction kind {kind!r}")
        direction = str(raw.get("direction", "above"))
        if direction not in ("above", "below"):
            raise ValueError(f"unknown direction {direction!r}")
        return cls(
            kind=kind,
            repos=tuple((int(cast(int, r["id"])), str(r["name"])) for r in repos),
            start=date.fromisoformat(str(raw["start"])),
            due=date.fromisoformat(str(raw["due"])),
            threshold=None if threshold is None else float(cast(float, threshold)),
            direction=cast(Direction, direction),
        )

    def repo_ids(self) -> list[int]:
        return [repo_id for repo_id, _ in self.repos]


def final_after(due: date) -> datetime:
    """Data reported at or after this moment holds the whole of ``due``."""
    return datetime.combine(due + timedelta(days=1), time(), tzinfo=UTC)


def week_stars(daily: Mapping[date, int], claim: Claim) -> int | None:
    """Stars over the claim's week; None when a day of it is not stored."""
    days = [claim.start + timedelta(days=n) for n in range(claim.days)]
    if any(day not in daily for day in days):
        return None
    return sum(daily[day] for day in days)


def settle(
    claim: Claim,
    daily: Mapping[int, Mapping[date, int]],
    reported: Mapping[int, datetime | None],
    today: date,
) -> bool | None:
    """True or False once the claim's week is over and its data is in; else None.

    ``daily`` and ``reported`` hold each repo's stored days and when GitHub last
    reported them, by store id.
    """
    if today <= claim.due:
        return None
    totals = []
    for repo_id in claim.repo_ids():
        at = reported.get(repo_id)
        if at is None or at < final_after(claim.due):
            return None
        stars = week_stars(daily.get(repo_id, {}), claim)
        if stars is None:
            return None
        totals.append(stars)
    if claim.kind == "overtakes":
        return totals[0] > totals[1]
    assert claim.threshold is not None
    pace = sum(totals) / claim.days
    return pace > claim.threshold if claim.direction == "above" else pace < claim.threshold
