"""The contract every chat platform adapter fulfils."""

from __future__ import annotations

from typing import Protocol

from bot.core.command import ChannelKey
from bot.core.message import Message


class ChannelUnavailable(Exception):
    """A post failed because the channel is gone or the bot lost access to it; ``reason``
    is what the platform said. The caller pauses the channel's schedule with it."""

    def __init__(self, channel: ChannelKey, reason: str) -> None:
        super().__init__(f"{channel}: {reason}")
        self.channel = channel
        self.reason = reason


class PostRateLimited(Exception):
    """The platform asked us to slow down (HTTP 429) and its client's own retries ran out;
    the caller waits ``retry_after`` seconds and tries again. Not a failure."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited; retry after {retry_after:g} s")
        self.retry_after = retry_after


class Adapter(Protocol):
    name: str

    async def run(self) -> None:
        """Serve commands until closed (or, for the console, until input ends)."""
        ...

    async def send(self, channel: ChannelKey, message: Message) -> str | None:
        """Post to a channel unprompted (a scheduled briefing); returns the message id.

        Raises :class:`ChannelUnavailable` when the channel is gone or closed to the bot.
        """
        ...

    async def close(self) -> None: ...
