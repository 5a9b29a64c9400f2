"""Memory handed back to the system after a fan-out.

A fan-out composes, draws and posts hundreds of briefings in a few seconds; what they
allocated is freed by then, but freed memory stays with the process until the
allocator gives it back, so without this a bot that posted once holds its peak all
week. Python's collector runs first (briefings and charts hold reference cycles), then
glibc's ``malloc_trim``, which returns the free pages of the heap and of every thread's
arena. Where the C library is not glibc (musl, macOS) only the collector runs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None
    return trim


def release_memory() -> bool:
    """Collects garbage and trims the allocator; True when the allocator gave memory back
    (False also where it cannot be asked)."""
    gc.collect()
    trim = _malloc_trim()
    return trim is not None and trim(0) == 1
