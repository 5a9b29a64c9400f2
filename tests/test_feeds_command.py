"""``/momentum feeds`` on the real router, reading the fake feed host over HTTP: bad
addresses refused with one clear sentence and nothing stored, a good feed followed and its
items about the list stored, a feed that later fails shown in ``/momentum status``."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.clients.feeds import FeedReader
from bot.collection.mentions import Sources, collect_mentions
from bot.core.repo_ref import RepoRef
from bot.core.settings import Settings
from bot.core.store import Store
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.features.commands.feeds import MAX_FEEDS
from bot.testing.fake_feeds import FakeFeed, FakeFeedItem, FakeFeeds
from tests.support import CHANNEL, Chat, Clock

VLLM = RepoRef("vllm-project", "vllm")
ITEM_AT = datetime(2026, 4, 10, 9, tzinfo=UTC)


@pytest.fixture
async def site() -> AsyncIterator[FakeFeeds]:
    async with FakeFeeds() as fake:
        fake.add(FakeFeed("blog", "Infra notes", [
            FakeFeedItem("b1", "Why we moved to vllm-project/vllm", "https://blog.example/1",
                         ITEM_AT),
            FakeFeedItem("b2", "Hiring", "https://blog.example/2", ITEM_AT),
        ]))
        yield fake


@pytest.fixture
async def reader() -> AsyncIterator[FeedReader]:
    feeds = FeedReader(timeout=1.0, allow_private=True)
    yield feeds
    await feeds.close()


@pytest.fixture
async def feeds_chat(
    store: Store, settings: Settings, clock: Clock, reader: FeedReader
) -> Chat:
    await store.add_to_watch_list(CHANNEL, [VLLM], "U_ALICE", clock.now, cap=10)
    return Chat(Router(Context(store, settings, clock, feeds=reader)), clock)


async def test_bad_addresses_are_refused_and_nothing_is_stored(
    feeds_chat: Chat, store: Store, site: FakeFeeds
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    cases = {
        "blog.example/rss": "“blog.example/rss” is not a feed address: expected http:// or "
                            "https:// and a host name.",
        f"http://127.0.0.1:{closed}/rss": "127.0.0.1 could not be reached (the connection "
                                          "was refused or failed).",
        f"{site.url}/page.html": f"{site.url}/page.html is a web page, not an RSS or Atom "
                                 f"feed; the page names a feed at {site.feed_url('blog')}.",
        f"{site.url}/data.json": f"{site.url}/data.json is something else, not an RSS or "
                                 "Atom feed.",
    }
    for url, sentence in cases.items():
        reply = await feeds_chat.say_text(f"/momentum feeds add {url}")
        assert "Nothing was changed" in reply, url
        assert sentence in reply, url
    assert await store.channel_feeds(CHANNEL) == []


async def test_a_feed_is_followed_listed_and_removed(
    feeds_chat: Chat, store: Store, site: FakeFeeds, clock: Clock
) -> None:
    url = site.feed_url("blog")
    added = await feeds_chat.say_text(f"/momentum feeds add <{url}>")
    # Two items; b1 names vllm-project/vllm, which the list watches.
    assert "Following “Infra notes” (RSS 2.0, 2 items; 1 about repos on this list)" in added
    repo = await store.find_repo(VLLM)
    assert repo is not None
    (item,) = await store.mentions(repo.id, ITEM_AT, ITEM_AT + timedelta(seconds=1))
    assert (item.kind, item.key, item.source) == ("feed_item", "b1", "Infra notes")
    again = await feeds_chat.say_text(f"/momentum feeds add {url}")
    assert f"This channel already follows {url}." in again
    listed = await feeds_chat.say_text("/momentum feeds list")
    assert f"Feeds this channel follows (1 of {MAX_FEEDS})" in listed
    assert "Infra notes" in listed
    assert "ok, Apr 13 09:30 UTC" in listed  # the clock's now, when it was added
    assert "No longer following" in await feeds_chat.say_text(f"/momentum feeds remove {url}")
    assert "does not follow" in await feeds_chat.say_text(f"/momentum feeds remove {url}")
    assert "No feeds here" in await feeds_chat.say_text("/momentum feeds list")


async def test_only_managers_change_feeds_where_the_workspace_says_so(
    feeds_chat: Chat, store: Store, site: FakeFeeds
) -> None:
    await store.set_workspace_access("slack", "T1", "managers")
    reply = await feeds_chat.say_text(f"/momentum feeds add {site.feed_url('blog')}",
                                      can_manage=False)
    assert "You can't change this channel's feeds" in reply
    assert site.stats.requests["/feeds/blog"] == 0
    assert "No feeds here" in await feeds_chat.say_text("/momentum feeds list", can_manage=False)


async def test_a_feed_that_later_fails_shows_in_status(
    feeds_chat: Chat, store: Store, site: FakeFeeds, clock: Clock, reader: FeedReader
) -> None:
    url = site.feed_url("blog")
    await feeds_chat.say_text(f"/momentum feeds add {url}")
    assert "1 feed followed, all read" in await feeds_chat.say_text("/momentum status")
    del site.feeds["blog"]
    await collect_mentions(store, Sources(feeds=reader), [], clock.now + timedelta(hours=6))
    status = await feeds_chat.say_text("/momentum status")
    assert f"1 feed followed; failing: “Infra notes”: {url} answered HTTP 404" in status
