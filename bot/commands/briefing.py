"""``/momentum briefing``: the channel's briefing, posted for everyone in it."""

from __future__ import annotations

import asyncio

from bot.briefing import compose
from bot.briefing.chart import briefing_chart
from bot.briefing.message import briefing_message
from bot.chat import Command
from bot.commands.help import usage_error
from bot.context import Context
from bot.message import Message, Section


async def briefing_command(ctx: Context, command: Command, args: list[str]) -> Message:
    if args:
        return usage_error("'briefing' takes no arguments", "briefing")
    watched = await ctx.store.watch_list(command.channel)
    if not watched:
        return Message(
            title="This channel watches no repos yet",
            sections=(Section(text="Add some with /momentum watch add owner/name first."),),
        )
    channel = await ctx.store.get_channel(command.channel)
    chosen = channel.settings.window_days if channel else None
    briefing = await compose(
        ctx.store,
        [item.repo for item in watched],
        ctx.today(),
        chosen or ctx.settings.window_days,
        synthetic=ctx.synthetic,
    )
    # Drawing takes a few hundred milliseconds: keep it off the event loop.
    chart = await asyncio.to_thread(briefing_chart, briefing)
    return briefing_message(briefing, chart)
