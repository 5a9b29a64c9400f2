"""``/momentum access [everyone|managers]``: who may change watch lists in this workspace."""

from __future__ import annotations

from bot.core.command import Command
from bot.core.message import Message, Section, error
from bot.core.store import Access
from bot.features.access import MANAGER_ROLE, PLATFORM_DEFAULT, workspace_access
from bot.features.commands.context import Context
from bot.features.commands.help import usage_error

_CHOICES: dict[str, Access] = {"everyone": "everyone", "managers": "managers"}


async def access_command(ctx: Context, command: Command, args: list[str]) -> Message:
    platform = command.channel.platform
    managers = MANAGER_ROLE[platform]
    if not args:
        current = await workspace_access(ctx.store, command)
        who = "everyone in a channel" if current == "everyone" else managers
        default = " (the default)" if current == PLATFORM_DEFAULT[platform] else ""
        return Message(
            title="Who may change watch lists here",
            sections=(Section(text=f"{who.capitalize()}{default}."),),
        )
    if len(args) != 1 or args[0].lower() not in _CHOICES:
        return usage_error("Choose 'everyone' or 'managers'", "access")
    if not command.can_manage:
        return error(
            "You can't change who manages watch lists",
            f"Only {managers} can change this setting.",
        )
    choice = _CHOICES[args[0].lower()]
    await ctx.store.set_workspace_access(platform, command.channel.workspace, choice)
    who = "everyone in a channel" if choice == "everyone" else managers
    return Message(
        title="Access updated",
        sections=(Section(text=f"From now on {who} may change this workspace's watch lists."),),
    )
