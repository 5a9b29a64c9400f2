"""A channel's briefing as a Message: what ``/momentum briefing`` and the schedule post."""

from __future__ import annotations

import asyncio
from datetime import date

from bot.briefing.chart import briefing_chart
from bot.briefing.compose import compose
from bot.briefing.message import briefing_message
from bot.chat import ChannelKey
from bot.message import Message
from bot.store import Store


async def channel_briefing(
    store: Store, key: ChannelKey, *, as_of: date, default_window: int, synthetic: bool = False
) -> Message | None:
    """The briefing for the channel's watch list; None when the list is empty."""
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
    return briefing_message(briefing, chart)
