"""A real ``momentum run`` process on a SQLite file, posting to a fake Slack in the test's
process: started, timed until its port listens, killed with SIGKILL as a crashed host
would be, and started again. Shared by tests/test_restart.py and benchmarks/startup.py."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import sys
import time
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.store import ChannelSettings
from bot.testing.fake_slack import FakeSlack
from storage.sqlite import SqliteStore
from tests.slack_support import SIGNING_SECRET


async def import_seconds() -> float:
    """How long Python takes, on this machine right now, just to import what ``momentum
    run`` with Slack imports: the part of a start no change to start-up can shorten, and
    the part a loaded machine stretches most."""
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import bot.app.cli, adapters.slack.app, storage.sqlite"
    )
    await process.wait()
    return time.monotonic() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def closed_port_url() -> str:
    """An address nothing listens on: GitHub is unreachable for these runs (collection
    fails fast and is retried at the next run)."""
    return f"http://127.0.0.1:{free_port()}"


def channel_keys(slack: FakeSlack, count: int) -> list[ChannelKey]:
    return [ChannelKey("slack", slack.team_id, f"C{n:05d}") for n in range(count)]


async def seed_due(database: Path, keys: list[ChannelKey], now: datetime) -> str:
    """Every channel watches one repo since yesterday, with a daily briefing at the minute
    before ``now`` (UTC): due, well within the grace time. Returns the period's key."""
    due = (now - timedelta(minutes=1)).astimezone(UTC)
    daily = ChannelSettings(timezone="UTC", schedule="daily", schedule_time=f"{due:%H:%M}")
    await seed(database, keys, daily, now - timedelta(days=1))
    return due.date().isoformat()


async def seed(
    database: Path, keys: list[ChannelKey], settings: ChannelSettings, since: datetime
) -> None:
    """Every channel watches one repo from ``since``, with the schedule ``settings``."""
    store = await SqliteStore.open(database)
    try:
        for key in keys:
            await store.add_to_watch_list(key, [RepoRef("acme", "rocket")], "U1", since, cap=10)
            await store.save_channel_settings(key, settings)
    finally:
        await store.close()


def ledger(database: Path, period: str) -> dict[str, str]:
    """Each channel's delivery status for the period, read as an operator would (a plain
    query on the file, beside the running bot)."""
    with closing(sqlite3.connect(database, timeout=10)) as db:
        rows = db.execute(
            "SELECT channels.channel, deliveries.status FROM deliveries"
            " JOIN channels ON channels.id = deliveries.channel_id WHERE period = ?",
            (period,),
        ).fetchall()
    return {str(row[0]): str(row[1]) for row in rows}


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    started: float  # time.monotonic() at spawn
    port: int

    async def listening_after(self, within: float = 10.0) -> float:
        """Seconds from spawn until the port accepted a connection."""
        deadline = self.started + within
        while time.monotonic() < deadline:
            if self.process.returncode is not None:
                raise AssertionError(f"momentum run exited with {self.process.returncode}")
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                await asyncio.sleep(0.01)
                continue
            writer.close()
            await writer.wait_closed()
            return time.monotonic() - self.started
        raise AssertionError(f"the port did not listen within {within:g} s")

    async def kill(self) -> None:
        """SIGKILL, then reap it: a process that is gone, as after a crash."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                await self.kill()


def run_env(slack: FakeSlack, database: Path, port: int, github_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SLACK_", "DISCORD_", "GITHUB_", "DATABASE_URL", "LOG_"))}
    env.update({
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{database}",
        "GITHUB_API_URL": github_url,
        "GITHUB_GRAPHQL_URL": f"{github_url}/graphql",
        "LOG_LEVEL": "WARNING",
    })
    return env


async def start_bot(env: Mapping[str, str], cwd: Path, log: Path) -> BotProcess:
    started = time.monotonic()
    with log.open("ab") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=dict(env), cwd=cwd,
            stdin=asyncio.subprocess.DEVNULL, stdout=sink, stderr=sink,
        )
    return BotProcess(process, started, int(env["PORT"]))
