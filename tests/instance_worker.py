"""One bot instance's delivery pass, as its own process, for tests that kill it.

    python -m tests.instance_worker URL SLACK_API_URL TOKEN NAME HANG_AFTER EPOCH ROTATE

Delivers every due briefing once over the fake Slack's Web API. After ``HANG_AFTER``
briefings (-1: never) it hangs while composing, holding its claims, and prints ``hang
CHANNEL`` for each; ``EPOCH`` anchors the shared clock; ``ROTATE`` shifts its order of channels.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import aiohttp

from adapters.slack.client import web_client
from adapters.slack.render import render
from bot.core.command import ChannelKey
from bot.core.message import Message
from bot.core.store import ChannelRecord, Store
from bot.jobs.delivery import Deliverer, DeliveryPolicy

DUE = datetime(2026, 4, 13, 9, 0, tzinfo=UTC)  # every channel's daily 09:00 UTC briefing
LEASE = timedelta(seconds=1)
# As many composing as posting: the kill test has c die while composing ten at once.
POLICY = DeliveryPolicy(lease=LEASE, concurrency=10, composing=10, attempts=1)


def shared_clock(epoch: float) -> Callable[[], datetime]:
    """Wall time since ``epoch``, shifted to just after the briefings came due: every
    process agrees on it, and a lease of one second expires in one second."""
    return lambda: DUE + timedelta(seconds=30 + time.time() - epoch)


@dataclass
class SlackPoster:
    """Posts as the Slack adapter does (its renderer, its Web API client)."""

    api_url: str
    token: str
    session: aiohttp.ClientSession

    async def send(self, channel: ChannelKey, message: Message) -> str | None:
        client = web_client(self.api_url, self.token, self.session)
        posted = await client.chat_postMessage(
            channel=channel.channel, **render(message).payload()
        )
        return str(posted["ts"])


@dataclass
class Composer:
    name: str
    hang_after: int | None = None
    composed: int = 0
    hanging: int = 0
    on_hang: Callable[[ChannelKey], None] = lambda key: None
    _never: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, channel: ChannelRecord, as_of: date) -> Message:
        key = channel.key
        self.composed += 1
        if self.hang_after is not None and self.composed > self.hang_after:
            self.hanging += 1
            self.on_hang(key)
            await self._never.wait()
        return Message(title=f"Briefing for {key.channel} as of {as_of} from {self.name}")


def deliverer(
    store: Store, poster: SlackPoster, compose: Composer, clock: Callable[[], datetime]
) -> Deliverer:
    return Deliverer(
        store, {"slack": poster}, compose, default_timezone="UTC", instance=compose.name,
        clock=clock, policy=POLICY,
    )


async def main(argv: list[str]) -> None:
    from storage.postgres import PostgresStore

    url, api_url, token, name, hang_after, epoch, rotate = argv
    store = await PostgresStore.open(url, pool_size=5)
    compose = Composer(name, None if int(hang_after) < 0 else int(hang_after))
    compose.on_hang = lambda key: print(f"hang {key.channel}", flush=True)
    async with aiohttp.ClientSession() as session:
        bot = deliverer(store, SlackPoster(api_url, token, session), compose,
                        shared_clock(float(epoch)))
        channels = await store.scheduled_channels()
        shift = int(rotate) % max(1, len(channels))
        print("ready", flush=True)
        await bot.deliver_all(channels[shift:] + channels[:shift])
    print("finished", flush=True)
    await store.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
