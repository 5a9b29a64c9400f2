"""Values computed once for many callers asking with equal inputs at about the same time.

A scheduled fan-out asks for the same work many times over: channels that watch the same
list (a preset, a team's shared list) and come due the same minute get equal briefings.
Computed once and kept a few minutes, that work is done once per list rather than once
per channel; kept no longer, a later briefing never shows figures older than that.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(slots=True)
class _Entry(Generic[V]):
    value: asyncio.Future[V]
    expires: float


class Recent(Generic[K, V]):
    """The ``size`` most recently asked values, each kept ``seconds`` after it was first
    asked. Callers asking for a value while it is being computed wait for that one
    computation; a computation that fails is forgotten, so the next caller tries again."""

    def __init__(
        self, size: int, seconds: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if size < 1 or seconds <= 0:
            raise ValueError(f"keep at least 1 value for some time, not {size} for {seconds} s")
        self._size = size
        self._seconds = seconds
        self._clock = clock
        self._entries: OrderedDict[K, _Entry[V]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: K, compute: Callable[[], Awaitable[V]]) -> V:
        entry = self._entries.get(key)
        if entry is not None and entry.expires > self._clock():
            self._entries.move_to_end(key)
            try:
                # Shielded: a caller cancelled while waiting must not cancel the value
                # the others wait for.
                return await asyncio.shield(entry.value)
            except asyncio.CancelledError:
                if not entry.value.cancelled():
                    raise  # this caller was cancelled
                # The caller computing it was cancelled: compute it here instead.
        return await self._compute(key, compute)

    async def _compute(self, key: K, compute: Callable[[], Awaitable[V]]) -> V:
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._entries[key] = _Entry(future, self._clock() + self._seconds)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
        try:
            value = await compute()
        except BaseException as exc:
            entry = self._entries.get(key)
            if entry is not None and entry.value is future:
                del self._entries[key]
            if isinstance(exc, Exception):
                future.set_exception(exc)
                # Nobody else may be waiting: retrieved, so asyncio does not log it lost.
                future.exception()
            else:
                future.cancel()
            raise
        future.set_result(value)
        return value

    def clear(self) -> None:
        self._entries.clear()
