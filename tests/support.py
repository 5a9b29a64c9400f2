"""Test helpers: a fresh store, a controllable clock and a chat that talks to the real
router."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from adapters.text import render_text
from bot.core.command import ChannelKey, Command
from bot.core.message import Message
from bot.core.store import Store
from bot.features.commands import Router
from storage.sqlite import SqliteStore
from tests.pg_support import postgres_store

NOW = datetime(2026, 4, 13, 9, 30, tzinfo=UTC)
CHANNEL = ChannelKey("slack", "T1", "C1")


@asynccontextmanager
async def open_test_store(backend: str, tmp_path: Path) -> AsyncIterator[Store]:
    """A fresh store: a SQLite file in ``tmp_path``, or a PostgreSQL schema of its own."""
    if backend == "postgresql":
        async with postgres_store() as shared:
            yield shared
        return
    opened = await SqliteStore.open(tmp_path / "momentum.db")
    try:
        yield opened
    finally:
        await opened.close()


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Chat:
    """A conversation with the real router, as a test would have it in a channel."""

    router: Router
    clock: Clock
    channel: ChannelKey = CHANNEL
    replies: list[Message] = field(default_factory=list)

    async def say(
        self,
        text: str,
        *,
        user: str = "U_ALICE",
        can_manage: bool = True,
        channel: ChannelKey | None = None,
    ) -> Message:
        words = text.removeprefix("/momentum").strip()
        command = Command(channel or self.channel, user, can_manage, words)
        reply = await self.router.handle(command)
        self.replies.append(reply)
        return reply

    async def say_text(
        self,
        text: str,
        *,
        user: str = "U_ALICE",
        can_manage: bool = True,
        channel: ChannelKey | None = None,
    ) -> str:
        reply = await self.say(text, user=user, can_manage=can_manage, channel=channel)
        return render_text(reply)
