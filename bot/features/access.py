"""Who may change a channel's watch list and schedule."""

from __future__ import annotations

from bot.core.command import Command, Platform
from bot.core.store import Access, Store

# Slack channels are usually team spaces where everyone curates; Discord servers are often
# large and public, so there the managing role is needed until a server opens it up.
PLATFORM_DEFAULT: dict[Platform, Access] = {
    "slack": "everyone",
    "discord": "managers",
    "console": "everyone",
}

MANAGER_ROLE: dict[Platform, str] = {
    "slack": "workspace admins and owners",
    "discord": "members with Manage Channels",
    "console": "the console's user",
}


async def workspace_access(store: Store, command: Command) -> Access:
    chosen = await store.workspace_access(command.channel.platform, command.channel.workspace)
    return chosen or PLATFORM_DEFAULT[command.channel.platform]


async def may_change(store: Store, command: Command) -> bool:
    return command.can_manage or await workspace_access(store, command) == "everyone"
