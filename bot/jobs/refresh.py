"""Data refreshed on a timer: collection from GitHub, then the spike alerts the new data
shows; and the radar's pool of young repos."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from bot.clients.github import GitHubClient, GitHubError
from bot.collection.service import DataService
from bot.core.adapter import ChannelUnavailable
from bot.core.command import ChannelKey, Platform
from bot.core.store import Store
from bot.features.alerts.pending import pending_alerts
from bot.features.radar.refresh import refresh_radar
from bot.jobs.delivery import Poster

log = logging.getLogger(__name__)


async def collect_and_alert(
    data: DataService,
    store: Store,
    posters: Mapping[Platform, Poster],
    clock: Callable[[], datetime],
) -> None:
    """Collect from GitHub, then post the spike alerts the new data shows."""
    try:
        summary = await data.collect()
    except GitHubError as error:
        # GitHub down or the budget spent: the next run tries again.
        log.warning("collection stopped: %s", error)
        return
    if summary.unreachable is not None:
        log.warning("collection stopped: GitHub could not be reached: %s", summary.unreachable)
        return
    log.info("collection: %s", "; ".join(summary.lines()))
    await post_alerts(store, posters, clock())


async def post_alerts(store: Store, posters: Mapping[Platform, Poster], now: datetime) -> None:
    """Post every alert that is due. Any instance running the platform may post an alert,
    whichever Discord shards it runs (posting is REST, not the gateway): the first to see
    the new data does."""

    def serves(key: ChannelKey) -> bool:
        return key.platform in posters

    for key, message in await pending_alerts(store, now, serves):
        try:
            await posters[key.platform].send(key, message)
        except ChannelUnavailable as gone:
            await store.pause_channel(key, gone.reason)
        except Exception:
            log.exception("posting an alert to %s failed", key)


async def refresh_radar_pool(
    store: Store, github: GitHubClient, clock: Callable[[], datetime]
) -> None:
    try:
        found = await refresh_radar(store, github, clock())
    except GitHubError as error:
        log.warning("radar refresh stopped: %s", error)
        return
    log.info("%s", "; ".join(found.lines()))
