"""The values kept for callers asking with equal inputs (bot.core.recent)."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.recent import Recent


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_callers_asking_at_once_share_one_computation() -> None:
    recent: Recent[str, int] = Recent(4, 60, clock=Clock())
    runs = 0
    release = asyncio.Event()

    async def compute() -> int:
        nonlocal runs
        runs += 1
        await release.wait()
        return 42

    waiting = [asyncio.create_task(recent.get("list", compute)) for _ in range(5)]
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(*waiting) == [42] * 5
    assert runs == 1


async def test_a_value_is_computed_again_once_its_time_is_up() -> None:
    clock = Clock()
    recent: Recent[str, int] = Recent(4, 60, clock=clock)
    results = iter([1, 2])

    async def compute() -> int:
        return next(results)

    assert await recent.get("k", compute) == 1
    clock.now += 59.9
    assert await recent.get("k", compute) == 1
    clock.now += 0.2  # 60.1 s after it was first asked
    assert await recent.get("k", compute) == 2


async def test_only_the_most_recently_asked_values_are_kept() -> None:
    recent: Recent[int, int] = Recent(2, 60, clock=Clock())
    computed: list[int] = []

    async def compute(n: int) -> int:
        computed.append(n)
        return n

    for n in (1, 2, 1, 3):  # 1 asked again after 2, so 3 pushes 2 out
        await recent.get(n, lambda n=n: compute(n))  # type: ignore[misc]
    await recent.get(1, lambda: compute(1))
    await recent.get(2, lambda: compute(2))
    assert computed == [1, 2, 3, 2]
    assert len(recent) == 2


async def test_a_failed_computation_is_forgotten_and_tried_again() -> None:
    recent: Recent[str, int] = Recent(4, 60, clock=Clock())

    async def fails() -> int:
        raise RuntimeError("the store went away")

    async def works() -> int:
        return 7

    with pytest.raises(RuntimeError, match="went away"):
        await recent.get("k", fails)
    assert await recent.get("k", works) == 7


def test_a_size_or_time_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Recent(0, 60)
    with pytest.raises(ValueError, match="at least 1"):
        Recent(4, 0)
