"""Words for alerts: one ``Message`` per spike or milestone, posted to the channel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

from bot.core import formatting as fmt
from bot.core.message import Field, Message, Section
from bot.core.repo_ref import RepoRef
from bot.core.store import AlertSettings, RepoEvent
from bot.features.alerts.spikes import BASELINE_DAYS, Reading
from bot.features.briefing.lede import mention_words
from bot.features.briefing.model import Coincidence


def spike_message(
    ref: RepoRef,
    reading: Reading,
    settings: AlertSettings,
    coincidence: Coincidence | None,
    recent: Sequence[RepoEvent],
) -> Message:
    at = reading.at.astimezone(UTC)
    ratio = f"{reading.ratio:,.1f}× " if reading.ratio is not None else ""
    text = (
        f"{ref} gained {reading.last_24h:,.0f} stars in the 24 hours to {fmt.day(at.date())} "
        f"{at:%H:%M} UTC{' (counted hour by hour)' if reading.hourly else ''}, "
        f"{ratio}its {BASELINE_DAYS}-day average of "
        f"{fmt.rate(reading.baseline)}."
    )
    how = "counted by the hour" if reading.hourly else "estimated from daily counts"
    fields = (
        Field("Last 24 hours", f"{reading.last_24h:,.0f} stars ({how})"),
        Field(f"{BASELINE_DAYS}-day average", fmt.rate(reading.baseline)),
        Field("Coincided with", _coincided(coincidence, recent)),
    )
    return Message(
        title=f"Star spike: {ref}",
        sections=(Section(text=text), Section(fields=fields)),
        footnotes=(
            (
                "The 24 hours are counted hour by hour from the repo's stargazer list, "
                "which this bot's GitHub token may read. "
                if reading.hourly
                else "GitHub counts stars by UTC day: the 24 hours hold today's stars so far "
                "and the share of yesterday's inside them (a day's stars taken as spread "
                "evenly). "
            )
            + f"Alerts fire above {settings.factor:g}× the average and at least "
            f"{settings.floor} stars, once per spike. /momentum alerts off stops them.",
        ),
        audience="channel",
    )


def milestone_message(ref: RepoRef, mark: int, stars: int) -> Message:
    return Message(
        title=f"Milestone: {ref} passed {fmt.count(mark)} stars",
        sections=(Section(text=f"{ref} has {fmt.count(stars)} stars."),),
        audience="channel",
    )


def _coincided(found: Coincidence | None, recent: Sequence[RepoEvent]) -> str:
    if found is not None and found.lift is not None:
        more = f"; {fmt.plural(found.others, 'more event')} within 48 h" if found.others else ""
        return (
            f"{_event(found.event)}; stars ran {found.lift:.1f}× baseline for "
            f"{found.hours:.0f} h after it{more}"
        )
    if recent:
        return "; ".join(_event(event) for event in recent)
    return ("nothing in the data coincides: no release, merged pull request, Hacker News "
            "story or feed item in the 72 hours before")


def _event(event: RepoEvent) -> str:
    moment = event.occurred_at.astimezone(UTC)
    when = f"{fmt.day(moment.date())} {moment:%H:%M} UTC"
    if event.kind == "release":
        return f"release {event.title}, published {when}"
    if event.kind == "pull_request":
        return f"PR #{event.key} “{event.title}”, merged {when}"
    return f"{mention_words(event)}, {when}"
