"""Builds the running bot's parts from settings: the one place they are wired together."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from bot.adapter import Adapter
from bot.briefing.channel import channel_briefing
from bot.chat import ChannelKey, Platform
from bot.commands import Router
from bot.context import Context, utc_now
from bot.data import DataService
from bot.delivery import Deliverer
from bot.github import GitHubClient
from bot.message import Message
from bot.scheduler import BriefingScheduler
from bot.settings import Settings
from bot.store import Store
from storage import open_store


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
        return BriefingScheduler(deliverer, collect=self.data.collect)

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
    store = await open_store(settings.database_url)
    try:
        async with GitHubClient.from_settings(settings) as github:
            data = DataService(store, github, clock)
            context = Context(store, settings, clock, synthetic=synthetic, data=data)
            try:
                yield Services(settings, store, github, data, context, Router(context))
            finally:
                await data.close()
    finally:
        await store.close()
