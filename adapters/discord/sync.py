"""Registers the app commands with Discord only when they changed since the last time.

Discord rate-limits command registration and a global update can take a while to reach
every client, so a restart with the same commands must not re-register them.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import discord
from discord import app_commands

from bot.core.store import Store


def state_key(guild: discord.abc.Snowflake | None) -> str:
    return f"discord.commands.{guild.id if guild else 'global'}"


def command_hash(
    tree: app_commands.CommandTree[discord.Client], guild: discord.abc.Snowflake | None
) -> str:
    payload = {
        "application": tree.client.application_id,
        "commands": [command.to_dict(tree) for command in tree.get_commands(guild=guild)],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


async def sync_if_changed(
    tree: app_commands.CommandTree[discord.Client],
    store: Store,
    guild: discord.abc.Snowflake | None,
    at: datetime,
) -> bool:
    """Registers the commands (globally, or to one guild) unless the stored hash matches."""
    digest = command_hash(tree, guild)
    if await store.get_state(state_key(guild)) == digest:
        return False
    await tree.sync(guild=guild)
    await store.set_state(state_key(guild), digest, at)
    return True
