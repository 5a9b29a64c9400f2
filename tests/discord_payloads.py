"""INTERACTION_CREATE payloads shaped as Discord's documentation shows them (Interactions >
Receiving and Responding > Interaction Object), for feeding through discord.py's parser.

Plain dicts only: what the gateway would deliver, nothing of ours.
"""

from __future__ import annotations

import itertools
from typing import Any

from bot.testing.fake_discord import APPLICATION_ID

GUILD_ID = 1100000000000000001
CHANNEL_ID = 1100000000000000002
DM_CHANNEL_ID = 1100000000000000003
ALICE = 1100000000000000010
BOB = 1100000000000000011
COMMAND_ID = 1100000000000000020

# Permission bits (Discord: Permissions > Bitwise Permission Flags).
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_CHANNELS = 1 << 4
USE_APPLICATION_COMMANDS = 1 << 31
MEMBER = VIEW_CHANNEL | SEND_MESSAGES | USE_APPLICATION_COMMANDS
MANAGER = MEMBER | MANAGE_CHANNELS

# Interaction types and option types (Discord: Interaction Type, Application Command
# Option Type).
APPLICATION_COMMAND = 2
APPLICATION_COMMAND_AUTOCOMPLETE = 4
SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING = 3

_ids = itertools.count(1200000000000000000)


def _user(user_id: int, name: str) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name.title(),
        "discriminator": "0",
        "avatar": None,
        "public_flags": 0,
    }


def options(*path: str, **values: str) -> list[dict[str, Any]]:
    """Nested options for ``/momentum <path…>`` with string values: a subcommand group
    holds its subcommand, which holds the values."""
    leaf: list[dict[str, Any]] = [
        {"name": name, "type": STRING, "value": value} for name, value in values.items()
    ]
    *groups, command = path
    nested: list[dict[str, Any]] = [{"name": command, "type": SUB_COMMAND, "options": leaf}]
    for group in reversed(groups):
        nested = [{"name": group, "type": SUB_COMMAND_GROUP, "options": nested}]
    return nested


def focus(tree: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """Marks the option being typed, as an autocomplete interaction does."""
    for option in tree:
        if option["name"] == name and "value" in option:
            option["focused"] = True
        focus(option.get("options", []), name)
    return tree


def command_interaction(
    *path: str,
    user: int = ALICE,
    permissions: int = MANAGER,
    guild: bool = True,
    kind: int = APPLICATION_COMMAND,
    focused: str | None = None,
    **values: str,
) -> dict[str, Any]:
    data_options = options(*path, **values)
    if focused is not None:
        data_options = focus(data_options, focused)
    payload: dict[str, Any] = {
        "id": str(next(_ids)),
        "application_id": str(APPLICATION_ID),
        "type": kind,
        "data": {
            "id": str(COMMAND_ID),
            "name": "momentum",
            "type": 1,
            "options": data_options,
        },
        "token": f"aW50ZXJhY3Rpb246{next(_ids)}",
        "version": 1,
        "locale": "en-US",
        "app_permissions": str(MEMBER | (1 << 14) | (1 << 15)),
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    if guild:
        payload.update(
            guild_id=str(GUILD_ID),
            guild={"id": str(GUILD_ID), "locale": "en-US", "features": []},
            guild_locale="en-US",
            channel_id=str(CHANNEL_ID),
            channel={
                "id": str(CHANNEL_ID),
                "type": 0,
                "guild_id": str(GUILD_ID),
                "name": "open-source",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
                "topic": None,
                "last_message_id": None,
                "rate_limit_per_user": 0,
                "flags": 0,
                "permissions": str(permissions),
            },
            member={
                "user": _user(user, "alice" if user == ALICE else "bob"),
                "roles": [],
                "joined_at": "2025-01-01T00:00:00.000000+00:00",
                "premium_since": None,
                "deaf": False,
                "mute": False,
                "flags": 0,
                "pending": False,
                "nick": None,
                "avatar": None,
                "permissions": str(permissions),
            },
            authorizing_integration_owners={"0": str(GUILD_ID)},
            context=0,
        )
    else:
        payload.update(
            channel_id=str(DM_CHANNEL_ID),
            channel={
                "id": str(DM_CHANNEL_ID),
                "type": 1,
                "last_message_id": None,
                "flags": 0,
                "recipients": [_user(user, "alice")],
            },
            user=_user(user, "alice"),
            authorizing_integration_owners={"0": str(GUILD_ID)},
            context=1,
        )
    return payload
