"""A restart loses no briefing: a real ``momentum run`` with 300 Slack channels due,
SIGKILLed mid-fan-out (or before it claimed anything) and started again at once.

The ledger is the proof of what was finished, the fake Slack's log of what was posted. A
post that Slack accepted just before the kill, whose claim was still unfinished, may be
posted once more after the restart (README: "a rare repeat to a lost briefing"); nothing
else may be repeated and nothing may be missing.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.core.command import ChannelKey
from bot.testing.fake_slack import FakeSlack
from tests.restart_support import (
    BotProcess,
    channel_keys,
    closed_port_url,
    free_port,
    import_seconds,
    ledger,
    run_env,
    seed_due,
    start_bot,
)

CHANNELS = 300
# Slack's HTTP endpoint must answer within 3 s of a command; the port must be up well
# before that after a start (the restart took 2 min 15 s). Measured from spawn:
# 0.6-0.9 s on an idle machine, of which Python's imports are about 0.65 s. On a loaded
# machine the imports alone can take 2 s, so the bound is on what start-up adds to them.
LISTENING_WITHIN = 2.0
IDLE_IMPORTS = 0.65
# Posts in flight at once (DeliveryPolicy.concurrency): the most a kill can leave posted
# but not recorded, so the most a restart may repeat.
IN_FLIGHT = 25


async def within_for_listening() -> float:
    """2 s, or Python's bare import time just now plus what an idle machine needs beyond
    it (2 s - 0.65 s), whichever is longer."""
    return max(LISTENING_WITHIN, await import_seconds() + LISTENING_WITHIN - IDLE_IMPORTS)


def received(slack: FakeSlack) -> Counter[str]:
    return Counter(str(call.params["channel"]) for call in slack.posted)


async def all_done(database: Path, period: str, bot: BotProcess, within: float) -> dict[str, str]:
    deadline = time.monotonic() + within
    while True:
        statuses = ledger(database, period)
        if len(statuses) == CHANNELS and set(statuses.values()) == {"done"}:
            return statuses
        if time.monotonic() > deadline:
            return statuses
        if bot.process.returncode is not None:
            raise AssertionError(f"momentum run exited with {bot.process.returncode}")
        await asyncio.sleep(0.1)


@dataclass
class FanOut:
    """``CHANNELS`` channels due, a bot started on them and a fifth of them posted."""

    keys: list[ChannelKey]
    period: str
    env: dict[str, str]
    first: BotProcess


async def mid_fan_out(slack: FakeSlack, database: Path, tmp_path: Path) -> FanOut:
    # Slack's pace (about 50 posts a second in a workspace, 429 past it) keeps the
    # fan-out long enough, even on a busy machine, for what follows to land in its middle.
    slack.pace_posts(per_channel_seconds=1.0, workspace_per_second=50)
    keys = channel_keys(slack, CHANNELS)
    period = await seed_due(database, keys, datetime.now(UTC))
    env = run_env(slack, database, free_port(), closed_port_url())
    first = await start_bot(env, tmp_path, tmp_path / "run.log")
    try:
        assert await first.listening_after() < await within_for_listening()
        await slack.wait_for("chat.postMessage", CHANNELS // 5, within=30)
    except BaseException:
        await first.kill()
        raise
    return FanOut(keys, period, env, first)


async def test_a_kill_mid_fan_out_and_an_immediate_restart_lose_nothing(tmp_path: Path) -> None:
    database = tmp_path / "momentum.db"
    async with FakeSlack() as slack:
        started = await mid_fan_out(slack, database, tmp_path)
        keys, period, env, first = started.keys, started.period, started.env, started.first
        await first.kill()  # a fifth posted: mid-fan-out
        before = received(slack)
        left = ledger(database, period)
        unfinished = {channel for channel, status in left.items() if status == "claimed"}
        assert 0 < len(before) < CHANNELS  # the kill did land mid-fan-out

        second = await start_bot(env, tmp_path, tmp_path / "run.log")
        try:
            assert await second.listening_after() < await within_for_listening()
            statuses = await all_done(database, period, second, within=30)
        finally:
            await second.stop()

    assert statuses == {key.channel: "done" for key in keys}, (tmp_path / "run.log").read_text()
    after = received(slack)
    assert set(after) == {key.channel for key in keys}
    repeated = {channel for channel, times in after.items() if times > 1}
    # Only a post Slack had accepted while its claim was unfinished at the kill is repeated,
    # and only once.
    assert repeated <= unfinished & set(before)
    assert all(times <= 2 for times in after.values())
    assert len(repeated) <= IN_FLIGHT


async def test_a_kill_before_any_claim_then_a_restart_posts_each_once(tmp_path: Path) -> None:
    database = tmp_path / "momentum.db"
    async with FakeSlack() as slack:
        keys = channel_keys(slack, CHANNELS)
        period = await seed_due(database, keys, datetime.now(UTC))
        env = run_env(slack, database, free_port(), closed_port_url())
        first = await start_bot(env, tmp_path, tmp_path / "run.log")
        # Python has not finished importing the bot 50 ms in: nothing can be claimed yet.
        await asyncio.sleep(0.05)
        await first.kill()
        assert ledger(database, period) == {}
        assert slack.posted == []

        second = await start_bot(env, tmp_path, tmp_path / "run.log")
        try:
            assert await second.listening_after() < await within_for_listening()
            statuses = await all_done(database, period, second, within=30)
        finally:
            await second.stop()

    assert statuses == {key.channel: "done" for key in keys}, (tmp_path / "run.log").read_text()
    assert received(slack) == Counter({key.channel: 1 for key in keys})


async def test_sigterm_mid_fan_out_finishes_what_it_claimed_and_a_restart_the_rest(
    tmp_path: Path,
) -> None:
    """``docker stop`` mid-fan-out: the bot claims nothing more, lets its posts under way
    finish and exits 0 within Docker's 10 s; every claim it made is finished, so the next
    start posts the rest at once and nothing is posted twice."""
    database = tmp_path / "momentum.db"
    async with FakeSlack() as slack:
        started = await mid_fan_out(slack, database, tmp_path)
        keys, period, env, first = started.keys, started.period, started.env, started.first
        try:
            first.process.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(first.process.wait(), 10)
        finally:
            await first.kill()
        assert code == 0, (tmp_path / "run.log").read_text()
        before = received(slack)
        left = ledger(database, period)
        # Every claim was finished, and each finished one posted exactly once.
        assert set(left.values()) == {"done"}
        assert before == Counter(dict.fromkeys(left, 1))
        assert 0 < len(before) < CHANNELS

        second = await start_bot(env, tmp_path, tmp_path / "run.log")
        try:
            await second.listening_after()
            statuses = await all_done(database, period, second, within=30)
        finally:
            await second.stop()

    assert statuses == {key.channel: "done" for key in keys}, (tmp_path / "run.log").read_text()
    assert received(slack) == Counter({key.channel: 1 for key in keys})
