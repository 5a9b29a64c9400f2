"""A Discord interaction in, a neutral :class:`Command` out."""

from __future__ import annotations

import discord

from bot.core.command import ChannelKey, Command
from bot.core.message import Message, error

DM_REFUSAL: Message = error(
    "Watch lists belong to server channels",
    "Momentum keeps a watch list per channel of a server. Use /momentum in a server "
    "channel where Momentum is installed; in direct messages only /momentum help works.",
)


def channel_key(interaction: discord.Interaction) -> ChannelKey | None:
    """The server channel the interaction came from; None in direct messages."""
    if interaction.guild_id is None or interaction.channel_id is None:
        return None
    return ChannelKey("discord", str(interaction.guild_id), str(interaction.channel_id))


def can_manage(permissions: discord.Permissions) -> bool:
    # Discord sends the member's permissions resolved for this channel, overwrites included.
    return permissions.manage_channels or permissions.administrator


def to_command(interaction: discord.Interaction, text: str) -> Command | None:
    channel = channel_key(interaction)
    if channel is None:
        return None
    return Command(
        channel=channel,
        user=str(interaction.user.id),
        can_manage=can_manage(interaction.permissions),
        text=text,
    )


def direct_message_command(interaction: discord.Interaction, text: str) -> Command:
    """A command from a direct message, for the few commands that need no channel."""
    return Command(
        channel=ChannelKey("discord", "@me", str(interaction.channel_id or interaction.user.id)),
        user=str(interaction.user.id),
        can_manage=False,
        text=text,
    )
