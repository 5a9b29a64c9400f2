"""Many briefings due at once against a local model that answers one request at a time:
at most MOMENTUM_LLM_CONCURRENCY requests are in flight, and a briefing's wait for a free
slot counts against its own timeout, so each one is worded or falls back within it, and
every one is posted on time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.slack.app import SlackAdapter
from bot.app.runtime import open_services
from bot.clients.llm import ChatModel, ModelError, ModelSettings
from bot.core.command import ChannelKey
from bot.core.settings import load_settings
from bot.features.prose import facts_from_briefing, prompt
from bot.jobs.delivery import Deliverer
from bot.jobs.instance import Instance
from bot.testing.fake_llm import FakeChatServer
from bot.testing.fake_slack import FakeSlack
from tests.support import Clock
from tests.test_prose import scenario
from tests.test_prose_briefing import PERIOD
from tests.test_scheduled_end_to_end import DUE, seed, slack_settings

MESSAGES = prompt.messages(facts_from_briefing(scenario()))


@pytest.fixture
async def serial() -> AsyncIterator[FakeChatServer]:
    async with FakeChatServer("slow") as fake:
        fake.one_at_a_time = True
        yield fake


async def test_a_wait_for_a_slot_counts_against_the_timeout(serial: FakeChatServer) -> None:
    # One slot, answers taking 1.0 s, a timeout of 1.5 s, two requests at t = 0: the first
    # has the slot and is answered at 1.0; the second waits 1.0 s for the slot, leaving
    # 0.5 s of its 1.5: it gives up at 1.5 (not at 1.0 + 1.5 = 2.5), having sent one
    # request the server could not answer in time.
    serial.slow_seconds = 1.0
    model = ChatModel(ModelSettings(serial.base_url, "m", timeout=1.5, concurrency=1))
    started = time.monotonic()

    async def ask() -> tuple[str, float]:
        try:
            await model.complete_json(MESSAGES)
        except ModelError as exc:
            return str(exc), time.monotonic() - started
        return "answered", time.monotonic() - started

    try:
        first, second = await asyncio.gather(ask(), ask())
    finally:
        await model.close()
    assert first[0] == "answered"
    assert 0.9 < first[1] < 1.4
    assert second[0] == (
        "the model did not answer within 1.5 s, 1.0 s of it waiting behind other briefings"
    )
    assert 1.4 < second[1] < 2.2
    assert len(serial.requests) == 2
    assert serial.most_in_flight == 1  # the client never held two on the server at once


def test_the_concurrency_setting() -> None:
    assert load_settings().llm_concurrency == 2
    assert load_settings(MOMENTUM_LLM_CONCURRENCY="1").llm_concurrency == 1


async def test_many_channels_due_at_once_are_each_worded_or_fall_back_in_time(
    tmp_path: Path,
) -> None:
    # Three channels due at 09:00 with prose on; the model takes 3.0 s for an answer and
    # serves one at a time, the client one request at a time, each briefing 3.5 s.
    # Briefing 1 (its word step starting at s1) is answered at s1 + 3.0 < s1 + 3.5: the
    # model's text. Briefing 2 gets the slot at s1 + 3.0 at the earliest and would be
    # answered at s1 + 6.0, after its deadline s2 + 3.5 (composing starts s2 less than
    # 2.5 s after s1): it falls back. Briefing 3 the same. Had the wait not counted, the
    # last would post at s1 + 9.0; counted, every post is within composing + 3.5 s of
    # the firing, under 8 s here.
    clock = Clock(DUE + timedelta(seconds=5))
    async with FakeSlack() as slack, FakeChatServer("slow") as model:
        model.one_at_a_time, model.slow_seconds = True, 3.0
        keys = [ChannelKey("slack", slack.team_id, f"C{n}") for n in (1, 2, 3)]
        settings = slack_settings(
            slack, tmp_path, MOMENTUM_LLM_URL=model.base_url, MOMENTUM_LLM_MODEL="llama3",
            MOMENTUM_LLM_TIMEOUT=3.5, MOMENTUM_LLM_CONCURRENCY=1,
        )
        async with open_services(settings, clock=clock) as services:
            store = services.store
            for key in keys:
                await seed(store, key)
                channel = await store.get_channel(key)
                assert channel is not None
                await store.save_channel_settings(key, replace(channel.settings, prose=True))
            adapter = SlackAdapter(settings, services.router, store, host="127.0.0.1")
            await adapter.start()
            try:
                deliverer = Deliverer(
                    store, {"slack": adapter}, services.compose_briefing,
                    default_timezone="UTC", instance=Instance.named("test:1"), clock=clock,
                )
                channels = [await store.get_channel(key) for key in keys]
                started = time.monotonic()
                outcomes = await deliverer.deliver_all([c for c in channels if c])
                took = time.monotonic() - started
                deliveries = [await store.get_delivery(key, PERIOD) for key in keys]
            finally:
                await adapter.close()
    assert set(outcomes.values()) == {"done"}
    assert len(slack.calls_to("chat.postMessage")) == 3
    texts = sorted(d.text for d in deliveries if d is not None)
    assert texts == ["fallback", "fallback", "model"]
    notes = [d.text_note or "" for d in deliveries if d is not None and d.text == "fallback"]
    assert all(note.startswith("the model did not answer within 3.5 s") for note in notes)
    # Briefing 3 waited for the slot while briefing 2 held it (or 1 did).
    assert any("waiting behind other briefings" in note for note in notes)
    assert took < 8.0
