"""Three bot instances on one PostgreSQL database post 500 due briefings to a fake Slack.

Instances a and b run in this process, each with its own connection pool; instance c is a
separate process (``tests/instance_worker.py``) that is killed with SIGKILL mid-run, as
a crashed host would be. Briefings go out over the Slack Web API (``chat.postMessage``
on the fake, rendered as the Slack adapter renders them): the fake's call log is the
proof of what was posted.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter
from collections.abc import Callable

import aiohttp

from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.store import ChannelSettings
from bot.jobs.delivery import Outcome
from bot.testing.fake_slack import FakeSlack
from storage.postgres import PostgresStore
from tests.instance_worker import DUE, LEASE, Composer, SlackPoster, deliverer, shared_clock
from tests.pg_support import scratch_schema

CHANNELS = 500
PERIOD = "2026-04-13"


def keys() -> list[ChannelKey]:
    return [ChannelKey("slack", "T_FAKE", f"C{n:04d}") for n in range(CHANNELS)]


async def seed(url: str) -> None:
    store = await PostgresStore.open(url, pool_size=10)
    try:
        daily = ChannelSettings(timezone="UTC", schedule="daily", schedule_time="09:00")

        async def one(key: ChannelKey) -> None:
            await store.add_to_watch_list(key, [RepoRef("acme", "rocket")], "U1", DUE, cap=10)
            await store.save_channel_settings(key, daily)

        await asyncio.gather(*(one(key) for key in keys()))
    finally:
        await store.close()


def posts(slack: FakeSlack) -> list[tuple[str, str]]:
    """(channel, text) of every chat.postMessage the fake accepted."""
    return [
        (str(call.params["channel"]), str(call.params.get("text", "")))
        for call in slack.calls_to("chat.postMessage")
    ]


async def ledger(store: PostgresStore) -> dict[str, tuple[str, str]]:
    rows = await store.driver.fetch(
        "SELECT channels.channel, deliveries.status, deliveries.claimed_by FROM deliveries"
        " JOIN channels ON channels.id = deliveries.channel_id WHERE period = ?", PERIOD
    )
    return {row[0]: (row[1], row[2]) for row in rows}


async def run_three(
    url: str, slack: FakeSlack, *, hang_after: int, kill_when: Callable[[int], bool]
) -> tuple[list[str], list[Outcome]]:
    """a, b and c deliver at once, each in its own order; c is SIGKILLed as soon as
    ``kill_when(hangs)`` holds. Then, a lease later, a's and b's sweep (the scheduler
    runs it every lease / 2) posts what c claimed and never finished. Returns the
    channels c hung on and the sweeps' outcomes."""
    epoch = time.time()
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.instance_worker", url, slack.api_url, slack.bot_token,
        "c", str(hang_after), str(epoch), str(CHANNELS // 2),
        stdout=asyncio.subprocess.PIPE,
    )
    assert worker.stdout is not None
    hung: list[str] = []
    stores = [await PostgresStore.open(url, pool_size=5) for _ in range(2)]
    try:
        async with aiohttp.ClientSession() as session, asyncio.timeout(25):
            poster = SlackPoster(slack.api_url, slack.bot_token, session)
            clock = shared_clock(epoch)
            a, b = (
                deliverer(store, poster, Composer(name), clock)
                for store, name in zip(stores, "ab", strict=True)
            )
            assert await worker.stdout.readline() == b"ready\n"
            channels = await stores[0].scheduled_channels()
            passes = [
                asyncio.create_task(a.deliver_all(channels)),
                asyncio.create_task(b.deliver_all(channels[::-1])),
            ]
            while not kill_when(len(hung)):
                try:
                    line = await asyncio.wait_for(worker.stdout.readline(), 0.01)
                except TimeoutError:
                    continue
                if line.startswith(b"hang "):
                    hung.append(line.decode().split()[1])
            worker.kill()
            await worker.wait()
            await asyncio.gather(*passes)
            await asyncio.sleep(LEASE.total_seconds() * 1.2)
            sweeps = await asyncio.gather(a.take_over_stale(), b.take_over_stale())
            return hung, [outcome for sweep in sweeps for outcome in sweep.values()]
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
        for store in stores:
            await store.close()


async def test_500_briefings_exactly_once_while_one_instance_dies_holding_claims() -> None:
    started = time.monotonic()
    async with scratch_schema() as url, FakeSlack() as slack:
        await seed(url)
        # c is killed mid-run holding claims: it posted 40, is stuck composing 10 more;
        # none of its posts is in flight.
        hung, swept = await run_three(
            url, slack, hang_after=40, kill_when=lambda hangs: hangs >= 10
        )
        store = await PostgresStore.open(url)
        record = await ledger(store)
        await store.close()

    sent = Counter(channel for channel, _ in posts(slack))
    assert sorted(sent) == sorted(key.channel for key in keys())
    assert set(sent.values()) == {1}, f"posted twice: {[k for k, n in sent.items() if n > 1]}"
    assert {status for status, _ in record.values()} == {"done"}
    by = Counter(claimer for _, claimer in record.values())
    from_c = [text for _, text in posts(slack) if text.endswith("from c")]
    assert by["c"] == len(from_c) == 40
    # The ten briefings c was composing when it died were taken over and posted once (by
    # the survivors' pass, or their sweep when the pass had gone by).
    assert len(hung) == 10
    assert all(record[channel][1] in {"a", "b"} and sent[channel] == 1 for channel in hung)
    assert swept.count("done") <= 10
    assert by["a"] + by["b"] == CHANNELS - 40
    assert time.monotonic() - started < 30


async def test_an_instance_killed_with_posts_in_flight_loses_nothing() -> None:
    """Killed at an arbitrary moment, c may have had a post accepted by Slack without
    recording it: that post is repeated (the ledger cannot know; losing a briefing would
    be worse). Every other briefing is posted exactly once."""
    async with scratch_schema() as url, FakeSlack() as slack:
        await seed(url)
        await run_three(
            url, slack, hang_after=-1,
            kill_when=lambda _: len(posts(slack)) >= CHANNELS // 3,
        )
        store = await PostgresStore.open(url)
        record = await ledger(store)
        await store.close()

    sent = Counter(channel for channel, _ in posts(slack))
    assert sorted(sent) == sorted(key.channel for key in keys())
    assert {status for status, _ in record.values()} == {"done"}
    repeated = {channel for channel, n in sent.items() if n > 1}
    assert all(n <= 2 for n in sent.values())
    # Only c's unrecorded posts repeat: the first copy came from c, a survivor's second.
    by_c = {channel for channel, text in posts(slack) if text.endswith("from c")}
    assert repeated <= by_c
    assert all(record[channel][1] != "c" for channel in repeated)
    assert len(repeated) <= 10  # no more than c's concurrency can be in flight
