"""``momentum briefing --channel`` words a channel's briefing with its model when the
channel has prose on, checked and falling back as a scheduled one does, and says which
text it used. The scenario is tests/test_prose_briefing.py's (acme/rocket 22.857/day from
10.0 with the v2.0 release, acme/slowpoke 15.0 from 30.0), as of 2026-04-13, a past week
for the command, so no predictions or radar.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.core.command import ChannelKey
from bot.testing.fake_llm import Behaviour, FakeChatServer
from storage.sqlite import SqliteStore
from tests.test_prose_briefing import RELEASE
from tests.test_scheduled_end_to_end import ROCKET, seed

KEY = ChannelKey("slack", "T1", "C_TEAM")


async def seeded(database: Path, *, prose: bool) -> None:
    store = await SqliteStore.open(database)
    try:
        await seed(store, KEY)
        rocket = await store.find_repo(ROCKET)
        assert rocket is not None
        await store.add_events(rocket.id, [RELEASE])
        channel = await store.get_channel(KEY)
        assert channel is not None
        await store.save_channel_settings(KEY, replace(channel.settings, prose=prose))
    finally:
        await store.close()


async def briefing(database: Path, model: FakeChatServer, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOMENTUM_", "GITHUB_"))}
    env |= {
        "DATABASE_URL": f"sqlite:///{database}",
        "MOMENTUM_LLM_URL": model.base_url,
        "MOMENTUM_LLM_MODEL": "llama3",
    }
    # The fake answers on this test's event loop: the command runs beside it.
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "briefing", "--offline", "--channel", str(KEY),
        "--as-of", "2026-04-13", *args,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def text_and_json(
    tmp_path: Path, behaviour: Behaviour, *, prose: bool
) -> tuple[str, dict[str, Any], FakeChatServer]:
    """The channel's briefing as text and as JSON, and the model that was (or was not)
    asked."""
    database = tmp_path / "m.db"
    await seeded(database, prose=prose)
    async with FakeChatServer(behaviour) as model:
        text = await briefing(database, model)
        data = json.loads(await briefing(database, model, "--format", "json"))
    return text, data, model


async def test_prose_on_uses_the_model_and_says_so(tmp_path: Path) -> None:
    text, data, model = await text_and_json(tmp_path, "good", prose=True)
    assert len(model.requests) == 2
    # The fake's lede: 37.857 -> 37.9 stars/day, down 2.143 -> 2.1 (-5.36% -> -5%).
    assert "The list's 2 repos gained 37.9 stars/day this week, down 2.1 stars/day (-5%)" in text
    assert "The lede and movers' lines are the channel's model's" in text
    source = data["text_source"]
    assert (source["text"], source["reason"]) == ("model", None)
    assert source["lede"].startswith("The list's 2 repos gained 37.9 stars/day this week")
    assert set(source["mover_lines"]) == {"acme/rocket", "acme/slowpoke"}
    # The JSON's own lede is the briefing's: 37.857 -> 38 stars/day.
    assert "gained 38 stars/day this week" in data["lede"]


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        # 22.857 -> 22.9, x 1.7 + 3 = 41.93 -> 41.9: no figure of the data is near it.
        ("wrong_number", "the line for acme/rocket states 41.9, which is not a figure in the data"),
        ("error", "the model server answered HTTP 500"),
    ],
)
async def test_a_refused_answer_falls_back_and_says_why(
    tmp_path: Path, behaviour: Behaviour, reason: str
) -> None:
    text, data, _ = await text_and_json(tmp_path, behaviour, prose=True)
    # The briefing's own lede: 37.857 -> 38 stars/day, down 2.1 (-5%).
    assert "gained 38 stars/day this week, down 2.1 stars/day (-5%)" in text
    assert f"The briefing's own text: the channel's model's was not used ({reason})." in text
    assert data["text_source"] == {"text": "fallback", "reason": reason}


async def test_prose_off_asks_no_model(tmp_path: Path) -> None:
    text, data, model = await text_and_json(tmp_path, "good", prose=False)
    assert model.requests == []
    assert "gained 38 stars/day this week" in text
    assert "model's" not in text
    assert data["text_source"] == {"text": "template", "reason": None}
