"""``momentum demo``: the whole bot offline, on a synthetic GitHub served on loopback.

Everything reaches the database the way it does in production: the collector and the
radar's daily search read the fake GitHub over HTTP, past weekly briefings are posted by
the real delivery ledger on a clock set back (so their predictions have been scored), and
the spike alerts due now are the ones the scheduled refresh would post.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr

from adapters.console import CONSOLE_CHANNEL, ConsoleAdapter
from bot.app.progress import progress_bar
from bot.app.runtime import Services, open_services, serve
from bot.core.command import ChannelKey
from bot.core.message import DEMO_LABEL, Message
from bot.core.schedule import Schedule
from bot.core.settings import Settings
from bot.core.store import AlertSettings, ChannelRecord, Store
from bot.features.alerts.pending import pending_alerts
from bot.features.commands.context import utc_now
from bot.features.commands.feeds import MAX_FEEDS
from bot.features.radar import refresh_radar
from bot.jobs.delivery import Composed, Deliverer

PAST_BRIEFINGS = 4  # weekly: three scored sets of predictions and this week's open one


async def run_demo(settings: Settings, database: Path | None) -> int:
    # The fakes are testing code: loaded only when the demo runs, never by the bot itself.
    from bot.testing import FakeGitHub
    from bot.testing.demo_scenario import (
        DEMO_FEED_TITLE,
        DEMO_REPOS,
        DEMO_TOKEN,
        demo_feed,
        demo_scenario,
        demo_stories,
    )
    from bot.testing.fake_feeds import FakeFeeds
    from bot.testing.fake_hn import FakeHackerNews
    from bot.testing.fake_llm import FakeChatServer

    now = utc_now()
    with tempfile.TemporaryDirectory(prefix="momentum-demo-") as scratch:
        path = database or Path(scratch) / "demo.db"
        async with (
            FakeGitHub(demo_scenario(now)) as github,
            FakeHackerNews(demo_stories(now)) as hn,
            FakeChatServer() as model,
            FakeFeeds() as site,
        ):
            feed_url = site.add(demo_feed(now))
            demo_settings = settings.model_copy(
                update={
                    "database_url": f"sqlite:///{path}",
                    "github_api_url": github.url,
                    "github_graphql_url": github.graphql_url,
                    "github_token": SecretStr(DEMO_TOKEN),
                    "hn_api_url": hn.api_url,
                    # The briefing's prose from a model on loopback, checked like a real one's.
                    "llm_url": model.base_url,
                    "llm_model": "demo-model",
                }
            )
            async with open_services(demo_settings, synthetic=True) as services:
                store = services.store
                if not await store.watch_list(CONSOLE_CHANNEL):
                    refs = [repo.ref for repo in DEMO_REPOS]
                    # The channel has been here since before the past briefings, which
                    # are owed only to a channel that existed when they were due.
                    since = now - timedelta(weeks=PAST_BRIEFINGS, days=1)
                    await store.add_to_watch_list(
                        CONSOLE_CHANNEL, refs, "demo", since, cap=len(refs)
                    )
                    await store.set_alert_settings(CONSOLE_CHANNEL, AlertSettings(), now)
                    channel = await store.get_channel(CONSOLE_CHANNEL)
                    assert channel is not None
                    await store.save_channel_settings(
                        CONSOLE_CHANNEL, replace(channel.settings, prose=True)
                    )
                await _follow_demo_feed(store, feed_url, DEMO_FEED_TITLE, now)
                with progress_bar("Collecting from the synthetic GitHub") as progress:
                    await services.data.collect(progress=progress)
                await refresh_radar(store, services.github, now)
                await _past_briefings(services, now)
                console = ConsoleAdapter(services.router, banner=DEMO_LABEL)
                if not sys.stdin.isatty():
                    print(DEMO_LABEL + "\n")
                for key, alert in await pending_alerts(store, now):
                    await console.send(key, alert)
                await serve([console])
    return 0


async def _follow_demo_feed(store: Store, url: str, title: str, now: datetime) -> None:
    """The console channel follows the demo feed at this run's address (the fake site's
    port changes from run to run, so a reused database forgets the last run's)."""
    for feed in await store.channel_feeds(CONSOLE_CHANNEL):
        if feed.title == title and feed.url != url:
            await store.remove_feed(CONSOLE_CHANNEL, feed.url)
    await store.add_feed(CONSOLE_CHANNEL, url, title, "demo", now, cap=MAX_FEEDS)


class _Archive:
    """Where the past briefings go: they are history, shown by status and predictions."""

    async def send(self, channel: ChannelKey, message: Message) -> str | None:
        return None


async def _past_briefings(services: Services, now: datetime) -> None:
    """The console channel's last weekly briefings, each posted a minute after it was due
    on a clock set back to then; a database that has them already keeps them."""
    channel = await services.store.get_channel(CONSOLE_CHANNEL)
    if channel is None:
        return
    moment = now

    async def compose(record: ChannelRecord, as_of: date) -> Composed | None:
        return await services.compose_briefing(record, as_of, now=moment)

    deliverer = Deliverer(
        services.store, {"console": _Archive()}, compose,
        default_timezone=services.settings.timezone, instance="demo", clock=lambda: moment,
    )
    last = Schedule.of(channel.settings, services.settings.timezone).last_run(now)
    if last is None:
        return
    for weeks_ago in range(PAST_BRIEFINGS - 1, -1, -1):
        moment = last - timedelta(weeks=weeks_ago) + timedelta(minutes=1)
        await deliverer.deliver_due(channel)
