"""/momentum watch add, repo and briefing end to end: Discord interactions through
discord.py to the fake Discord, with data collected from the fake GitHub."""

from __future__ import annotations

from pathlib import Path

from adapters.discord.bot import DiscordAdapter
from bot.collection.service import DataService
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.testing import FakeClock
from bot.testing.fake_discord import FakeDiscord
from storage.sqlite import SqliteStore
from tests.discord_payloads import command_interaction
from tests.discord_support import (
    EPHEMERAL,
    IS_COMPONENTS_V2,
    discord_settings,
    embeds_of,
    interact,
    settle,
    shown_text,
)
from tests.github_support import BIG, T1, github, scenario


def _texts(embeds: list[dict[str, object]]) -> str:
    parts: list[str] = []
    for embed in embeds:
        parts += [str(embed.get("title", "")), str(embed.get("description", ""))]
        for field in embed.get("fields", []):  # type: ignore[attr-defined]
            parts += [field["name"], field["value"]]
    return "\n".join(parts)


async def test_watch_add_repo_and_briefing_with_github_behind(tmp_path: Path) -> None:
    clock = FakeClock(T1)
    store = await SqliteStore.open(tmp_path / "m.db")
    try:
        async with (
            FakeDiscord() as api,
            github(scenario(), clock, token=None) as (_, client),
        ):
            settings = discord_settings(api)
            data = DataService(store, client, clock)
            router = Router(Context(store, settings, clock, data=data))
            adapter = DiscordAdapter(settings, router, store, clock=clock, answer_within=10.0)
            await adapter.start()
            try:
                added = await interact(
                    adapter, api, command_interaction("watch", "add", repos=f"{BIG}")
                )
                assert "Added 1 repo: big/rocket." in _texts(embeds_of(added))
                await data.wait_idle()

                asked = await interact(adapter, api, command_interaction("repo", repo=str(BIG)))
                assert asked.body["data"]["flags"] & EPHEMERAL
                text = _texts(embeds_of(asked))
                # Figures as tests/test_watch_github.py works them out from the scenario.
                assert "252.9/day (prior 241.4/day, +11.4, +5%)" in text
                assert "149,853" in text
                # The scenario's description carries "<!channel>": it reaches Discord inert.
                assert "A rocket <\u200b!channel>" in text

                posted = await interact(adapter, api, command_interaction("briefing"))
                # For the whole channel (not ephemeral), as Components V2.
                assert posted.body["data"]["flags"] == IS_COMPONENTS_V2
                assert "big/rocket" in shown_text(posted)
                assert posted.files
            finally:
                await settle()
                await adapter.close()
                await data.close()
    finally:
        await store.close()
