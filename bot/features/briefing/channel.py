"""A channel's briefing: what ``/momentum briefing``, the schedule and ``momentum briefing
--channel`` show, in the same sections everywhere."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from bot.clients.llm import ChatModel
from bot.core import formatting as fmt
from bot.core.links import repo_link
from bot.core.message import Chart, Message, Span
from bot.core.recent import Recent
from bot.core.repo_ref import RepoRef
from bot.core.store import BriefingText, ChannelRecord, FeedRecord, RepoRecord, Store
from bot.features.briefing.chart import briefing_chart
from bot.features.briefing.compose import compose
from bot.features.briefing.export import briefing_json
from bot.features.briefing.message import briefing_message
from bot.features.briefing.model import Briefing
from bot.features.chart_style import warm_up
from bot.features.predictions import PredictionNews, briefing_predictions
from bot.features.predictions.service import Proposals
from bot.features.prose import Prose, word_briefing
from bot.features.radar import radar_picks
from bot.features.radar.picks import Radar

# Channels watching the same list at the same window get equal briefings: each chart is
# drawn once for all of them. The briefing itself is the key, so a chart is reused only
# for the very figures it shows; a few are kept, a few hundred kilobytes.
_drawn = lru_cache(maxsize=32)(briefing_chart)
# One thread draws them all, one at a time: matplotlib's shared state is not made for
# threads, and each thread that draws keeps a memory arena of its own (tens of MB).
_DRAWER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chart")
# How long a scheduled list's briefing is reused: long enough for every channel of a
# fan-out due the same minute, short enough that none shows figures much older than the
# data (a repo's new report changes its record, and so the key, at once).
SHARED_SECONDS = 300.0
SHARED_LISTS = 64

ListKey = tuple[tuple[RepoRecord, ...], date, int, bool]


async def warm_up_charts() -> None:
    """Readies the chart thread (see :func:`bot.features.chart_style.warm_up`): a
    running bot's first scheduled chart is then as quick as the others."""
    await asyncio.get_running_loop().run_in_executor(_DRAWER, warm_up)


@dataclass(frozen=True, slots=True)
class SharedLists:
    """Work that is the same for every channel watching the same list: its briefing and
    chart, and the model's proposals, done once for all of them (see
    :mod:`bot.core.recent`). The scheduled path uses one; a command composes afresh."""

    briefings: Recent[ListKey, tuple[Briefing, Chart | None]]
    proposals: Proposals

    @classmethod
    def recent(cls) -> SharedLists:
        return cls(Recent(SHARED_LISTS, SHARED_SECONDS), Recent(SHARED_LISTS, SHARED_SECONDS))


@dataclass(frozen=True, slots=True)
class ChannelBriefing:
    briefing: Briefing
    chart: Chart | None
    predictions: PredictionNews | None
    radar: Radar | None
    # The channel's model's wording, when the channel has prose on and a model is set.
    prose: Prose | None = None
    # The channel's feeds whose last read failed: what they would add is missing.
    unread_feeds: tuple[FeedRecord, ...] = ()

    def message(self) -> Message:
        worded = self.prose if self.prose is not None and self.prose.source == "model" else None
        message = briefing_message(
            self.briefing, self.chart, predictions=self.predictions, radar=self.radar,
            worded=None if worded is None else worded.lede,
            mover_lines=None if worded is None else {
                repo.ref.key: _linked(worded.lines[repo.ref.key], repo.ref)
                for repo in (*self.briefing.accelerating, *self.briefing.decelerating)
                if repo.ref.key in worded.lines
            },
        )
        note = unread_feeds_note(self.unread_feeds)
        return message if note is None else replace(message, footnotes=(*message.footnotes, note))

    @property
    def text(self) -> BriefingText:
        """Which text :meth:`message` uses, as the delivery ledger records it."""
        if self.prose is None:
            return "template"
        return "model" if self.prose.source == "model" else "fallback"

    async def worded(self, model: ChatModel | None) -> ChannelBriefing:
        """The briefing with ``model``'s wording (checked; see ``prose``), or as it is
        when there is no model to ask."""
        if model is None:
            return self
        return replace(self, prose=await word_briefing(model, self.briefing))

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
    model: ChatModel | None = None,
) -> Message | None:
    """The briefing for the channel's watch list; None when the list is empty. ``model``:
    the deployment's, asked for the wording when the channel has prose on.

    It settles the channel's due predictions and makes this briefing's set, stamped
    ``now``."""
    found = await channel_briefing_parts(
        store, channel, as_of=as_of, default_window=default_window, now=now,
        synthetic=synthetic,
    )
    if found is None:
        return None
    return (await found.worded(prose_model(channel, model))).message()


def prose_model(channel: ChannelRecord, model: ChatModel | None) -> ChatModel | None:
    """The model to word the channel's briefings: the deployment's, if the channel has
    prose on."""
    return model if channel.settings.prose else None


def _linked(line: str, ref: RepoRef) -> tuple[Span, ...]:
    """The model's line with its first naming of the repo as the repo's link, as the
    deterministic lines have it."""
    found = re.search(re.escape(str(ref)), line, flags=re.IGNORECASE)
    if found is None:
        return (line,)
    spans = (line[: found.start()], repo_link(ref), line[found.end():])
    return tuple(span for span in spans if span)


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
    shared: SharedLists | None = None,
) -> ChannelBriefing | None:
    """``window_days`` overrides the channel's window. ``current`` False (a past week)
    leaves predictions and the radar out: a set made for a past date would be scored at
    once, and the radar knows only today. ``shared``: the lists' work done for other
    channels, reused."""
    watched = await store.watch_list(channel.key)
    if not watched:
        return None
    repos = tuple(item.repo for item in watched)
    days = window_days or channel.settings.window_days or default_window

    async def drawn() -> tuple[Briefing, Chart | None]:
        briefing = await compose(store, repos, as_of, days, synthetic=synthetic)
        # Drawing takes a few hundred milliseconds: keep it off the event loop.
        chart = await asyncio.get_running_loop().run_in_executor(_DRAWER, _drawn, briefing)
        return briefing, chart

    briefing, chart = await (
        drawn() if shared is None else shared.briefings.get((repos, as_of, days, synthetic), drawn)
    )
    if not current:
        return ChannelBriefing(briefing, chart, None, None)
    predictions = await briefing_predictions(
        store, channel.key, as_of=as_of, now=now,
        shared=None if shared is None else shared.proposals, watched=repos,
    )
    radar = await radar_picks(store, channel.key, now, watched=repos)
    unread = tuple(feed for feed in await store.channel_feeds(channel.key) if feed.error)
    return ChannelBriefing(briefing, chart, predictions, radar, unread_feeds=unread)


def unread_feeds_note(feeds: Sequence[FeedRecord]) -> str | None:
    """A footnote naming the feeds that could not be read, so that a briefing silent on
    coverage is not taken to mean there was none; None when every feed was read."""
    if not feeds:
        return None
    named = ", ".join(
        f"“{feed.title}” ({fmt.plural(feed.failures, 'failed read')} in a row)" for feed in feeds
    )
    them = "its items are" if len(feeds) == 1 else "their items are"
    return (
        f"Not read: {named}; {them} missing here. /momentum feeds list shows the last error."
    )
