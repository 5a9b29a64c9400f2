"""Builds the running bot's parts from settings: the one place they are wired together."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import cast

from bot.clients.github import GitHubClient, GitHubError
from bot.collection.service import DataService
from bot.core.adapter import Adapter, ChannelUnavailable
from bot.core.command import ChannelKey, Platform
from bot.core.message import Message
from bot.core.settings import Settings
from bot.core.store import Store
from bot.features.alerts.pending import pending_alerts
from bot.features.briefing.channel import channel_briefing
from bot.features.commands import Router
from bot.features.commands.context import Context, utc_now
from bot.features.radar.refresh import refresh_radar
from bot.jobs.delivery import Deliverer, Poster
from bot.jobs.scheduler import BriefingScheduler, Periodic
from storage import open_store

log = logging.getLogger(__name__)

# Refresh ahead of briefings: four runs a day keep a 09:00 briefing's data under 6 hours old.
COLLECT_EVERY = timedelta(hours=6)
RADAR_EVERY = timedelta(days=1)
# App state: "true" in a database ``momentum demo`` filled with synthetic figures.
SYNTHETIC_STATE = "demo.synthetic"


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    store: Store
    github: GitHubClient
    data: DataService
    context: Context
    router: Router

    def scheduler(self, adapters: Sequence[Adapter]) -> BriefingScheduler:
        """Scheduled briefings posted through ``adapters``, and data refreshed ahead."""
        posters = {cast(Platform, adapter.name): adapter for adapter in adapters}
        deliverer = Deliverer(
            self.store,
            posters,
            self._briefing,
            default_timezone=self.settings.timezone,
            instance=f"{socket.gethostname()}:{os.getpid()}",
            clock=self.context.clock,
        )
        return BriefingScheduler(
            deliverer,
            periodic=[
                Periodic("collect", COLLECT_EVERY, partial(self.refresh, posters)),
                Periodic("radar", RADAR_EVERY, self.refresh_radar),
            ],
        )

    async def refresh(self, posters: Mapping[Platform, Poster]) -> None:
        """Collect from GitHub, then post the spike alerts the new data shows."""
        try:
            summary = await self.data.collect()
        except GitHubError as error:
            # GitHub down or the budget spent: the next run tries again.
            log.warning("collection stopped: %s", error)
            return
        if summary.unreachable is not None:
            log.warning("collection stopped: GitHub could not be reached: %s", summary.unreachable)
            return
        log.info("collection: %s", "; ".join(summary.lines()))
        # Any instance running the platform may post an alert, whichever Discord shards it
        # runs (posting is REST, not the gateway): the first to see the new data does.
        def serves(key: ChannelKey) -> bool:
            return key.platform in posters

        for key, message in await pending_alerts(self.store, self.context.now(), serves):
            poster = posters[key.platform]
            try:
                await poster.send(key, message)
            except ChannelUnavailable as gone:
                await self.store.pause_channel(key, gone.reason)
            except Exception:
                log.exception("posting an alert to %s failed", key)

    async def refresh_radar(self) -> None:
        try:
            found = await refresh_radar(self.store, self.github, self.context.now())
        except GitHubError as error:
            log.warning("radar refresh stopped: %s", error)
            return
        log.info("%s", "; ".join(found.lines()))

    async def _briefing(self, key: ChannelKey, as_of: date) -> Message | None:
        return await channel_briefing(
            self.store,
            key,
            as_of=as_of,
            default_window=self.settings.window_days,
            synthetic=self.context.synthetic,
            now=self.context.now(),
        )


@asynccontextmanager
async def open_services(
    settings: Settings,
    *,
    synthetic: bool = False,
    clock: Callable[[], datetime] = utc_now,
) -> AsyncIterator[Services]:
    """The bot's parts. ``synthetic`` marks the database as the demo's for good, so every
    later reader of it (``momentum briefing``, ``console``) labels its figures too."""
    store = await open_store(settings.database_url)
    try:
        if synthetic:
            await store.set_state(SYNTHETIC_STATE, "true", clock())
        else:
            synthetic = await store.get_state(SYNTHETIC_STATE) == "true"
        async with GitHubClient.from_settings(settings) as github:
            data = DataService(store, github, clock)
            context = Context(store, settings, clock, synthetic=synthetic, data=data)
            try:
                yield Services(settings, store, github, data, context, Router(context))
            finally:
                await data.close()
    finally:
        await store.close()
