"""A channel's model words its scheduled briefing: the timed job fires, the real composer
builds the briefing from a SQLite store, asks the fake chat-completions server on loopback,
checks its answer, and the real Slack adapter posts it to the fake Slack. Whatever the
model does wrong, the briefing goes out on time with its own text, and the ledger and
``/momentum status`` say which text went out.

Scenario (7-day window, as of Monday 2026-04-13; current = Apr 6-12, prior = Mar 30-Apr 5):
acme/rocket    10/day through Apr 7, 40 on Apr 8 and 9, 20 on Apr 10-12: current
               2x10 + 2x40 + 3x20 = 160 (22.857/day); prior 7x10 = 70 (10.0/day).
               Release v2.0 "Fast & small" at Apr 8 00:00: the 48 h after hold Apr 8 and 9,
               80 stars, against a baseline of 10/day: (80/48) / (10/24) = 4.0x.
acme/slowpoke  30/day Mar 30-Apr 5, 15/day Apr 6-12: current 105 (15.0/day), prior 210
               (30.0/day).
List: (160 + 105)/7 = 37.857/day from (70 + 210)/7 = 40.0/day: -2.143/day, -5.36%.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.discord.bot import DiscordAdapter
from adapters.slack.app import SlackAdapter
from adapters.slack.edge import HttpRequest
from adapters.text import render_text
from bot.app.runtime import Services, open_services
from bot.core.command import ChannelKey, Command
from bot.core.settings import Settings
from bot.core.store import Delivery, RepoEvent, Store
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.jobs.scheduler import BriefingScheduler
from bot.testing.fake_discord import FakeDiscord
from bot.testing.fake_llm import Behaviour, FakeChatServer
from bot.testing.fake_slack import Call, FakeSlack
from storage.sqlite import SqliteStore
from tests.discord_payloads import CHANNEL_ID, GUILD_ID, MANAGER, command_interaction
from tests.discord_support import discord_settings, embeds_of, interact, settle
from tests.slack_support import SIGNING_SECRET, command_body, signed_headers
from tests.support import Chat, Clock
from tests.test_scheduled_end_to_end import DUE, ROCKET, seed, slack_settings

PERIOD = "2026-W16"
RELEASE = RepoEvent(
    "release", "v2.0", "Fast & small", datetime(2026, 4, 8, tzinfo=UTC),
    "https://github.com/acme/rocket/releases/tag/v2.0",
)
# The briefing's own lede: 37.857 from 40.0 a day, down 2.143 (-5.4%), at two figures.
OWN_LEDE = "gained 38 stars/day this week, down 2.1 stars/day (-5%)"
# The fake's good lede, the cascade from the facts rounded as they are given: 37.857 ->
# 37.9, down 2.143 -> 2.1, -5.36% -> -5%; then the usual swing (the prediction model's,
# the same figure as the briefing's own lede states). Which: only acme/slowpoke moved
# with the fall, -15.0 of -2.143 (700%): more than the whole list, the others rose by
# -2.143 - (-15.0) = 12.857 -> 12.9. Why: nothing coincides with acme/slowpoke.
MODEL_LEDE = (
    "The list's 2 repos gained 37.9 stars/day this week, down 2.1 stars/day (-5%) from "
    "the week before, within its usual week-to-week swing of ±"
)
MODEL_WHICH_WHY = (
    "acme/slowpoke fell by 15.0 stars/day, more than the whole list: the others rose by "
    "12.9 stars/day in sum. Nothing in the data coincides with it."
)


@dataclass
class Bot:
    services: Services
    slack: FakeSlack
    scheduler: BriefingScheduler
    model: FakeChatServer
    clock: Clock
    key: ChannelKey

    async def say(self, text: str, *, can_manage: bool = True) -> str:
        reply = await self.services.router.handle(Command(self.key, "U1", can_manage, text))
        return render_text(reply)

    async def post_due(self) -> tuple[Call, Delivery, float]:
        """Monday 09:00 comes: the channel's job fires. The post, its ledger row, and the
        seconds from firing to the post."""
        self.clock.now = DUE + timedelta(seconds=5)
        job = self.scheduler._scheduler.get_job(f"briefing:{self.key}")
        started = time.monotonic()
        job.modify(next_run_time=datetime.now(UTC))
        [posted] = await self.slack.wait_for("chat.postMessage", within=30)
        took = time.monotonic() - started
        for _ in range(200):
            delivery = await self.services.store.get_delivery(self.key, PERIOD)
            if delivery is not None and delivery.status == "done":
                return posted, delivery, took
            await asyncio.sleep(0.05)
        raise AssertionError(f"the delivery was not finished: {delivery}")


@asynccontextmanager
async def running(
    tmp_path: Path, behaviour: Behaviour = "good", *, model_timeout: float = 10.0
) -> AsyncIterator[Bot]:
    clock = Clock(DUE - timedelta(minutes=1))
    async with FakeSlack() as slack, FakeChatServer(behaviour, api_key="local") as model:
        key = ChannelKey("slack", slack.team_id, "C_TEAM")
        settings = slack_settings(
            slack, tmp_path, MOMENTUM_LLM_URL=model.base_url, MOMENTUM_LLM_MODEL="llama3",
            MOMENTUM_LLM_API_KEY="local", MOMENTUM_LLM_TIMEOUT=model_timeout,
        )
        async with open_services(settings, clock=clock) as services:
            await seed(services.store, key)
            rocket = await services.store.find_repo(ROCKET)
            assert rocket is not None
            await services.store.add_events(rocket.id, [RELEASE])
            adapter = SlackAdapter(settings, services.router, services.store, host="127.0.0.1")
            await adapter.start()
            scheduler = services.scheduler([adapter])
            try:
                await scheduler.start()  # 08:59: nothing is due yet
                bot = Bot(services, slack, scheduler, model, clock, key)
                assert "Briefing prose turned on" in await bot.say("prose on")
                yield bot
            finally:
                await scheduler.shutdown()
                await adapter.close()


def blocks_text(post: Call) -> str:
    return "\n".join(
        str(block.get("text", {}).get("text", "")) for block in post.params["blocks"]
    )


async def test_good_prose_is_posted_checked_escaped_and_counted(tmp_path: Path) -> None:
    async with running(tmp_path) as bot:
        posted, delivery, _ = await bot.post_due()
        status = await bot.say("status")
    assert len(bot.model.requests) == 1
    text = posted.params["text"]
    assert MODEL_LEDE in text
    assert MODEL_WHICH_WHY in text
    assert OWN_LEDE not in text
    # One line per mover, the model's, with its move and what coincided: acme/rocket
    # 22.857 -> 22.9 from 10.0, +128.6% -> +129%; days 10, 10, 40, 40, 20, 20, 20 against
    # 10/day before: 5 of 7 above 10 (more than half: sustained). acme/slowpoke 15.0 from
    # 30.0 (-50%), 15 every day: 7 of 7 below 30; no event, and said so.
    assert "acme/rocket ran at 22.9 stars/day, up from 10.0 (+129%, usual ±" in text
    assert "sustained: 5 of 7 days above 10. It coincided with the v2.0 release" in text
    assert "acme/slowpoke ran at 15.0 stars/day, down from 30.0 (-50%, usual ±" in text
    assert "sustained: 7 of 7 days below 30. Nothing in the data coincides." in text
    # The release's title is a stranger's text quoted by the model: Slack gets it escaped,
    # and the repo's name is still its link.
    blocks = blocks_text(posted)
    assert (
        "the v2.0 release “Fast &amp; small” on Apr 8, after which stars ran 4.0× baseline "
        "for 48 h." in blocks
    )
    assert "Fast & small" not in blocks
    assert "<https://github.com/acme/rocket|acme/rocket> ran at 22.9" in blocks
    assert (delivery.text, delivery.text_note) == ("model", None)
    assert "Prose          on · 1 used, 0 fell back in the last 30 days" in status


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        # 22.857 -> 22.9, x 1.7 + 3 = 41.93 -> 41.9: no figure of the data is near it.
        ("wrong_number", "the line for acme/rocket states 41.9, which is not a figure"),
        ("invented_repo", "the lede names someone/madeup-runtime, which is not on the list"),
        ("link", "the lede contains a link"),
        ("mention", "the lede contains a mention"),
        ("garbage", "the model's answer was not the JSON asked for"),
        # acme/slowpoke's facts hold no event (nothing within 48 h, none the window before).
        ("invented_cause", "the line for acme/slowpoke claims a coincidence, but nothing in "
         "the data coincides with acme/slowpoke"),
        ("error", "the model server answered HTTP 500"),
    ],
)
async def test_a_bad_answer_falls_back_to_the_briefings_own_text(
    tmp_path: Path, behaviour: Behaviour, reason: str
) -> None:
    async with running(tmp_path, behaviour) as bot:
        posted, delivery, _ = await bot.post_due()
        status = await bot.say("status")
    assert len(bot.model.requests) == 1
    text = posted.params["text"]
    assert OWN_LEDE in text
    assert "The list's 2 repos gained 37.9" not in text
    assert "acme/rocket: 23 stars/day, up from 10 (+129%" in text
    assert delivery.text == "fallback"
    assert delivery.text_note is not None
    assert reason in delivery.text_note
    assert f"on · 0 used, 1 fell back (latest: {reason}" in status


async def test_a_slow_model_costs_its_timeout_and_no_more(tmp_path: Path) -> None:
    async with running(tmp_path, "slow", model_timeout=0.5) as bot:
        bot.model.slow_seconds = 20.0
        posted, delivery, took = await bot.post_due()
    assert OWN_LEDE in posted.params["text"]
    assert (delivery.text, delivery.text_note) == (
        "fallback", "the model did not answer within 0.5 s"
    )
    # Posted after the 0.5 s timeout plus composing and drawing, long before the model's
    # 20 s answer would have come.
    assert took < 10.0


async def test_prose_off_asks_no_model(tmp_path: Path) -> None:
    async with running(tmp_path) as bot:
        assert "Briefing prose turned off" in await bot.say("prose off")
        posted, delivery, _ = await bot.post_due()
        status = await bot.say("status")
    assert bot.model.requests == []
    assert OWN_LEDE in posted.params["text"]
    assert delivery.text == "template"
    assert "Prose          off" in status


async def test_the_setting_and_the_text_used_are_kept(store: Store) -> None:
    key = ChannelKey("slack", "T1", "C1")
    await store.add_channel(key, DUE)
    channel = await store.get_channel(key)
    assert channel is not None
    assert channel.settings.prose is False  # off until a manager turns it on
    await store.save_channel_settings(key, replace(channel.settings, prose=True))
    again = await store.get_channel(key)
    assert again is not None
    assert again.settings == replace(channel.settings, prose=True)
    assert await store.claim_delivery(key, PERIOD, "host:1", DUE)
    await store.finish_delivery(
        key, PERIOD, "done", DUE, message_id="m1", text="fallback", text_note="HTTP 500"
    )
    delivery = await store.get_delivery(key, PERIOD)
    assert delivery is not None
    assert (delivery.text, delivery.text_note) == ("fallback", "HTTP 500")


def chat(store: Store, **settings: str) -> Chat:
    configured = Settings(_env_file=None, **settings)  # type: ignore[call-arg]
    return Chat(Router(Context(store, configured, Clock(DUE))), Clock(DUE))


async def test_prose_needs_a_model_and_a_manager(store: Store) -> None:
    bare = chat(store)
    refused = await bare.say_text("prose on")
    assert "Prose can't be turned on: no model configured" in refused
    assert "MOMENTUM_LLM_URL" in refused
    assert "Prose" not in await bare.say_text("status")  # no model, nothing to say
    assert (await bare.say_text("prose")).endswith("\n\noff (no model configured)")

    # A model set (none needs to answer for a setting).
    local = chat(store, MOMENTUM_LLM_URL="http://127.0.0.1:9/v1", MOMENTUM_LLM_MODEL="llama3")
    member = await local.say_text("prose on", can_manage=False)
    assert "You can't change this channel's briefing prose" in member
    assert "Prose          off" in await local.say_text("status")
    assert "Choose 'on' or 'off'" in await local.say_text("prose maybe")
    assert "Briefing prose turned on" in await local.say_text("prose on")
    assert "Prose          on · no briefing worded in the last 30 days yet" in (
        await local.say_text("status")
    )
    help_text = await local.say_text("help prose")
    assert "/momentum prose on|off" in help_text
    # The model taken away again: the channel is told its briefings use their own text.
    assert "on, but no model is configured" in await bare.say_text("status")


async def test_slack_and_discord_commands_reach_prose(tmp_path: Path) -> None:
    llm = {"MOMENTUM_LLM_URL": "http://127.0.0.1:9/v1", "MOMENTUM_LLM_MODEL": "llama3"}
    store = await SqliteStore.open(tmp_path / "m.db")
    try:
        async with FakeSlack(admins={"U_ADMIN"}) as slack:
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None, SLACK_BOT_TOKEN=slack.bot_token,
                SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=slack.api_url, PORT=0,
                **llm,
            )
            adapter = SlackAdapter(settings, Router(Context(store, settings, Clock(DUE))), store,
                                   host="127.0.0.1")
            await adapter.start()
            try:
                url = slack.response_url()
                body = command_body("prose on", response_url=url, user="U_ADMIN")
                assert adapter.edge is not None
                answer = await adapter.edge.answer(
                    HttpRequest("POST", "/slack/events", body, signed_headers(body),
                                remote="127.0.0.1")
                )
                assert answer.status == 200
                await adapter.drain()
            finally:
                await adapter.close()
        [reply] = slack.replies_to(url)
        assert reply["blocks"][0]["text"]["text"] == "Briefing prose turned on"
        slack_channel = await store.get_channel(ChannelKey("slack", "T_FAKE", "C_GENERAL"))
        assert slack_channel is not None
        assert slack_channel.settings.prose

        async with FakeDiscord() as api:
            settings = discord_settings(api, **llm)
            clock = Clock(DUE)
            discord = DiscordAdapter(settings, Router(Context(store, settings, clock)), store,
                                     clock=clock)
            await discord.start()
            try:
                done = await interact(
                    discord, api, command_interaction("prose", turn="on", permissions=MANAGER)
                )
            finally:
                await settle()
                await discord.close()
        assert embeds_of(done)[0]["title"] == "Briefing prose turned on"
        discord_channel = await store.get_channel(
            ChannelKey("discord", str(GUILD_ID), str(CHANNEL_ID))
        )
        assert discord_channel is not None
        assert discord_channel.settings.prose
    finally:
        await store.close()
