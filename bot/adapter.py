"""The contract every chat platform adapter fulfils."""

from __future__ import annotations

from typing import Protocol

from bot.chat import ChannelKey
from bot.message import Message


class Adapter(Protocol):
    name: str

    async def run(self) -> None:
        """Serve commands until closed (or, for the console, until input ends)."""
        ...

    async def send(self, channel: ChannelKey, message: Message) -> str | None:
        """Post to a channel unprompted (a scheduled briefing); returns the message id."""
        ...

    async def close(self) -> None: ...
