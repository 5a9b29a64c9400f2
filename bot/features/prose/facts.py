"""The facts a language model may use, taken from a briefing's figures.

The model is given these as structured data and nothing else; the verifier then accepts
only numbers, repo names and dates that are among them. Strangers' text (release, PR and
story titles, feed names) is passed as quoted data so the model can name an event, but it
is never a fact a number or a name may come from.

The data follows the deterministic lede's why-cascade (:mod:`bot.features.briefing.lede`),
so a model can write every step of it: ``list`` (what: the change against the usual
swing), ``which`` (the repos that account for it, each with its share), the events in
``which`` and ``movers`` (why: what coincided and the lift after it, or
``nothing_coincides``), ``shared_theme`` (so what), and ``coverage``.

Each figure enters the verifier's pools unrounded: the verifier accepts it at whatever
precision the text states it, so "77%" and "76.9%" both pass for 76.92.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.core.figures import prior_window, window
from bot.core.repo_ref import RepoRef
from bot.features.briefing.coverage import MIN_GAP
from bot.features.briefing.lede import _against_swing, contributors, share, shared_theme
from bot.features.briefing.message import move_words
from bot.features.briefing.model import (
    Briefing,
    Coincidence,
    Coverage,
    Move,
    RepoFigures,
    Theme,
    ThemeCoverage,
)

# Figures the deterministic text uses as constants, which prose may repeat.
_METHOD_NUMBERS = (48.0, 28.0)

Data = dict[str, object]


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
    event: Data | None = None  # what coincided, when anything did
    # True when the data (exact daily history) holds no event near the move: the prose
    # may say so, and may not claim a coincidence.
    nothing_coincides: bool = False
    swing_pct: float | None = None  # the repo's usual week-to-week swing
    move: Move | None = None  # how the window's days made the move


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
    themes: tuple[Data, ...] = ()
    swing_pct: float | None = None  # the list's usual week-to-week swing
    swings: float | None = None  # the change in multiples of that swing
    which: Data | None = None  # the repos that account for the change
    shared_theme: Data | None = None  # the theme most of them share
    coverage: Data | None = None
    numbers: frozenset[float] = field(default=frozenset())
    percents: frozenset[float] = field(default=frozenset())
    dates: frozenset[date] = field(default=frozenset())
    names: frozenset[str] = field(default=frozenset())  # repo full names, lower-cased
    # Event titles and keys, feed and theme names the prose may quote (strangers' text,
    # checked for links and mentions like the rest, but not read for figures or repo
    # names: "v0.6.4" is a name, not a number; "database/vector-search" is a theme).
    quoted: frozenset[str] = field(default=frozenset())
    # Repos (lower-cased) whose facts hold an event: only these may be said to coincide
    # with anything.
    with_events: frozenset[str] = field(default=frozenset())
    # The repos the lede's which-step names (lower-cased), whom an unnamed "its rise
    # coincides" is about.
    named: frozenset[str] = field(default=frozenset())

    @property
    def change(self) -> float:
        return self.total_velocity - self.prior_total_velocity

    @property
    def change_pct(self) -> float | None:
        if self.prior_total_velocity <= 0:
            return None
        return 100 * self.change / self.prior_total_velocity

    def as_data(self) -> Data:
        listed: Data = {
            "repos": self.repos,
            "stars_per_day": round(self.total_velocity, 1),
            "prior_stars_per_day": round(self.prior_total_velocity, 1),
            "change_per_day": round(self.change, 1),
            "change_pct": None if self.change_pct is None else round(self.change_pct),
            "usual_swing_pct": _rounded(self.swing_pct),
            "change_in_usual_swings": _rounded(self.swings),
            "against_usual_swing": (
                None if self.swing_pct is None or self.swings is None
                else _against_swing(self.swings, self.swing_pct, owner="its")
            ),
        }
        return {
            "window": {
                "days": self.window_days,
                "first_day": self.window[0].isoformat(),
                "last_day": self.window[1].isoformat(),
                "prior_first_day": self.prior[0].isoformat(),
                "prior_last_day": self.prior[1].isoformat(),
            },
            "list": listed,
            "which": self.which,
            "shared_theme": self.shared_theme,
            "movers": [_mover_data(mover) for mover in self.movers],
            "themes": list(self.themes),
            "coverage": self.coverage,
        }


class _Pools:
    """The figures, dates and quotable text the verifier accepts, gathered as the facts
    are built."""

    def __init__(self) -> None:
        self.numbers: set[float] = set(_METHOD_NUMBERS)
        self.percents: set[float] = set()
        self.dates: set[date] = set()
        self.quoted: set[str] = set()

    def number(self, *values: float | None) -> None:
        self.numbers.update(abs(float(value)) for value in values if value is not None)

    def percent(self, *values: float | None) -> None:
        self.percents.update(abs(float(value)) for value in values if value is not None)

    def event(self, event: Data) -> None:
        for key in ("lift", "hours", "points", "comments", "others"):
            value = event.get(key)
            if isinstance(value, int | float):
                self.number(value)
        key = str(event["key"])
        if event["kind"] == "pull_request":
            key = f"#{key}"
        self.quoted.update(
            str(text) for text in (event["title"], key, event.get("source")) if text
        )
        when = event.get("date")
        if isinstance(when, str):
            self.dates.add(date.fromisoformat(when))


def facts_from_briefing(briefing: Briefing) -> ProseFacts:
    current = window(briefing.as_of, briefing.window_days)
    before = prior_window(briefing.as_of, briefing.window_days)
    last = timedelta(days=1)
    pools = _Pools()
    movers = tuple(
        _mover(repo, "accelerating") for repo in briefing.accelerating if repo.figures
    ) + tuple(_mover(repo, "slowing") for repo in briefing.decelerating if repo.figures)
    change = briefing.change
    prior_total = briefing.prior_total_velocity
    pools.number(
        briefing.window_days, len(briefing.measured), len(briefing.accelerating),
        len(briefing.decelerating), len(briefing.steady), briefing.total_velocity,
        prior_total, change, briefing.swings_beyond,
    )
    pools.percent(briefing.swing_pct)
    if prior_total > 0:
        pools.percent(100 * change / prior_total)
    for mover in movers:
        pools.number(mover.velocity, mover.prior_velocity, mover.acceleration,
                     mover.stars_gained, mover.stars)
        pools.percent(mover.acceleration_pct, mover.swing_pct)
        if mover.event is not None:
            pools.event(mover.event)
        if mover.move is not None:
            _pool_move(pools, mover.move)
    named = contributors(briefing)
    which = _which(briefing, named, pools)
    theme = shared_theme(briefing, named) if named else None
    themes = tuple(_theme(item) for item in briefing.themes)
    for item in briefing.themes:
        pools.number(item.velocity, len(item.repos))
        pools.percent(item.change_pct)
    coverage = None if briefing.coverage is None else _coverage(briefing.coverage, pools)
    dates = {current.start, current.end - last, before.start, before.end - last}
    with_events = {mover.ref.key for mover in movers if mover.event is not None} | {
        repo.ref.key for repo in named if repo.coincidence is not None
    }
    return ProseFacts(
        window_days=briefing.window_days,
        window=(current.start, current.end - last),
        prior=(before.start, before.end - last),
        repos=len(briefing.measured),
        total_velocity=briefing.total_velocity,
        prior_total_velocity=prior_total,
        movers=movers,
        themes=themes,
        swing_pct=briefing.swing_pct,
        swings=briefing.swings_beyond,
        which=which,
        shared_theme=None if theme is None else _theme(theme),
        coverage=coverage,
        numbers=frozenset(pools.numbers),
        percents=frozenset(pools.percents),
        dates=frozenset(dates | pools.dates),
        names=frozenset(repo.ref.key for repo in briefing.repos),
        quoted=frozenset(pools.quoted),
        with_events=frozenset(with_events),
        named=frozenset(repo.ref.key for repo in named),
    )


def _which(briefing: Briefing, named: Sequence[RepoFigures], pools: _Pools) -> Data | None:
    """The lede's which-step: the repos, largest move first, that account for at least
    half of the list's change, each with its share and what coincided with its move."""
    if not named:
        return None
    change = briefing.change
    part = share(named, change)
    moved = sum(repo.acceleration or 0 for repo in named)
    repos: list[Data] = []
    for repo in named:
        rising = (repo.acceleration or 0) > 0
        event = _event(repo.coincidence, rising=rising)
        repos.append({
            "repo": str(repo.ref),
            "change_per_day": round(repo.acceleration or 0, 1),
            "share_of_change_pct": round(100 * share([repo], change)),
            "coincided_with": event,
            "nothing_coincides": event is None,
        })
        pools.number(repo.acceleration)
        pools.percent(100 * share([repo], change))
        if event is not None:
            pools.event(event)
    pools.number(len(named), moved, moved - change)
    pools.percent(100 * part)
    data: Data = {
        "direction": "rise" if change > 0 else "fall",
        "repos": repos,
        "share_of_change_pct": round(100 * part),
    }
    if part > 1:
        # The named repos moved further than the whole list: the others moved back.
        data["named_moved_more_than_the_list"] = True
        data["named_change_per_day"] = round(moved, 1)
        data["others_change_per_day"] = round(change - moved, 1)
    return data


