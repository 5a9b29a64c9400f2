"""``/momentum radar [add <N>]``: young repos rising in this list's themes."""

from __future__ import annotations

from bot.core.command import Command
from bot.core.message import Message
from bot.features.commands.context import Context
from bot.features.commands.help import usage_error
from bot.features.commands.watch import add_repos
from bot.features.radar import radar_picks
from bot.features.radar.message import radar_message


async def radar_command(ctx: Context, command: Command, args: list[str]) -> Message:
    if not args:
        return radar_message(await radar_picks(ctx.store, command.channel, ctx.now()))
    if args[0].lower() != "add" or len(args) != 2:
        return usage_error("Unknown radar command", "radar")
    radar = await radar_picks(ctx.store, command.channel, ctx.now())
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if not args[1].isascii() or not args[1].isdigit() or not 1 <= int(args[1]) <= len(radar.picks):
        shown = len(radar.picks)
        return usage_error(
            f"There is no radar repo {args[1]}",
            "radar",
            f"The radar shows {shown} repos now: pick 1 to {shown}." if shown
            else "The radar shows nothing for this list yet.",
        )
    return await add_repos(ctx, command, [radar.picks[int(args[1]) - 1].ref])
