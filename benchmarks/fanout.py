"""Many channels due at the same minute, posted to a fake Slack that enforces its limits.

    python benchmarks/fanout.py [--channels 2000] [--workspace-per-second 50]

The fake Slack Web API on loopback answers 429 with Retry-After past one message per
second per channel or past the workspace-wide rate. Prints the total time, messages lost
and duplicated (both must be 0), the 429s absorbed, and peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

from adapters.slack.app import SlackAdapter
from bot.core.command import ChannelKey
from bot.core.message import Message, Section
from bot.core.repo_ref import RepoRef
from bot.core.settings import Settings
from bot.core.store import ChannelRecord
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.jobs.delivery import Deliverer
from bot.testing.fake_slack import FakeSlack
from storage.sqlite import SqliteStore

DUE = datetime(2026, 4, 13, 9, 0, tzinfo=UTC)  # Monday 09:00 UTC: every channel's default


async def compose(channel: ChannelRecord, as_of: date) -> Message:
    title = f"Briefing for {channel.key.channel}"
    return Message(title=title, sections=(Section(text=str(as_of)),))


async def main(channels: int, workspace_per_second: float) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        store = await SqliteStore.open(Path(scratch) / "fanout.db")
        async with FakeSlack() as slack:
            slack.pace_posts(per_channel_seconds=1.0, workspace_per_second=workspace_per_second)
            settings = Settings(
                _env_file=None, SLACK_BOT_TOKEN=slack.bot_token, SLACK_SIGNING_SECRET="bench",
                SLACK_API_URL=slack.api_url, PORT=0,
            )
            router = Router(Context(store, settings))
            adapter = SlackAdapter(settings, router, store, host="127.0.0.1")
            await adapter.start()
            keys = [ChannelKey("slack", slack.team_id, f"C{n:05d}") for n in range(channels)]
            for key in keys:
                await store.add_to_watch_list(key, [RepoRef("a", "b")], "U1", DUE, cap=10)
            clock = lambda: DUE.replace(second=30)  # noqa: E731
            deliverer = Deliverer(
                store, {"slack": adapter},
                compose, default_timezone="UTC", instance="bench", clock=clock,
            )
            started = time.perf_counter()
            outcomes = await deliverer.deliver_all(await store.scheduled_channels())
            elapsed = time.perf_counter() - started

            calls = slack.calls_to("chat.postMessage")
            received = Counter(str(call.params.get("channel")) for call in slack.posted)
            lost = sum(1 for key in keys if received[key.channel] == 0)
            duplicates = sum(count - 1 for count in received.values() if count > 1)
            print(f"channels due at the same minute: {channels}")
            print(f"workspace limit: {workspace_per_second:g} messages/s; 1 per channel per s")
            print(f"total time: {elapsed:.1f} s ({channels / elapsed:.1f} briefings/s)")
            print(f"outcomes in the ledger: {dict(Counter(outcomes.values()))}")
            print(f"chat.postMessage calls: {len(calls)} "
                  f"({len(calls) - len(slack.posted)} answered 429 and retried)")
            print(f"messages lost: {lost}")
            print(f"duplicates: {duplicates}")
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"peak memory (this process, fake Slack included): {peak:.0f} MiB")
            await adapter.close()
        await store.close()


if __name__ == "__main__":
    # Each absorbed 429 is logged as a warning; the figures are what matter here.
    logging.basicConfig(level=logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--channels", type=int, default=2000)
    parser.add_argument("--workspace-per-second", type=float, default=50)
    options = parser.parse_args()
    asyncio.run(main(options.channels, options.workspace_per_second))
