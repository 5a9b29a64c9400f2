"""Second replies, when data fetched behind a chat answer is in. ``/momentum compare``
answers at once from the store and says the rest follows; the full comparison follows
when GitHub's pages are in (or says that GitHub did not give them). ``watch add`` says
when the new repos' history is collected. On Slack the second reply goes to the same
``response_url``; on Discord it is the interaction's follow-up. The real adapters, fake
Slack, Discord and GitHub on loopback, a real SQLite file.

The world: T1 is Wed 2026-11-25 12:00 UTC; a/one was created at 00:00, 400 days before
T1's day, with 5 stars a day: 401 days x 5 = 2,005 stars; b/two the same day with 10 a
day: 4,010. "all" takes ceil((400 + 7) / 210) = 2 history pages of each: 4 calls.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.discord.bot import DiscordAdapter
from adapters.slack.app import SlackAdapter
from bot.collection.service import DataService
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.testing import FakeClock, FakeGitHub, ScenarioRepo
from bot.testing.fake_discord import FakeDiscord
from bot.testing.fake_github import Fault
from bot.testing.fake_slack import FakeSlack
from bot.testing.github_scenario import Scenario
from storage.sqlite import SqliteStore
from tests.discord_payloads import command_interaction
from tests.discord_support import EPHEMERAL, discord_settings, embeds_of, interact, settle
from tests.github_support import T1
from tests.github_support import github as github_at
from tests.slack_support import command_body, signed_headers
from tests.test_slack_app import Workspace, slack_settings

CREATED = datetime.combine(T1.date() - timedelta(days=400), time(), UTC)


def two_repos() -> Scenario:
    return Scenario([
        ScenarioRepo.with_daily("a/one", 1, CREATED, [5] * 401),
        ScenarioRepo.with_daily("b/two", 2, CREATED, [10] * 401),
    ])


class World:
    def __init__(self, slack: FakeSlack, github: FakeGitHub, workspace: Workspace,
                 data: DataService) -> None:
        self.slack, self.github, self.workspace, self.data = slack, github, workspace, data

    async def compare(self, text: str) -> tuple[dict[str, Any], str]:
        url = self.slack.response_url()
        body = command_body(text, response_url=url)
        status, _, _ = await self.workspace.post(body, signed_headers(body))
        assert status == 200
        await self.workspace.adapter.drain()
        [first] = self.slack.replies_to(url)
        return first, url

    async def second_reply(self, url: str) -> dict[str, Any]:
        await self.data.wait_idle()
        for _ in range(200):
            replies = self.slack.replies_to(url)
            if len(replies) == 2:
                return replies[1]
            await asyncio.sleep(0.01)
        raise AssertionError(f"{len(self.slack.replies_to(url))} replies at response_url")


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    scenario, clock = two_repos(), FakeClock(T1)
    store = await SqliteStore.open(tmp_path / "m.db")
    try:
        async with FakeSlack() as slack, github_at(scenario, clock, token=None) as (fake, client):
            settings = slack_settings(slack)
            data = DataService(store, client, clock)
            router = Router(Context(store, settings, clock, data=data))
            adapter = SlackAdapter(settings, router, store, host="127.0.0.1")
            await adapter.start()
            try:
                yield World(slack, fake, Workspace(slack, adapter, store), data)
            finally:
                await adapter.close()
                await data.close()
    finally:
        await store.close()


async def test_the_full_comparison_follows_when_the_history_is_in(world: World) -> None:
    first, url = await world.compare("compare a/one b/two since all")
    assert "the full comparison follows here when it is in" in first["text"]
    # The check gave the totals, but no day of history is stored yet.
    assert "a/one · 2,005 · – · – · –" in first["text"]
    second = await world.second_reply(url)
    assert second["response_type"] == "ephemeral"
    assert "The history being fetched is in" in second["text"]
    # 7-, 28- and 90-day velocity: 5.0 and 10.0 stars a day, every day alike.
    assert "a/one · 2,005 · 5.0 · 5.0 · 5.0" in second["text"]
    assert "b/two · 4,010 · 10.0 · 10.0 · 10.0" in second["text"]
    assert "still being fetched" not in second["text"]
    assert world.github.stats.calls["history"] == 4


async def test_a_comparison_already_stored_gets_one_answer(world: World) -> None:
    _, url = await world.compare("compare a/one b/two since all")
    await world.second_reply(url)
    again, url = await world.compare("compare a/one b/two since all")
    assert "a/one · 2,005 · 5.0 · 5.0 · 5.0" in again["text"]
    await world.data.wait_idle()
    await asyncio.sleep(0.05)
    assert len(world.slack.replies_to(url)) == 1
    assert world.github.stats.calls["history"] == 4  # kept: nothing asked again


async def test_when_github_fails_the_follow_up_says_so(world: World) -> None:
    # Every history page answers 502 (the client retries a few times; 50 outlasts them).
    world.github.inject(Fault(status=502, times=50, path="/repos/*/stargazers/history"))
    first, url = await world.compare("compare a/one b/two since all")
    assert "follows here" in first["text"]
    second = await world.second_reply(url)
    said = "GitHub did not give the full history of a/one, b/two just now; ask again later"
    assert said in second["text"]


async def test_on_discord_the_full_comparison_is_a_follow_up(tmp_path: Path) -> None:
    scenario, clock = two_repos(), FakeClock(T1)
    store = await SqliteStore.open(tmp_path / "m.db")
    try:
        async with FakeDiscord() as api, github_at(scenario, clock, token=None) as (_, client):
            settings = discord_settings(api)
            data = DataService(store, client, clock)
            router = Router(Context(store, settings, clock, data=data))
            adapter = DiscordAdapter(settings, router, store, clock=clock)
            await adapter.start()
            try:
                payload = command_interaction("compare", repos="a/one b/two", since="all")
                first = await interact(adapter, api, payload)
                assert "follows here" in json.dumps(embeds_of(first))
                await data.wait_idle()
                [follow_up] = await api.wait_for("followup")
                assert follow_up.body["flags"] & EPHEMERAL  # to the asker, as the first
                shown = json.dumps(embeds_of(follow_up))
                assert "The history being fetched is in" in shown
                assert "4,010" in shown
            finally:
                await settle()
                await adapter.close()
                await data.close()
    finally:
        await store.close()


async def test_watch_add_says_in_a_second_reply_when_the_history_is_in(world: World) -> None:
    url = world.slack.response_url()
    body = command_body("watch add a/one", response_url=url)
    status, _, _ = await world.workspace.post(body, signed_headers(body))
    assert status == 200
    await world.workspace.adapter.drain()
    [first] = world.slack.replies_to(url)
    assert "Added 1 repo: a/one." in first["text"]
    assert "a second reply says when it is in" in first["text"]
    second = await world.second_reply(url)
    # 401 days x 5 stars (see the top of the file).
    assert "Star history collected: a/one (2,005 stars)" in second["text"]
