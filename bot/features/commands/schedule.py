"""``/momentum schedule`` and ``/momentum status``: when briefings come, and how they went."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.collection.collector import unreachable_since
from bot.core import formatting as fmt
from bot.core.command import Command
from bot.core.message import Field, Message, Section, error
from bot.core.schedule import Schedule, ScheduleError, parse_schedule
from bot.core.store import ChannelRecord, ChannelSettings
from bot.features.access import MANAGER_ROLE, may_change
from bot.features.commands.context import Context
from bot.features.commands.feeds import feed_status
from bot.features.commands.help import usage_error
from bot.features.commands.prose import prose_status


async def schedule_command(ctx: Context, command: Command, args: list[str]) -> Message:
    channel = await ctx.store.get_channel(command.channel)
    settings = channel.settings if channel else ChannelSettings()
    if not args:
        return _shown(ctx, settings, title="Briefing schedule", paused=_paused(channel))
    if not await may_change(ctx.store, command):
        return error(
            "You can't change this channel's schedule",
            f"In this workspace only {MANAGER_ROLE[command.channel.platform]} can.",
        )
    try:
        chosen = parse_schedule(args, settings)
    except ScheduleError as exc:
        return usage_error("That is not a schedule", "schedule", f"{exc}.")
    await ctx.store.add_channel(command.channel, ctx.now())
    await ctx.store.save_channel_settings(command.channel, chosen)
    resumed = bool(channel and channel.paused_reason)
    if resumed:
        # Someone could run a command here, so the channel is reachable again.
        await ctx.store.pause_channel(command.channel, None)
    await ctx.schedules.changed(ctx.store, command.channel, ctx.now())
    message = _shown(ctx, chosen, title="Schedule updated", paused=None)
    if resumed:
        extra = Section(text="Scheduled posts had been paused here; they are resumed.")
        message = Message(message.title, (*message.sections, extra))
    return message


def _paused(channel: ChannelRecord | None) -> str | None:
    return channel.paused_reason if channel else None


def _shown(ctx: Context, settings: ChannelSettings, *, title: str, paused: str | None) -> Message:
    schedule = Schedule.of(settings, ctx.settings.timezone)
    fields = [Field("Schedule", schedule.describe())]
    upcoming = schedule.next_run(ctx.now())
    if paused:
        fields.append(Field("Paused", paused))
    elif upcoming is not None:
        fields.append(Field("Next briefing", fmt.local_time(upcoming, schedule.timezone)))
    return Message(title=title, sections=(Section(fields=tuple(fields)),))


async def status_command(ctx: Context, command: Command, args: list[str]) -> Message:
    if args:
        return usage_error("'status' takes no arguments", "status")
    channel = await ctx.store.get_channel(command.channel)
    watched = await ctx.store.watch_list(command.channel)
    settings = channel.settings if channel else ChannelSettings()
    schedule = Schedule.of(settings, ctx.settings.timezone)
    fields = [
        Field("Watch list", f"{fmt.plural(len(watched), 'repo')} of {ctx.settings.max_watch}"),
        Field("Schedule", schedule.describe()),
    ]
    recent = await ctx.store.recent_deliveries(command.channel, 1)
    if recent:
        last = recent[0]
        when = fmt.local_time(last.finished_at or last.claimed_at, schedule.timezone)
        outcome = {"done": "posted", "claimed": "in progress", "skipped": "skipped",
                   "failed": "failed"}[last.status]
        detail = f": {last.error}" if last.error else ""
        fields.append(Field("Last briefing", f"{outcome}, {when}{detail}"))
    else:
        fields.append(Field("Last briefing", "none yet"))
    paused = _paused(channel)
    if paused:
        fields.append(Field("Paused", f"{paused}. Set the schedule again to resume."))
    else:
        upcoming = schedule.next_run(ctx.now()) if watched else None
        next_one = fmt.local_time(upcoming, schedule.timezone) if upcoming else "none"
        fields.append(Field("Next briefing", next_one))
    if settings.prose or ctx.settings.llm_configured:
        fields.append(Field("Prose", await prose_status(ctx, command, settings)))
    fetched = [item.repo.stars_fetched_at for item in watched]
    fields.append(Field("Data", _freshness(ctx.now(), fetched)))
    outage = await unreachable_since(ctx.store)
    if outage is not None:
        fields.append(
            Field(
                "GitHub",
                f"unreachable since {fmt.local_time(outage, schedule.timezone)}; briefings and "
                "replies use the data stored before",
            )
        )
    feeds = feed_status(await ctx.store.channel_feeds(command.channel))
    if feeds:
        fields.append(Field("Feeds", feeds))
    return Message(
        title="Momentum status for this channel", sections=(Section(fields=tuple(fields)),)
    )


def _freshness(now: datetime, fetched: list[datetime | None]) -> str:
    if not fetched:
        return "no repos watched"
    missing = sum(1 for moment in fetched if moment is None)
    known = [moment for moment in fetched if moment is not None]
    parts = []
    if known:
        oldest = min(known).astimezone(UTC)
        hours = (now - oldest).total_seconds() / 3600
        age = f"{hours:.0f} hours" if hours < 48 else f"{hours / 24:.0f} days"
        parts.append(f"oldest refresh {age} ago")
    if missing:
        parts.append(f"{fmt.plural(missing, 'repo')} not collected yet")
    return "; ".join(parts)
