"""``/momentum repo owner/name``: one repository's figures, from the store alone."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

from bot.collection.collector import unreachable_since
from bot.core import formatting as fmt
from bot.core.command import Command
from bot.core.figures import Momentum, momentum
from bot.core.message import Chart, Field, Message, Section
from bot.core.repo_ref import InvalidRepoRef, RepoRef
from bot.core.store import RepoEvent, RepoRecord, Snapshot
from bot.features.commands.context import Context
from bot.features.commands.help import usage_error
from bot.features.compare.chart import repo_chart
from bot.features.compare.figures import RepoHistory, compare_row

SPARKLINE_DAYS = 28
CHART_DAYS = 90
NO_DATA = "no data yet"
RELEASE_LOOKBACK = timedelta(days=365)


async def repo_command(ctx: Context, command: Command, args: list[str]) -> Message:
    if len(args) != 1:
        return usage_error("Name exactly one repo", "repo")
    try:
        ref = RepoRef.parse(args[0])
    except InvalidRepoRef as exc:
        return usage_error("That is not a repo name", "repo", str(exc))
    repo = await ctx.store.find_repo(ref)
    if repo is None:
        return Message(
            title=f"No data for {ref} yet",
            sections=(
                Section(
                    text="Momentum collects data for repos on a watch list. Add it with "
                    f"/momentum watch add {ref} and its figures follow once collected."
                ),
            ),
        )
    if repo.status == "gone":
        return Message(
            title=f"{repo.ref} is gone",
            sections=(Section(text="GitHub no longer serves it (deleted or made private)."),),
        )
    return await _describe(ctx, repo)


async def _describe(ctx: Context, repo: RepoRecord) -> Message:
    as_of = ctx.today()
    history = await ctx.store.daily_stars(repo.id, as_of - timedelta(days=CHART_DAYS), as_of)
    snapshot = await ctx.store.latest_snapshot(repo.id)
    outage = await unreachable_since(ctx.store)
    if not history and snapshot is None:
        return Message(
            title=f"{repo.ref}: no data yet",
            sections=(Section(
                text=_outage(outage, "; its figures follow once GitHub answers again.")
                if outage
                else "It is being collected; ask again in a few minutes."
            ),),
        )
    start_of_today = datetime.combine(as_of, time(), tzinfo=UTC)
    releases = [
        event
        for event in await ctx.store.events(repo.id, start_of_today - RELEASE_LOOKBACK, ctx.now())
        if event.kind == "release"
    ]
    week, month = momentum(history, as_of, 7), momentum(history, as_of, 28)
    fields = [
        Field("Stars", fmt.count(snapshot.stars) if snapshot else "not collected yet"),
        Field("Forks", fmt.count(snapshot.forks) if snapshot and snapshot.forks is not None
              else "not collected yet"),
        Field("7-day velocity", _velocity(week) if history else NO_DATA),
        Field("28-day velocity", _velocity(month) if history else NO_DATA),
        Field(
            "Latest release",
            f"{releases[-1].title} ({fmt.day(releases[-1].occurred_at.date())})"
            if releases
            else "none in the last year",
        ),
    ]
    sparkline_days = [as_of - timedelta(days=n) for n in range(SPARKLINE_DAYS, 0, -1)]
    footnotes = [
        f"Velocity is stars per day over whole UTC days before {fmt.day(as_of)}, "
        "against the same number of days before that."
    ]
    if outage:
        footnotes.append(_outage(outage, ": these figures are from data stored before."))
    if history and not (week.complete and month.complete):
        footnotes.append(
            f"{fmt.plural(month.missing_days, 'day')} of the last 56 have no data yet, so "
            "these figures may be understated."
        )
    sections = []
    if repo.metadata.description:
        sections.append(Section(text=repo.metadata.description))
    sections.append(Section(fields=tuple(fields)))
    spark_title = f"Daily stars, last {SPARKLINE_DAYS} days"
    if any(day in history for day in sparkline_days):
        sparkline = fmt.sparkline([history.get(day, 0) for day in sparkline_days])
        sections.append(Section(title=spark_title, code=sparkline))
    else:
        # A flat line would read as a repo nobody starred.
        sections.append(Section(title=spark_title, text=NO_DATA))
    chart = await asyncio.to_thread(_chart, repo, history, snapshot, releases, as_of, ctx.synthetic)
    return Message(
        title=str(repo.ref), sections=tuple(sections), chart=chart, footnotes=tuple(footnotes)
    )


def _chart(
    repo: RepoRecord,
    history: dict[date, int],
    snapshot: Snapshot | None,
    releases: list[RepoEvent],
    as_of: date,
    synthetic: bool,
) -> Chart | None:
    row = compare_row(
        RepoHistory(str(repo.ref), history, snapshot.stars if snapshot else None, None, False),
        as_of,
        CHART_DAYS,
    )
    daily = sorted((day, count) for day, count in history.items() if day < as_of)
    marks = [(event.occurred_at.date(), event.key) for event in releases]
    return repo_chart(str(repo.ref), row.curve, daily, marks, synthetic=synthetic)


def _outage(since: datetime, tail: str) -> str:
    moment = since.astimezone(UTC)
    return f"GitHub has been unreachable since {fmt.day(moment.date())}, {moment:%H:%M} UTC{tail}"


def _velocity(figure: Momentum) -> str:
    return (
        f"{fmt.rate(figure.velocity)} (prior {fmt.rate(figure.prior_velocity)}, "
        f"{fmt.signed(figure.acceleration)}, {fmt.percent(figure.acceleration_pct)})"
    )