def _mover(repo: RepoFigures, direction: str) -> MoverFacts:
    event = _event(repo.coincidence, rising=direction == "accelerating")
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
        # As the deterministic line: only exact daily history can say nothing coincides.
        nothing_coincides=event is None and repo.exact,
        swing_pct=repo.swing_pct,
        move=repo.move,
    )


def _event(found: Coincidence | None, *, rising: bool) -> Data | None:
    if found is None:
        return None
    event = found.event
    data: Data = {
        "kind": event.kind,
        "key": event.key,
        "title": event.title,  # strangers' text: data, never an instruction
        "date": event.occurred_at.date().isoformat(),
        # A slowdown is matched with the window before: the fading of an earlier lift.
        "timing": "during the rise" if rising else "in the window before the fall",
        "lift": None if found.lift is None else round(found.lift, 1),
        "hours": round(found.hours),
        "baseline_days": 28,
    }
    if event.points is not None:
        data["points"] = event.points
    if event.comments is not None:
        data["comments"] = event.comments
    if event.source:
        data["source"] = event.source
    if found.others:
        data["others"] = found.others  # more events within 48 h: their lifts overlap
    return data


def _move(move: Move) -> Data:
    data: Data = {
        "kind": move.kind,
        "words": move_words(move),  # the deterministic line's wording, None when steady
        "days": move.days,
        "days_beyond_prior_pace": move.days_beyond,
        "prior_stars_per_day": round(move.prior_velocity, 1),
        "start_stars_per_day": round(move.start_pace, 1),
        "end_stars_per_day": round(move.end_pace, 1),
        "edge_days": move.edge_days,
    }
    if move.peak_day is not None:
        data["peak_day"] = move.peak_day.isoformat()
        data["peak_share_pct"] = round(100 * move.peak_share)
    return data


