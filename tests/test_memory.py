"""Memory freed by a fan-out goes back to the system, not only to the allocator."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.jobs.memory import _malloc_trim, release_memory


def resident_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.mark.skipif(not Path("/proc/self/status").exists() or _malloc_trim() is None,
                    reason="needs Linux's /proc and glibc's malloc_trim")
def test_memory_freed_inside_the_heap_is_handed_back() -> None:
    # 400 blocks of 100 kB (under glibc's 128 kB mmap threshold, so on the heap), each
    # followed by a small block that stays: freeing the large ones leaves holes the heap
    # cannot shrink past, 40 MB the process keeps until it is trimmed.
    large, kept = [], []
    for _ in range(400):
        large.append(bytearray(b"x" * 100_000))
        kept.append(bytearray(b"y" * 1_000))
    del large
    before = resident_mib()
    assert release_memory()
    assert before - resident_mib() >= 20  # of the 38 MiB freed
    assert len(kept) == 400
