"""Words for a briefing: the one ``Message`` that every platform renders.

Order, for a phone: the lede, the movers, new on the radar, predictions, the watch list,
one footnote line. How the figures are made is told once, by ``/momentum help figures``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from bot.core import formatting as fmt
from bot.core.figures import prior_window, window
from bot.core.links import repo_link
from bot.core.message import DEMO_LABEL, Chart, Message, Section, Span, Table, Text
from bot.features.briefing.coverage import MIN_GAP
from bot.features.briefing.lede import event_spans, lede
from bot.features.briefing.lift import AFTER_HOURS
from bot.features.briefing.model import (
    Briefing,
    Coincidence,
    Coverage,
    Move,
    RepoFigures,
    ThemeCoverage,
)
from bot.features.predictions import PredictionNews
from bot.features.predictions.text import predictions_section
from bot.features.radar.message import radar_section
from bot.features.radar.picks import Radar

MOVERS_SHOWN = 5
FIGURES_HELP = "/momentum help figures"


def briefing_message(
    briefing: Briefing,
    chart: Chart | None = None,
    *,
    predictions: PredictionNews | None = None,
    radar: Radar | None = None,
    worded: Text | None = None,
    mover_lines: Mapping[str, Sequence[Span]] | None = None,
) -> Message:
    """``predictions``: a channel's (ad-hoc briefings have none). ``worded`` and
    ``mover_lines`` (by ``RepoRef.key``) stand for the lede and movers' lines when given:
    a channel's model's wording, checked against these figures."""
    sections = [Section(text=worded or lede(briefing)), *movers(briefing, mover_lines or {})]
    if briefing.coverage is not None:
        sections.append(coverage_section(briefing.coverage, briefing.window_days))
    if radar is not None and (new_on_radar := radar_section(radar)) is not None:
        sections.append(new_on_radar)
    if predictions is not None:
        sections.append(predictions_section(predictions))
    sections.append(_table(briefing))
    title = f"Momentum briefing: the {fmt.plural(briefing.window_days, 'day')} to " + fmt.day(
        briefing.as_of - timedelta(days=1)
    )
    return Message(
        title=("DEMO · " if briefing.synthetic else "") + title,
        sections=tuple(sections),
        chart=chart,
        footnotes=tuple(footnotes(briefing)),
        audience="channel",
    )


def movers(briefing: Briefing, worded: Mapping[str, Sequence[Span]]) -> list[Section]:
    """Repos that moved beyond their usual swing, then one line for the rest."""
    if not briefing.measured:
        return []
    steady = len(briefing.steady)
    if not (briefing.accelerating or briefing.decelerating):
        everyone = "The one repo" if steady == 1 else f"All {steady}"
        return [Section(
            title="Movers",
            text=f"{everyone} steady: no move beyond the usual week-to-week swing.",
        )]
    others = "1 other" if steady == 1 else f"{steady} others"
    their = "its" if steady == 1 else "their"
    rest = [f"{others} steady, within {their} usual swing."] if steady else []
    sections = []
    if briefing.accelerating:
        last = not briefing.decelerating
        sections.append(_movers("Accelerating", briefing.accelerating, rising=True,
                                after=rest if last else [], worded=worded))
    if briefing.decelerating:
        sections.append(_movers("Slowing", briefing.decelerating, rising=False, after=rest,
                                worded=worded))
    return sections


def _movers(
    title: str, repos: Sequence[RepoFigures], *, rising: bool, after: Sequence[str],
    worded: Mapping[str, Sequence[Span]],
) -> Section:
    lines: list[list[Span]] = [
        list(worded.get(repo.ref.key) or mover_line(repo, rising=rising))
        for repo in repos[:MOVERS_SHOWN]
    ]
    if len(repos) > MOVERS_SHOWN:
        lines.append([f"…and {len(repos) - MOVERS_SHOWN} more"])
    lines += [[line] for line in after]
    spans: list[Span] = []
    for number, line in enumerate(lines):
        spans += (["\n"] if number else []) + line
    return Section(title=title, text=tuple(spans))


def mover_line(repo: RepoFigures, *, rising: bool) -> list[Span]:
    detail = [] if repo.acceleration_pct is None else [fmt.percent(repo.acceleration_pct)]
    if repo.swing_pct is not None:
        detail.append(f"usual ±{fmt.figure(repo.swing_pct)}%")
    line: list[Span] = [
        repo_link(repo.ref),
        f": {fmt.stars_per_day(repo.velocity or 0)}, {'up' if rising else 'down'} from "
        f"{fmt.figure(repo.prior_velocity or 0)}"
        + (f" ({', '.join(detail)})" if detail else ""),
    ]
    if not repo.exact and repo.note:
        line.append(f" [{repo.note.split(':')[0]}]")
    if repo.move is not None and (shape := move_words(repo.move)) is not None:
        line.append(f", {shape}")
    if repo.coincidence:
        line += [". ", *_coincidence(repo, repo.coincidence, rising=rising), "."]
    elif repo.exact:
        line.append(". Nothing in the data coincides.")
    return line


def move_words(move: Move) -> str | None:
    """How the window's days made the move (None for a steady one, the usual case)."""
    weekly = move.days == 7
    period = "the week" if weekly else f"the {move.days} days"
    if move.kind == "spike" and move.peak_day is not None:
        whose = "the week's" if weekly else f"the {move.days} days'"
        return (f"a one-day spike: {move.peak_share:.0%} of {whose} stars came on "
                f"{fmt.day(move.peak_day)}")
    if move.kind == "sustained":
        # Measured against the pace the line has just named ("up from 100").
        side = "above" if move.stars / move.days >= move.prior_velocity else "below"
        return (f"sustained: {move.days_beyond} of {move.days} days {side} "
                f"{fmt.figure(move.prior_velocity)}")
    if move.kind == "pace_change":
        way = "up" if move.end_pace > move.start_pace else "down"
        return (f"ended {period} at about {fmt.figure(move.end_pace)}/day, {way} from "
                f"{fmt.figure(move.start_pace)}")
    return None