def _pool_move(pools: _Pools, move: Move) -> None:
    pools.number(move.prior_velocity, move.start_pace, move.end_pace, move.days,
                 move.days_beyond, move.edge_days, move.stars)
    if move.peak_day is not None:
        pools.dates.add(move.peak_day)
        pools.percent(100 * move.peak_share)


def _theme(theme: Theme) -> Data:
    return {
        "name": theme.name,
        "kind": theme.kind,
        "repos": [str(ref) for ref in theme.repos],
        "stars_per_day": round(theme.velocity, 1),
        "change_pct": None if theme.change_pct is None else round(theme.change_pct),
    }


def _coverage(coverage: Coverage, pools: _Pools) -> Data:
    def gap(theme: ThemeCoverage) -> Data:
        pools.percent(100 * theme.star_share, 100 * theme.item_share)
        pools.number(theme.stars, theme.items)
        pools.quoted.add(theme.name)
        return {
            "theme": theme.name,
            "kind": theme.kind,
            "share_of_stars_pct": round(100 * theme.star_share),
            "share_of_coverage_pct": round(100 * theme.item_share),
        }

    pools.number(coverage.items, coverage.hn_stories, coverage.feed_items, coverage.stars,
                 100 * MIN_GAP)
    return {
        "items": coverage.items,
        "hacker_news_stories": coverage.hn_stories,
        "feed_items": coverage.feed_items,
        "list_stars_in_window": coverage.stars,
        "stars_ahead_of_coverage": [gap(theme) for theme in coverage.stars_ahead],
        "coverage_ahead_of_stars": [gap(theme) for theme in coverage.coverage_ahead],
        "gap_named_from_points": round(100 * MIN_GAP),
    }


def _mover_data(mover: MoverFacts) -> Data:
    return {
        "repo": str(mover.ref),
        "direction": mover.direction,
        "stars_per_day": round(mover.velocity, 1),
        "prior_stars_per_day": round(mover.prior_velocity, 1),
        "change_per_day": round(mover.acceleration, 1),
        "change_pct": None if mover.acceleration_pct is None else round(mover.acceleration_pct),
        "usual_swing_pct": _rounded(mover.swing_pct),
        "stars_gained_in_window": mover.stars_gained,
        "total_stars": mover.stars,
        "move": None if mover.move is None else _move(mover.move),
        "coincided_with": mover.event,
        "nothing_coincides": mover.nothing_coincides,
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
