"""``/momentum briefing``: the channel's briefing, posted for everyone in it."""

from __future__ import annotations

from bot.core.command import Command
from bot.core.message import Message, Section
from bot.features.briefing.channel import channel_briefing
from bot.features.commands.context import Context
from bot.features.commands.help import usage_error


async def briefing_command(ctx: Context, command: Command, args: list[str]) -> Message:
    if args:
        return usage_error("'briefing' takes no arguments", "briefing")
    channel = await ctx.store.get_channel(command.channel)
    message = None if channel is None else await channel_briefing(
        ctx.store,
        channel,
        as_of=ctx.today(),
        default_window=ctx.settings.window_days,
        synthetic=ctx.synthetic,
        now=ctx.now(),
        model=ctx.model,
    )
    if message is None:
        return Message(
            title="This channel watches no repos yet",
            sections=(Section(text="Add some with /momentum watch add owner/name first."),),
        )
    return message
