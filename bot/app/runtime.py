"""Builds the running bot's parts from settings: the one place they are wired together."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial

from bot.clients.feeds import FeedReader
from bot.clients.github import GitHubClient
from bot.clients.hackernews import HackerNewsClient
from bot.clients.llm import ChatModel, ModelSettings
from bot.collection.mentions import Sources
from bot.collection.service import DataService
from bot.core.adapter import Adapter
from bot.core.settings import Settings
from bot.core.store import ChannelRecord, Store
from bot.features.briefing.channel import (
    SharedLists,
    channel_briefing_parts,
    prose_model,
    warm_up_charts,
)
from bot.features.commands import Router
from bot.features.commands.context import Context, utc_now
from bot.jobs.delivery import Composed, Deliverer
from bot.jobs.instance import Instance
from bot.jobs.refresh import collect_and_alert, refresh_radar_pool
from bot.jobs.scheduler import BriefingScheduler, Periodic
from storage import open_store

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
    # Scheduled briefings of one list, due together, are composed once for all channels.
    shared: SharedLists = field(default_factory=SharedLists.recent)

    def scheduler(self, adapters: Sequence[Adapter]) -> BriefingScheduler:
        """Scheduled briefings posted through ``adapters``, and data refreshed ahead; told
        at once of schedules changed through this process's commands."""
        posters = {adapter.name: adapter for adapter in adapters}
        clock = self.context.clock
        deliverer = Deliverer(
            self.store,
            posters,
            self.compose_briefing,
            default_timezone=self.settings.timezone,
            instance=Instance.this(),
            clock=clock,
        )
        scheduler = BriefingScheduler(
            deliverer,
            periodic=[
                Periodic(
                    "collect", COLLECT_EVERY,
                    partial(collect_and_alert, self.data, self.store, posters, clock),
                ),
                Periodic("radar", RADAR_EVERY, partial(refresh_radar_pool, self.store,
                                                        self.github, clock)),
            ],
        )
        self.context.schedules.subscribe(scheduler.channel_changed)
        return scheduler

    async def compose_briefing(
        self, channel: ChannelRecord, as_of: date, *, now: datetime | None = None
    ) -> Composed | None:
        """A scheduled briefing for the delivery ledger; ``now`` (the context's clock when
        left out) stamps its predictions."""
        found = await channel_briefing_parts(
            self.store,
            channel,
            as_of=as_of,
            default_window=self.settings.window_days,
            synthetic=self.context.synthetic,
            now=now or self.context.now(),
            shared=self.shared,
        )
        if found is None:
            return None
        model = prose_model(channel, self.context.model)
        if model is None:
            return Composed(found.message())

        async def word() -> Composed:
            worded = await found.worded(model)
            reason = worded.prose.reason if worded.prose is not None else None
            return Composed(worded.message(), worded.text, reason or None)

        return Composed(found.message(), word=word)


async def serve(
    adapters: Sequence[Adapter],
    scheduler: BriefingScheduler | None = None,
    *,
    stop: asyncio.Event | None = None,
) -> None:
    """Start every adapter (the port listens, the socket connects), then serve; scheduled
    work starts in the background once all have started, so a briefing that is due never
    meets an adapter that cannot post it, and start-up's catch-up never delays the first
    command. Returns when every adapter has stopped (the console at the end of its input),
    or once ``stop`` is set and the posts under way have finished."""
    stopper = None if stop is None else asyncio.create_task(
        _wind_down_when(stop, adapters, scheduler), name="stop")
    try:
        await asyncio.gather(*(adapter.start() for adapter in adapters))
        async with asyncio.TaskGroup() as group:
            group.create_task(warm_up_charts(), name="charts-warm-up")
            if scheduler is not None:
                group.create_task(scheduler.start(), name="scheduler-start")
            for adapter in adapters:
                group.create_task(adapter.serve(), name=f"adapter-{adapter.name}")
    finally:
        if stopper is not None:
            if stop is not None and stop.is_set():
                await stopper  # it may be mid-way through closing the adapters
            else:
                stopper.cancel()
        await _wind_down(adapters, scheduler)


async def _wind_down(adapters: Sequence[Adapter], scheduler: BriefingScheduler | None) -> None:
    """Both steps return at once when already done."""
    if scheduler is not None:
        # Posts under way finish while the adapters can still send them.
        await scheduler.shutdown()
    for adapter in adapters:
        await adapter.close()


async def _wind_down_when(
    stop: asyncio.Event, adapters: Sequence[Adapter], scheduler: BriefingScheduler | None
) -> None:
    """Once ``stop`` is set: the adapters' ``serve`` return when they are closed, and so
    does :func:`serve`."""
    await stop.wait()
    await _wind_down(adapters, scheduler)


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
            sources = Sources(
                HackerNewsClient(api_url=settings.hn_api_url, clock=clock),
                FeedReader(allow_private=synthetic),
            )
            data = DataService(store, github, clock, sources)
            model = _model(settings)
            context = Context(store, settings, clock, synthetic=synthetic, data=data,
                              feeds=sources.feeds, model=model)
            try:
                yield Services(settings, store, github, data, context, Router(context))
            finally:
                await data.close()
                await sources.close()
                if model is not None:
                    await model.close()
    finally:
        await store.close()


def _model(settings: Settings) -> ChatModel | None:
    if settings.llm_url is None or settings.llm_model is None:
        return None
    key = settings.llm_api_key
    return ChatModel(ModelSettings(
        settings.llm_url, settings.llm_model, None if key is None else key.get_secret_value(),
        settings.llm_timeout, settings.llm_concurrency,
    ))
