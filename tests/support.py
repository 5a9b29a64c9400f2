"""Test helpers: a controllable clock and a chat that talks to the real router."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from adapters.text import render_text
from bot.core.command import ChannelKey, Command
from bot.core.message import Message
from bot.features.commands import Router

NOW = datetime(2026, 4, 13, 9, 30, tzinfo=UTC)
CHANNEL = ChannelKey("slack", "T1", "C1")


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
