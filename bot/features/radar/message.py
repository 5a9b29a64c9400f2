"""Words for the radar: the ``/momentum radar`` reply and the briefing's section."""

from __future__ import annotations

from bot.core import formatting as fmt
from bot.core.links import repo_link
from bot.core.message import Message, Section, Span, Table
from bot.features.radar.picks import Radar, RadarPick
from bot.features.radar.refresh import MAX_AGE_DAYS

SECTION_TITLE = "New on the radar"


def radar_message(radar: Radar) -> Message:
    themes = ", ".join(map(str, radar.themes))
    if not radar.themes:
        return Message(
            title="Radar: no themes yet",
            sections=(Section(text=(
                "The radar looks for topics and languages that repos on this list share; "
                "none are known yet. They are once the list's data is collected, or add "
                "repos that share a topic."
            )),),
        )
    if not radar.picks:
        return Message(
            title="Radar: nothing new yet",
            sections=(Section(text=(
                f"No young repo outside the list is rising in {_either(radar)} yet; the "
                "radar is refreshed daily."
            )),),
            footnotes=tuple(_notes(radar)),
        )
    rows = tuple(
        (str(number), str(pick.ref), _age(pick), _stars(pick), _velocity(pick),
         ", ".join(pick.themes))
        for number, pick in enumerate(radar.picks, start=1)
    )
    table = Table(("#", "repo", "age", "stars", "stars/day", "theme"), rows)
    return Message(
        title=f"Radar: young repos rising in {themes}",
        sections=(Section(table=table),
                  Section(text="Add one to the list with /momentum radar add <#>.")),
        footnotes=tuple(_notes(radar)),
    )


def radar_section(radar: Radar) -> Section | None:
    """The briefing's "New on the radar" lines; None when there is nothing to show."""
    if not radar.picks:
        return None
    spans: list[Span] = []
    for number, pick in enumerate(radar.picks, start=1):
        pace = fmt.stars_per_day(pick.velocity) + ("" if pick.exact else "*")
        spans += [
            f"{number}. ", repo_link(pick.ref),
            f" ({', '.join(pick.themes)}): {_age(pick)} old, {_stars(pick)} stars, {pace}\n",
        ]
    spans.append(
        f"Created in the last {MAX_AGE_DAYS} days, not on this list; "
        "/momentum radar add <#> adds one."
    )
    return Section(title=SECTION_TITLE, text=tuple(spans))


def _either(radar: Radar) -> str:
    """``llm``, ``llm or Python``, ``llm, rag or Python``."""
    names = [str(theme) for theme in radar.themes]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _notes(radar: Radar) -> list[str]:
    notes = []
    if radar.refreshed_at is not None:
        notes.append(
            f"Candidates: the most-starred repos created in the last {MAX_AGE_DAYS} days in "
            f"each theme, from GitHub search on {fmt.day(radar.refreshed_at.date())}."
        )
    measured = [pick.as_of for pick in radar.picks if pick.as_of is not None]
    if measured:
        notes.append(
            "Stars/day: over the last 7 whole UTC days before "
            f"{fmt.day(max(measured))} (fewer for younger repos)."
        )
    if any(not pick.exact for pick in radar.picks):
        notes.append("* average since creation: daily star history not collected yet.")
    return notes


def _age(pick: RadarPick) -> str:
    return fmt.plural(pick.age_days, "day")


def _stars(pick: RadarPick) -> str:
    return fmt.count(pick.stars) if pick.stars is not None else "–"


def _velocity(pick: RadarPick) -> str:
    return f"{pick.velocity:,.1f}" + ("" if pick.exact else "*")
