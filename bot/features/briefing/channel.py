"""A channel's briefing as a Message: what ``/momentum briefing`` and the schedule post."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

from bot.core.command import ChannelKey
from bot.core.message import Message
from bot.core.store import Store
from bot.features.briefing.chart import briefing_chart
from bot.features.briefing.compose import compose
from bot.features.briefing.message import briefing_message
from bot.features.predictions import briefing_predictions
from bot.features.radar import radar_picks


async def channel_briefing(
    store: Store,
    key: ChannelKey,
    *,
    as_of: date,
    default_window: int,
    now: datetime,
    synthetic: bool = False,
) -> Message | None:
    """The briefing for the channel's watch list; None when the list is empty.

    It settles the channel's due predictions and makes this briefing's set, stamped
    ``now``."""
    watched = await store.watch_list(key)
    if not watched:
        return None
    channel = await store.get_channel(key)
    chosen = channel.settings.window_days if channel else None
    briefing = await compose(
        store,
        [item.repo for item in watched],
        as_of,
        chosen or default_window,
        synthetic=synthetic,
    )
    # Drawing takes a few hundred milliseconds: keep it off the event loop.
    chart = await asyncio.to_thread(briefing_chart, briefing)
    predictions = await briefing_predictions(store, key, as_of=as_of, now=now)
    radar = await radar_picks(store, key, now)
    return briefing_message(briefing, chart, predictions=predictions, radar=radar)
