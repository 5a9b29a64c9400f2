"""A channel's briefing: what ``/momentum briefing``, the schedule and ``momentum briefing
--channel`` show, in the same sections everywhere."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.core.message import Chart, Message
from bot.core.store import ChannelRecord, Store
from bot.features.briefing.chart import briefing_chart
from bot.features.briefing.compose import compose
from bot.features.briefing.export import briefing_json
from bot.features.briefing.message import briefing_message
from bot.features.briefing.model import Briefing
from bot.features.predictions import PredictionNews, briefing_predictions
from bot.features.radar import radar_picks
from bot.features.radar.picks import Radar


@dataclass(frozen=True, slots=True)
class ChannelBriefing:
    briefing: Briefing
    chart: Chart | None
    predictions: PredictionNews | None
    radar: Radar | None

    def message(self) -> Message:
        return briefing_message(
            self.briefing, self.chart, predictions=self.predictions, radar=self.radar
        )

    def json(self) -> dict[str, Any]:
        return briefing_json(self.briefing, predictions=self.predictions, radar=self.radar)


async def channel_briefing(
    store: Store,
    channel: ChannelRecord,
    *,
    as_of: date,
    default_window: int,
    now: datetime,
    synthetic: bool = False,
) -> Message | None:
    """The briefing for the channel's watch list; None when the list is empty.

    It settles the channel's due predictions and makes this briefing's set, stamped
    ``now``."""
    found = await channel_briefing_parts(
        store, channel, as_of=as_of, default_window=default_window, now=now,
        synthetic=synthetic,
    )
    return None if found is None else found.message()


async def channel_briefing_parts(
    store: Store,
    channel: ChannelRecord,
    *,
    as_of: date,
    default_window: int,
    now: datetime,
    synthetic: bool = False,
    window_days: int | None = None,
    current: bool = True,
) -> ChannelBriefing | None:
    """``window_days`` overrides the channel's window. ``current`` False (a past week)
    leaves predictions and the radar out: a set made for a past date would be scored at
    once, and the radar knows only today."""
    watched = await store.watch_list(channel.key)
    if not watched:
        return None
    briefing = await compose(
        store,
        [item.repo for item in watched],
        as_of,
        window_days or channel.settings.window_days or default_window,
        synthetic=synthetic,
    )
    # Drawing takes a few hundred milliseconds: keep it off the event loop.
    chart = await asyncio.to_thread(briefing_chart, briefing)
    if not current:
        return ChannelBriefing(briefing, chart, None, None)
    predictions = await briefing_predictions(store, channel.key, as_of=as_of, now=now)
    radar = await radar_picks(store, channel.key, now)
    return ChannelBriefing(briefing, chart, predictions, radar)
