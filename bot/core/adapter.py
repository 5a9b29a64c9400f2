"""The contract every chat platform adapter fulfils."""

from __future__ import annotations

from typing import Protocol

from bot.core.command import ChannelKey, Platform
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


class NotStarted(Exception):
    """A post was asked of an adapter that has not started (or has closed): our own
    state, not the platform's answer, so the caller leaves the post for later instead of
    counting it as a failed attempt."""


class Adapter(Protocol):
    name: Platform

    async def start(self) -> None:
        """Begin serving (listen on the port, connect, log in); returns once commands are
        answered and ``send`` can post. The runtime starts every adapter before any
        scheduled work, so nothing due is posted to an adapter that cannot take it."""
        ...

    async def serve(self) -> None:
        """After ``start``: serve until closed (or, for the console, until input ends)."""
        ...

    async def send(self, channel: ChannelKey, message: Message) -> str | None:
        """Post to a channel unprompted (a scheduled briefing); returns the message id.

        Raises :class:`ChannelUnavailable` when the channel is gone or closed to the bot,
        :class:`NotStarted` before ``start`` has returned.
        """
        ...

    async def close(self) -> None: ...
