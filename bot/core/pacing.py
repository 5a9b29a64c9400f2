"""Posts spaced to a platform's rate limits before they are sent, rather than answered 429
and waited out: a 429 costs a round trip and a Retry-After of whole seconds, during which
the workspace's posting slot stands idle."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable


class Pacer:
    """Gives each post a start time: at most ``per_second`` a second in one workspace,
    and posts to one channel at least ``channel_seconds`` apart. Times are handed out in
    the order posts ask, so concurrent posts queue up rather than race."""

    def __init__(
        self,
        per_second: float,
        *,
        channel_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if per_second <= 0:
            raise ValueError(f"a pace is above 0 posts a second, not {per_second}")
        self._spacing = 1 / per_second
        self._channel_seconds = channel_seconds
        self._clock = clock
        self._sleep = sleep
        self._next_in_workspace: dict[str, float] = {}
        # Oldest first; a channel whose spacing has passed is forgotten, so this holds
        # only the channels posted to in the last ``channel_seconds``.
        self._next_in_channel: OrderedDict[tuple[str, str], float] = OrderedDict()

    async def wait(self, workspace: str, channel: str) -> None:
        """Returns at the post's start time (at once when nothing is ahead of it)."""
        now = self._clock()
        self._forget_before(now)
        key = (workspace, channel)
        start = max(
            now,
            self._next_in_workspace.get(workspace, now),
            self._next_in_channel.get(key, now),
        )
        self._next_in_workspace[workspace] = start + self._spacing
        self._next_in_channel.pop(key, None)
        self._next_in_channel[key] = start + self._channel_seconds
        if start > now:
            await self._sleep(start - now)

    def _forget_before(self, now: float) -> None:
        # Kept per workspace (few); per channel only while a channel's spacing runs.
        channels = self._next_in_channel
        while channels:
            key, free_at = next(iter(channels.items()))
            if free_at > now:
                break
            del channels[key]
