"""Words for a briefing: the one ``Message`` that every platform renders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.core import formatting as fmt
from bot.core.figures import prior_window, window
from bot.core.message import DEMO_LABEL, Chart, Message, Section, Table
from bot.features.briefing.lift import NOTABLE_LIFT
from bot.features.briefing.model import Briefing, Coincidence, RepoFigures
from bot.features.predictions import PredictionNews
from bot.features.predictions.text import predictions_section
from bot.features.radar.message import radar_section
from bot.features.radar.picks import Radar

MOVERS_SHOWN = 5


def briefing_message(
    briefing: Briefing,
    chart: Chart | None = None,
    *,
    predictions: PredictionNews | None = None,
    radar: Radar | None = None,
) -> Message:
    """``predictions``: a channel's (ad-hoc briefings have none)."""
    sections = [Section(text=lede(briefing))]
    if briefing.accelerating:
        sections.append(_movers("Accelerating", briefing.accelerating, rising=True))
    if briefing.decelerating:
        sections.append(_movers("Decelerating", briefing.decelerating, rising=False))
    if briefing.themes:
        sections.append(_themes(briefing))
    sections.append(_table(briefing))
    if predictions is not None:
        sections.append(predictions_section(predictions))
    if radar is not None and (new_on_radar := radar_section(radar)) is not None:
        sections.append(new_on_radar)
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


def lede(briefing: Briefing) -> str:
    measured = briefing.measured
    if not measured:
        return "No repo on this list has data for these windows yet; figures follow once collected."
    count = len(measured)
    who = "The one repo on this list" if count == 1 else f"The {count} repos on this list"
    weekly = briefing.window_days == 7
    period = "this week" if weekly else f"over the last {briefing.window_days} days"
    before = "the week before" if weekly else "the days before"
    change = briefing.total_velocity - briefing.prior_total_velocity
    direction = "up" if change > 0 else "down" if change < 0 else "level with"
    change_text = f"{direction} {abs(change):,.1f}" if change else "level"
    text = (
        f"{who} gained {briefing.total_velocity:,.1f} stars/day {period}, "
        f"{change_text} from {before}"
    )
    parts = []
    if count > 1:
        gained = "all gained stars" if briefing.gained == count else (
            f"{briefing.gained} of {count} gained stars"
        )
        if briefing.lost:
            gained += f", {briefing.lost} lost some"
        parts.append(
            f"{gained}; {len(briefing.accelerating)} accelerated and "
            f"{len(briefing.decelerating)} slowed"
        )
    sentence = text + ("; " + parts[0] if parts else "") + "."
    leaders = []
    if briefing.accelerating:
        top = briefing.accelerating[0]
        leaders.append(f"{top.ref} led, accelerating {fmt.signed(top.acceleration or 0)}/day")
    if briefing.decelerating:
        low = briefing.decelerating[0]
        leaders.append(f"{low.ref} slowed by {abs(low.acceleration or 0):,.1f}/day")
    if leaders:
        sentence += " " + ", while ".join(leaders) + "."
    return sentence


def _movers(title: str, repos: Sequence[RepoFigures], *, rising: bool) -> Section:
    lines = [_mover_line(repo, rising=rising) for repo in repos[:MOVERS_SHOWN]]
    if len(repos) > MOVERS_SHOWN:
        lines.append(f"…and {len(repos) - MOVERS_SHOWN} more")
    return Section(title=title, text="\n".join(lines))


def _mover_line(repo: RepoFigures, *, rising: bool) -> str:
    line = (
        f"{repo.ref}: {fmt.rate(repo.velocity or 0)} from {fmt.rate(repo.prior_velocity or 0)} "
        f"({fmt.signed(repo.acceleration or 0)}/day, {fmt.percent(repo.acceleration_pct)})"
    )
    if not repo.exact and repo.note:
        line += f" [{repo.note.split(':')[0]}]"
    if repo.coincidence:
        line += ". " + _coincidence(repo.coincidence, rising=rising) + "."
    return line


def _coincidence(found: Coincidence, *, rising: bool) -> str:
    event = found.event
    when = fmt.day(event.occurred_at.date())
    what = (
        f"{event.title}, released {when}"
        if event.kind == "release"
        else f"PR #{event.key} “{event.title}”, merged {when}"
    )
    hours = f"{found.hours:.0f} h"
    lift = f"stars ran {found.lift:.1f}× baseline for {hours}"
    if rising:
        return f"Coincides with {what}; {lift}"
    return f"The window before had {what}, when {lift}"


def _themes(briefing: Briefing) -> Section:
    lines = [
        f"{theme.name} ({theme.kind}): {fmt.plural(len(theme.repos), 'repo')}, "
        f"{fmt.rate(theme.velocity)}, {fmt.percent(theme.change_pct)}"
        for theme in briefing.themes
    ]
    return Section(title="Themes", text="\n".join(lines))


def _table(briefing: Briefing) -> Section:
    ordered = sorted(
        briefing.repos, key=lambda repo: (repo.velocity is None, -(repo.velocity or 0))
    )
    rows = tuple(
        (
            str(repo.ref),
            fmt.count(repo.stars) if repo.stars is not None else "–",
            f"{repo.velocity:,.1f}" if repo.velocity is not None else "–",
            fmt.signed(repo.acceleration) if repo.acceleration is not None else "–",
            fmt.sparkline(repo.recent_daily),
        )
        for repo in ordered
    )
    table = Table(("repo", "stars", "stars/day", "accel.", "last 14 days"), rows)
    return Section(title="Watch list", table=table)


def footnotes(briefing: Briefing) -> list[str]:
    current = window(briefing.as_of, briefing.window_days)
    prior = prior_window(briefing.as_of, briefing.window_days)
    last = timedelta(days=1)
    notes = [
        f"Velocity: stars per day over the {fmt.plural(briefing.window_days, 'whole UTC day')} "
        f"{fmt.day(current.start)}–{fmt.day(current.end - last)}, against "
        f"{fmt.day(prior.start)}–{fmt.day(prior.end - last)}; acceleration is the change."
    ]
    if any(repo.coincidence for repo in briefing.repos):
        notes.append(
            "Coincidences are events in the window after which stars ran at least "
            f"{NOTABLE_LIFT:g}× the repo's 28-day baseline for 48 hours (days split evenly "
            "by the hour); they coincide, they are not shown to cause."
        )
    for repo in briefing.repos:
        if repo.note and (not repo.exact or repo.figures is None):
            notes.append(f"{repo.ref}: {repo.note}.")
    notes.extend(briefing.notes)
    if briefing.synthetic:
        notes.append(DEMO_LABEL)
    return notes