def _coincidence(repo: RepoFigures, found: Coincidence, *, rising: bool) -> list[Span]:
    event = found.event
    named = event_spans(repo.ref, event)
    if event.kind == "pull_request":
        named.append(f" “{event.title}”")
    when = fmt.day(event.occurred_at.date())
    lift = f"stars ran {found.lift or 0:.1f}× baseline for {found.hours:.0f} h"
    if found.others:
        lift += f", and {fmt.plural(found.others, 'more event')} within {AFTER_HOURS} h of it"
    if rising:
        return ["Coincides with ", *named, f" ({when}): {lift}"]
    return ["The window before held ", *named, f" ({when}): {lift}"]


def coverage_section(coverage: Coverage, window_days: int) -> Section:
    """Each theme's share of the list's stars against its share of the coverage items,
    the largest gaps both ways."""
    kinds = [fmt.plural(count, word) for count, word in (
        (coverage.hn_stories, "Hacker News story"), (coverage.feed_items, "feed item")
    ) if count]
    period = "this week" if window_days == 7 else f"over the last {window_days} days"
    lines = [
        f"{fmt.plural(coverage.items, 'coverage item')} about the list's repos {period} "
        f"({' and '.join(kinds)}), against {fmt.count(coverage.stars)} stars."
    ]
    for opening, themes, stars_first in (
        ("Stars ahead of coverage: ", coverage.stars_ahead, True),
        ("Coverage concentrates on ", coverage.coverage_ahead, False),
    ):
        if themes:
            lines.append(opening + "; ".join(
                _gap(theme, coverage.items, stars_first=stars_first) for theme in themes
            ) + ".")
    if not (coverage.stars_ahead or coverage.coverage_ahead):
        lines.append(f"Each theme's share of the coverage is within {MIN_GAP * 100:.0f} "
                     "points of its share of the stars.")
    return Section(title="Attention and coverage", text="\n".join(lines))


def _gap(theme: ThemeCoverage, items: int, *, stars_first: bool) -> str:
    stars = f"{theme.star_share:.0%} of the list's stars"
    covered = f"{theme.item_share:.0%} of the {fmt.plural(items, 'coverage item')}"
    name = theme.name if theme.kind == "topic" else f"{theme.name} (language)"
    return f"{name}: " + (f"{stars}, {covered}" if stars_first else f"{covered}, {stars}")


def _table(briefing: Briefing) -> Section:
    ordered = sorted(
        briefing.repos, key=lambda repo: (repo.velocity is None, -(repo.velocity or 0))
    )
    rows = tuple(
        (
            str(repo.ref),
            fmt.figure(repo.velocity) if repo.velocity is not None else "–",
            _percent(repo.acceleration_pct),
        )
        for repo in ordered
    )
    return Section(title="Watch list", table=Table(("repo", "stars/day", "change"), rows))


def _percent(value: float | None) -> str:
    if value is None:
        return "–"
    return "±0%" if round(value) == 0 else fmt.percent(value)


def footnotes(briefing: Briefing) -> list[str]:
    """One line: the windows, where the method is told, and any figure not from GitHub's
    daily history; the demo's label apart, as every demo reply carries it."""
    current = window(briefing.as_of, briefing.window_days)
    prior = prior_window(briefing.as_of, briefing.window_days)
    last = timedelta(days=1)
    parts = [
        f"Stars/day over the whole UTC days {fmt.day(current.start)}–"
        f"{fmt.day(current.end - last)}, change against {fmt.day(prior.start)}–"
        f"{fmt.day(prior.end - last)}; how each figure is made: {FIGURES_HELP}"
    ]
    for repo in briefing.repos:
        if repo.note and (not repo.exact or repo.figures is None):
            parts.append(f"{repo.ref}: {repo.note}")
    parts.extend(note.rstrip(".") for note in briefing.notes)
    notes = ["; ".join(parts) + "."]
    if briefing.synthetic:
        notes.append(DEMO_LABEL)
    return notes
