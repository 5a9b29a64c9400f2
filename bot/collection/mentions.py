"""Mentions of watched repositories, collected beside GitHub's data on every refresh:
Hacker News stories that link to them, and items of the feeds channels follow that link
to or name them. Both are nice-to-haves: an outage is recorded and reported, never raised.

Feeds are fetched at most every :data:`FEED_EVERY`; one that fails waits twice as long
after each failure in a row (up to :data:`FEED_MAX_WAIT`), so a dead feed is never
retried in a tight loop. Its last error is kept for ``/momentum status``.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clients.feeds import FeedError, FeedItem, FeedReader, item_repos
from bot.clients.hackernews import HackerNewsClient, HNStory, HNTarget
from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.store import FeedRecord, RepoEvent, RepoRecord, Store

log = logging.getLogger(__name__)

# Stories this old still matter to a briefing: two 14-day windows and a week before.
HN_LOOKBACK = timedelta(days=35)
FEED_EVERY = timedelta(hours=6)
FEED_MAX_WAIT = timedelta(days=1)
HN_STATE = "sources.hn_error"  # app state: the last refresh's HN failure, as JSON
HN_SOURCE = "Hacker News"


@dataclass(frozen=True, slots=True)
class Sources:
    """The clients a refresh asks for mentions; either may be absent."""

    hn: HackerNewsClient | None = None
    feeds: FeedReader | None = None

    async def close(self) -> None:
        if self.hn is not None:
            await self.hn.close()
        if self.feeds is not None:
            await self.feeds.close()


@dataclass
class MentionsSummary:
    hn_requests: int = 0
    hn_stories: int = 0
    hn_failed: int = 0
    hn_error: str | None = None
    feeds_fetched: int = 0
    feed_items: int = 0
    feeds_failed: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [
            f"Hacker News: {self.hn_requests} requests, {self.hn_stories} stories linking"
            " to watched repositories"
            + (f"; {self.hn_failed} repositories not checked: {self.hn_error}"
               if self.hn_error else "")
        ]
        if self.feeds_fetched or self.feeds_failed:
            out.append(
                f"feeds: {self.feeds_fetched} read, {self.feed_items} items about watched"
                f" repositories, {len(self.feeds_failed)} failed"
            )
        out.extend(f"feed {url}: {error}" for url, error in self.feeds_failed.items())
        return out


def story_event(story: HNStory) -> RepoEvent:
    return RepoEvent("hn_story", story.id, story.title, story.created_at, story.item_url,
                     story.points, story.comments, HN_SOURCE)


async def collect_mentions(
    store: Store, sources: Sources, repos: Sequence[RepoRecord], now: datetime
) -> MentionsSummary:
    summary = MentionsSummary()
    if sources.hn is not None:
        await _hacker_news(store, sources.hn, repos, now, summary)
    if sources.feeds is not None:
        await _feeds(store, sources.feeds, now, summary)
    return summary


async def _hacker_news(
    store: Store,
    hn: HackerNewsClient,
    repos: Sequence[RepoRecord],
    now: datetime,
    summary: MentionsSummary,
) -> None:
    active = [repo for repo in repos if repo.status == "active"]
    # A repository's homepage, when GitHub lists one, is a second address stories link to.
    targets = [HNTarget(repo.ref, repo.metadata.homepage) for repo in active]
    refresh = await hn.refresh(targets, since=now - HN_LOOKBACK)
    summary.hn_requests = refresh.requests
    for repo, found in zip(active, refresh.repos, strict=True):
        if found.stories:
            await store.add_mentions(repo.id, [story_event(s) for s in found.stories])
            summary.hn_stories += len(found.stories)
    failed = refresh.failed
    summary.hn_failed = len(failed)
    if failed:
        summary.hn_error = str(failed[0].error)
        log.warning("Hacker News: %d repositories not checked: %s", len(failed),
                    summary.hn_error)
        state = {"at": now.isoformat(), "error": summary.hn_error, "repos": len(failed)}
        await store.set_state(HN_STATE, json.dumps(state), now)
    elif active:
        await store.set_state(HN_STATE, "", now)


async def hn_outage(store: Store) -> str | None:
    """The last refresh's HN failure, worded for a footnote; None when it had none."""
    raw = await store.get_state(HN_STATE)
    if not raw:
        return None
    state = json.loads(raw)
    return (
        f"Hacker News could not be checked for {state['repos']} repositories at the last"
        f" refresh ({state['at'][:16].replace('T', ' ')} UTC): {state['error']}"
    )


def _due(feed: FeedRecord, now: datetime) -> bool:
    if feed.fetched_at is None:
        return True
    # Each failure in a row doubles the wait, up to a day.
    wait = min(FEED_EVERY * (1 << min(feed.failures, 8)), FEED_MAX_WAIT)
    return now - feed.fetched_at >= wait


async def _feeds(store: Store, reader: FeedReader, now: datetime, summary: MentionsSummary) -> None:
    lists: dict[ChannelKey, list[RepoRecord]] = {}
    followed = await store.followed_feeds()
    for key, feed in followed:
        if not _due(feed, now):
            continue
        if key not in lists:
            lists[key] = [w.repo for w in await store.watch_list(key)]
        try:
            fetched = await reader.fetch(feed.url, etag=feed.etag,
                                         last_modified=feed.last_modified)
        except FeedError as error:
            summary.feeds_failed[feed.url] = str(error)
            await store.record_feed_fetch(feed.id, now, error=str(error))
            continue
        summary.feeds_fetched += 1
        if fetched.feed is not None:
            summary.feed_items += await store_feed_items(store, feed, fetched.feed.items,
                                                         lists[key])
        await store.record_feed_fetch(feed.id, now, etag=fetched.etag,
                                      last_modified=fetched.last_modified)


async def store_feed_items(
    store: Store, feed: FeedRecord, items: Sequence[FeedItem], repos: Sequence[RepoRecord]
) -> int:
    """Store the items that link to or name one of ``repos``; how many were stored."""
    by_ref: dict[RepoRef, RepoRecord] = {repo.ref: repo for repo in repos}
    found: dict[int, list[RepoEvent]] = defaultdict(list)
    for item in items:
        if item.published is None:
            continue  # an undated item cannot be set against a day's stars
        for ref in item_repos(item, by_ref):
            found[by_ref[ref].id].append(
                RepoEvent("feed_item", item.id, item.title, item.published,
                          item.link, source=feed.title)
            )
    for repo_id, events in found.items():
        await store.add_mentions(repo_id, events, feed_id=feed.id)
    return sum(len(events) for events in found.values())
