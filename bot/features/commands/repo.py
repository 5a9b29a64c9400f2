"""``/momentum repo owner/name``: one repository's figures, from the store alone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.core import formatting as fmt
from bot.core.command import Command
from bot.core.figures import Momentum, momentum
from bot.core.message import Field, Message, Section
from bot.core.repo_ref import InvalidRepoRef, RepoRef
from bot.core.store import RepoRecord
from bot.features.commands.context import Context
from bot.features.commands.help import usage_error

SPARKLINE_DAYS = 28
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
    history = await ctx.store.daily_stars(repo.id, as_of - timedelta(days=56), as_of)
    snapshot = await ctx.store.latest_snapshot(repo.id)
    if not history and snapshot is None:
        return Message(
            title=f"{repo.ref}: data is being collected",
            sections=(Section(text="Ask again in a few minutes."),),
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
        Field("7-day velocity", _velocity(week)),
        Field("28-day velocity", _velocity(month)),
        Field(
            "Latest release",
            f"{releases[-1].title} ({fmt.day(releases[-1].occurred_at.date())})"
            if releases
            else "none in the last year",
        ),
    ]
    sparkline_days = [as_of - timedelta(days=n) for n in range(SPARKLINE_DAYS, 0, -1)]
    sparkline = fmt.sparkline([history.get(day, 0) for day in sparkline_days])
    footnotes = [
        f"Velocity is stars per day over whole UTC days before {fmt.day(as_of)}, "
        "against the same number of days before that."
    ]
    if not (week.complete and month.complete):
        footnotes.append(
            f"{fmt.plural(month.missing_days, 'day')} of the last 56 have no data yet, so "
            "these figures may be understated."
        )
    sections = []
    if repo.metadata.description:
        sections.append(Section(text=repo.metadata.description))
    sections.append(Section(fields=tuple(fields)))
    sections.append(
        Section(title=f"Daily stars, last {SPARKLINE_DAYS} days", code=sparkline)
    )
    return Message(title=str(repo.ref), sections=tuple(sections), footnotes=tuple(footnotes))


def _velocity(figure: Momentum) -> str:
    return (
        f"{fmt.rate(figure.velocity)} (prior {fmt.rate(figure.prior_velocity)}, "
        f"{fmt.signed(figure.acceleration)}, {fmt.percent(figure.acceleration_pct)})"
    )
