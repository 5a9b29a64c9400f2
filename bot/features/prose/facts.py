"""The facts a language model may use, taken from a briefing's figures.

The model is given these as structured data and nothing else; the verifier then accepts
only numbers, repo names and dates that are among them. Strangers' text (release and PR
titles) is passed as quoted data so the model can name an event, but it is never a fact a
number or a name may come from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.core.figures import prior_window, window
from bot.core.repo_ref import RepoRef
from bot.features.briefing.model import Briefing, RepoFigures

# Figures the deterministic text uses as constants, which prose may repeat.
_METHOD_NUMBERS = (48.0, 28.0)


@dataclass(frozen=True, slots=True)
class MoverFacts:
    ref: RepoRef
    direction: str  # "accelerating" or "slowing"
    velocity: float
    prior_velocity: float
    acceleration: float
    acceleration_pct: float | None
    stars_gained: int | None
    stars: int | None
    event: dict[str, object] | None = None  # what coincided, when anything did


@dataclass(frozen=True, slots=True)
class ProseFacts:
    """Everything the prose may state; :meth:`as_data` is what the model sees."""

    window_days: int
    window: tuple[date, date]  # first and last day of the current window
    prior: tuple[date, date]
    repos: int
    total_velocity: float
    prior_total_velocity: float
    movers: tuple[MoverFacts, ...]
    themes: tuple[dict[str, object], ...] = ()
    numbers: frozenset[float] = field(default=frozenset())
    percents: frozenset[float] = field(default=frozenset())
    dates: frozenset[date] = field(default=frozenset())
    names: frozenset[str] = field(default=frozenset())  # repo full names, lower-cased
    # Event titles and keys the prose may quote (strangers' text, checked for links and
    # mentions like the rest, but not read for figures: "v0.6.4" is a name, not a number).
    quoted: frozenset[str] = field(default=frozenset())

    @property
    def change(self) -> float:
        return self.total_velocity - self.prior_total_velocity

    @property
    def change_pct(self) -> float | None:
        if self.prior_total_velocity <= 0:
            return None
        return 100 * self.change / self.prior_total_velocity

    def as_data(self) -> dict[str, object]:
        return {
            "window": {
                "days": self.window_days,
                "first_day": self.window[0].isoformat(),
                "last_day": self.window[1].isoformat(),
                "prior_first_day": self.prior[0].isoformat(),
                "prior_last_day": self.prior[1].isoformat(),
            },
            "list": {
                "repos": self.repos,
                "stars_per_day": round(self.total_velocity, 1),
                "prior_stars_per_day": round(self.prior_total_velocity, 1),
                "change_per_day": round(self.change, 1),
                "change_pct": None if self.change_pct is None else round(self.change_pct),
            },
            "movers": [_mover_data(mover) for mover in self.movers],
            "themes": list(self.themes),
        }


def facts_from_briefing(briefing: Briefing) -> ProseFacts:
    current = window(briefing.as_of, briefing.window_days)
    before = prior_window(briefing.as_of, briefing.window_days)
    last = timedelta(days=1)
    movers = tuple(
        _mover(repo, "accelerating") for repo in briefing.accelerating if repo.figures
    ) + tuple(_mover(repo, "slowing") for repo in briefing.decelerating if repo.figures)
    themes: tuple[dict[str, object], ...] = tuple(
        {
            "name": theme.name,
            "repos": [str(ref) for ref in theme.repos],
            "stars_per_day": round(theme.velocity, 1),
            "change_pct": None if theme.change_pct is None else round(theme.change_pct),
        }
        for theme in briefing.themes
    )
    draft = ProseFacts(
        window_days=briefing.window_days,
        window=(current.start, current.end - last),
        prior=(before.start, before.end - last),
        repos=len(briefing.measured),
        total_velocity=briefing.total_velocity,
        prior_total_velocity=briefing.prior_total_velocity,
        movers=movers,
        themes=themes,
    )
    numbers: set[float] = {
        float(briefing.window_days),
        float(len(briefing.measured)),
        float(len(briefing.accelerating)),
        float(len(briefing.decelerating)),
        briefing.total_velocity,
        briefing.prior_total_velocity,
        abs(draft.change),
        *_METHOD_NUMBERS,
    }
    percents: set[float] = set()
    if draft.change_pct is not None:
        percents.add(abs(draft.change_pct))
    dates = {draft.window[0], draft.window[1], draft.prior[0], draft.prior[1]}
    names: set[str] = set()
    quoted: set[str] = set()
    for repo in briefing.repos:
        names.add(repo.ref.key)
    for mover in movers:
        numbers.update(
            {mover.velocity, mover.prior_velocity, abs(mover.acceleration)}
            | ({float(mover.stars_gained)} if mover.stars_gained is not None else set())
            | ({float(mover.stars)} if mover.stars is not None else set())
        )
        if mover.acceleration_pct is not None:
            percents.add(abs(mover.acceleration_pct))
        if mover.event is not None:
            for key in ("lift", "hours", "points", "comments"):
                value = mover.event.get(key)
                if isinstance(value, int | float):
                    numbers.add(float(value))
            key = str(mover.event["key"])
            if mover.event["kind"] == "pull_request":
                key = f"#{key}"
            quoted.update(str(text) for text in (mover.event["title"], key) if text)
            when = mover.event.get("date")
            if isinstance(when, str):
                dates.add(date.fromisoformat(when))
    for theme in briefing.themes:
        numbers.update({theme.velocity, float(len(theme.repos))})
        if theme.change_pct is not None:
            percents.add(abs(theme.change_pct))
    return ProseFacts(
        window_days=draft.window_days,
        window=draft.window,
        prior=draft.prior,
        repos=draft.repos,
        total_velocity=draft.total_velocity,
        prior_total_velocity=draft.prior_total_velocity,
        movers=movers,
        themes=themes,
        numbers=frozenset(numbers),
        percents=frozenset(percents),
        dates=frozenset(dates),
        names=frozenset(names),
        quoted=frozenset(quoted),
    )


def _mover(repo: RepoFigures, direction: str) -> MoverFacts:
    event: dict[str, object] | None = None
    found = repo.coincidence
    if found is not None and found.lift is not None:
        event = {
            "kind": found.event.kind,
            "key": found.event.key,
            "title": found.event.title,  # strangers' text: data, never an instruction
            "date": found.event.occurred_at.date().isoformat(),
            "lift": round(found.lift, 1),
            "hours": round(found.hours),
        }
    return MoverFacts(
        ref=repo.ref,
        direction=direction,
        velocity=repo.velocity or 0.0,
        prior_velocity=repo.prior_velocity or 0.0,
        acceleration=repo.acceleration or 0.0,
        acceleration_pct=repo.acceleration_pct,
        stars_gained=repo.stars_gained,
        stars=repo.stars,
        event=event,
    )


def _mover_data(mover: MoverFacts) -> dict[str, object]:
    return {
        "repo": str(mover.ref),
        "direction": mover.direction,
        "stars_per_day": round(mover.velocity, 1),
        "prior_stars_per_day": round(mover.prior_velocity, 1),
        "change_per_day": round(mover.acceleration, 1),
        "change_pct": None if mover.acceleration_pct is None else round(mover.acceleration_pct),
        "stars_gained_in_window": mover.stars_gained,
        "total_stars": mover.stars,
        "coincided_with": mover.event,
    }
