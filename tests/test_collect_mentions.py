"""A refresh's mentions: HN stories and feed items stored for watched repos, outages
recorded and reported but never raised, failing feeds not retried in a tight loop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.clients.feeds import FeedReader
from bot.clients.hackernews import HackerNewsClient
from bot.collection.mentions import Sources, collect_mentions, hn_outage
from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.store import RepoEvent, RepoMetadata, Store
from bot.testing.fake_feeds import FakeFeed, FakeFeedItem, FakeFeeds
from bot.testing.fake_hn import FakeHackerNews, FakeStory, HNFault
from tests.support import Clock

NOW = datetime(2026, 11, 30, 6, tzinfo=UTC)
CHANNEL = ChannelKey("slack", "T1", "C1")
VLLM = RepoRef("vllm-project", "vllm")
QUIET = RepoRef("o", "quiet")
STORY_AT = datetime(2026, 11, 27, 14, tzinfo=UTC)
ITEM_AT = datetime(2026, 11, 28, 9, tzinfo=UTC)


@pytest.fixture
async def fakes(clock: Clock) -> AsyncIterator[tuple[FakeHackerNews, FakeFeeds]]:
    clock.now = NOW
    story = FakeStory(101, "vLLM 1.0", VLLM.url, STORY_AT, points=412, comments=120)
    async with FakeHackerNews([story], clock=clock) as hn, FakeFeeds() as site:
        site.add(FakeFeed("blog", "Infra notes", [
            FakeFeedItem("b1", "Why we moved to vllm-project/vllm", "https://blog.example/1",
                         ITEM_AT),
            FakeFeedItem("b2", "ollama/ollama turns two", "https://blog.example/2", ITEM_AT),
        ]))
        yield hn, site


@pytest.fixture
async def sources(
    fakes: tuple[FakeHackerNews, FakeFeeds], clock: Clock
) -> AsyncIterator[Sources]:
    hn, _ = fakes
    both = Sources(HackerNewsClient(api_url=hn.api_url, clock=clock),
                   FeedReader(timeout=1.0, allow_private=True))
    yield both
    await both.close()


async def watched(store: Store) -> list[int]:
    await store.add_to_watch_list(CHANNEL, [VLLM, QUIET], "U1", NOW, cap=10)
    return [w.repo.id for w in await store.watch_list(CHANNEL)]


async def test_stories_and_items_are_stored_for_watched_repos(
    store: Store, sources: Sources, fakes: tuple[FakeHackerNews, FakeFeeds]
) -> None:
    _, site = fakes
    vllm_id, quiet_id = await watched(store)
    await store.add_feed(CHANNEL, site.feed_url("blog"), "Infra notes", "U1", NOW, cap=5)
    summary = await collect_mentions(store, sources, await store.watched_repos(), NOW)
    found = await store.mentions(vllm_id, NOW - timedelta(days=7), NOW)
    assert found == [
        RepoEvent("hn_story", "101", "vLLM 1.0", STORY_AT,
                  "https://news.ycombinator.com/item?id=101", 412, 120, "Hacker News"),
        RepoEvent("feed_item", "b1", "Why we moved to vllm-project/vllm", ITEM_AT,
                  "https://blog.example/1", source="Infra notes"),
    ]
    assert await store.mentions(quiet_id, NOW - timedelta(days=7), NOW) == []
    # Two repos, one request each; one feed read, one item about a watched repo (b2 names
    # ollama/ollama, which this channel does not watch).
    assert summary.lines() == [
        "Hacker News: 2 requests, 1 stories linking to watched repositories",
        "feeds: 1 read, 1 items about watched repositories, 0 failed",
    ]
    assert await hn_outage(store) is None


async def test_an_hn_outage_is_recorded_not_raised(
    store: Store, sources: Sources, fakes: tuple[FakeHackerNews, FakeFeeds]
) -> None:
    hn, _ = fakes
    await watched(store)
    hn.inject(HNFault(503, times=10))
    summary = await collect_mentions(store, sources, await store.watched_repos(), NOW)
    assert (summary.hn_failed, summary.hn_stories) == (2, 0)
    assert await hn_outage(store) == (
        "Hacker News could not be checked for 2 repositories at the last refresh"
        " (2026-11-30 06:00 UTC): HN Search is unavailable (server_error: 503)"
    )


async def test_a_failing_feed_waits_longer_after_each_failure(
    store: Store, sources: Sources, fakes: tuple[FakeHackerNews, FakeFeeds], clock: Clock
) -> None:
    _, site = fakes
    await watched(store)
    await store.add_feed(CHANNEL, f"{site.url}/error", "Broken", "U1", NOW, cap=5)
    no_hn = Sources(feeds=sources.feeds)
    first = await collect_mentions(store, no_hn, [], NOW)
    assert first.feeds_failed == {f"{site.url}/error": f"{site.url}/error answered HTTP 500"
                                  " instead of a feed."}
    # One failure: the next try is 12 hours on (6 h doubled), not at the next refresh.
    for hours, expected_requests in ((6, 1), (11, 1), (12, 2), (35, 2), (36, 3)):
        await collect_mentions(store, no_hn, [], NOW + timedelta(hours=hours))
        assert site.stats.requests["/error"] == expected_requests, hours
    (feed,) = await store.channel_feeds(CHANNEL)
    # Three failures in a row: 6 h × 2³ = 48 h, capped at a day; last tried at +36 h.
    assert (feed.failures, feed.fetched_at) == (3, NOW + timedelta(hours=36))


async def test_a_story_linking_to_the_homepage_github_lists_is_stored(
    store: Store, clock: Clock
) -> None:
    """The homepage is the second address: the first refresh asks about the GitHub page,
    one two hours later (past the hour's cache) about the homepage, one request each."""
    site = RepoRef("o", "site")
    at_home = FakeStory(202, "Site 2.0", "https://site.example/blog/launch", STORY_AT,
                        points=88, comments=12)
    clock.now = NOW
    await store.add_to_watch_list(CHANNEL, [site], "U1", NOW, cap=10)
    record = await store.find_repo(site)
    assert record is not None
    await store.save_repo_metadata(
        record.id, RepoMetadata(site, homepage="https://site.example"), NOW
    )
    async with FakeHackerNews([at_home], clock=clock) as hn:
        sources = Sources(HackerNewsClient(api_url=hn.api_url, clock=clock))
        try:
            first = await collect_mentions(store, sources, await store.watched_repos(), NOW)
            clock.now = NOW + timedelta(hours=2)
            second = await collect_mentions(store, sources, await store.watched_repos(),
                                            clock.now)
        finally:
            await sources.close()
    assert (first.hn_requests, first.hn_stories) == (1, 0)
    assert (second.hn_requests, second.hn_stories) == (1, 1)
    stored = await store.mentions(record.id, NOW - timedelta(days=7), NOW)
    assert [(m.key, m.points, m.comments) for m in stored] == [("202", 88, 12)]
