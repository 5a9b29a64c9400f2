"""Helpers for the Discord tests: settings for the fake Discord, and delivering an
interaction as the gateway would."""

from __future__ import annotations

import asyncio
from typing import Any

from adapters.discord.bot import DiscordAdapter
from bot.core.settings import Settings
from bot.testing.discord_components import IS_COMPONENTS_V2 as IS_COMPONENTS_V2
from bot.testing.discord_components import MEDIA_GALLERY, TEXT_DISPLAY
from bot.testing.fake_discord import Call, FakeDiscord

EPHEMERAL = 64


def discord_settings(api: FakeDiscord, **more: Any) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, DISCORD_TOKEN="test-token", DISCORD_API_URL=api.api_url, **more
    )


async def settle() -> None:
    """Waits for the command tree's handler tasks, which discord.py runs detached."""
    pending = [
        task
        for task in asyncio.all_tasks()
        if task.get_name() == "CommandTree-invoker" and task is not asyncio.current_task()
    ]
    await asyncio.gather(*pending)


async def interact(
    adapter: DiscordAdapter, api: FakeDiscord, payload: dict[str, Any], kind: str = "callback"
) -> Call:
    """Delivers the payload as the gateway would and returns the reply Discord received."""
    before = len(api.calls_of(kind))
    # The gateway hands each dispatch to the parser named for its event.
    adapter.client._connection.parsers["INTERACTION_CREATE"](payload)
    calls = await api.wait_for(kind, before + 1)
    await settle()
    return calls[-1]


def embeds_of(call: Call) -> list[dict[str, Any]]:
    body = call.body
    data = body.get("data", body)
    return list(data.get("embeds", []))


def components_of(call: Call) -> list[dict[str, Any]]:
    """Every Components V2 component of a message, nested ones included, in order."""
    body = call.body
    data = body.get("data", body)

    def walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for component in components:
            found += [component, *walk(component.get("components", []))]
        return found

    return walk(list(data.get("components", [])))


def shown_text(call: Call) -> str:
    """The text a message shows: its embeds' titles, descriptions and fields, or its
    Components V2 text displays."""
    parts: list[str] = []
    for embed in embeds_of(call):
        parts += [str(embed.get("title", "")), str(embed.get("description", ""))]
        parts += [f"{field['name']}\n{field['value']}" for field in embed.get("fields", [])]
    parts += [c["content"] for c in components_of(call) if c.get("type") == TEXT_DISPLAY]
    return "\n".join(parts)


def shown_images(call: Call) -> list[str]:
    """The addresses of the images a message shows (embed images or gallery items)."""
    urls = [e["image"]["url"] for e in embeds_of(call) if "image" in e]
    for component in components_of(call):
        if component.get("type") == MEDIA_GALLERY:
            urls += [item["media"]["url"] for item in component["items"]]
    return urls
