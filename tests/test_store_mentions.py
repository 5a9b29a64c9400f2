"""The Store contract for mentions (HN stories, feed items) and channel feeds, on every
backend the fixture yields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.store import FeedListFull, RepoEvent, Store

T0 = datetime(2026, 11, 25, 9, tzinfo=UTC)
C1 = ChannelKey("slack", "T1", "C1")
C2 = ChannelKey("discord", "G1", "C2")
URL = "https://blog.example/feed.xml"


def story(points: int, at: datetime = T0) -> RepoEvent:
    return RepoEvent("hn_story", "101", "vLLM 1.0", at,
                     "https://news.ycombinator.com/item?id=101", points, 40, "Hacker News")


async def test_mentions_keep_their_size_and_a_later_sighting_updates_it(store: Store) -> None:
    repo = await store.add_repo(RepoRef("o", "a"), T0)
    item = RepoEvent("feed_item", "b1", "Why we moved", T0 + timedelta(hours=2),
                     "https://blog.example/x", source="Infra notes")
    await store.add_mentions(repo.id, [story(120), item])
    await store.add_mentions(repo.id, [story(412)])
    found = await store.mentions(repo.id, T0, T0 + timedelta(days=1))
    assert found == [story(412), item]
    assert await store.mentions(repo.id, T0 + timedelta(hours=1), T0 + timedelta(days=1)) == [
        item
    ]
    # Releases and PRs are events, not mentions: they go to add_events.
    with pytest.raises(ValueError, match="not a mention"):
        await store.add_mentions(repo.id, [RepoEvent("release", "v1", "v1", T0)])


async def test_feeds_per_channel_with_a_cap(store: Store) -> None:
    first = await store.add_feed(C1, URL, "Infra notes", "U1", T0, cap=2)
    assert first is not None
    assert (first.url, first.title, first.added_by, first.added_at) == (URL, "Infra notes",
                                                                         "U1", T0)
    assert await store.add_feed(C1, URL, "Infra notes", "U2", T0, cap=2) is None
    await store.add_feed(C1, "https://b.example/atom", "B", "U1", T0, cap=2)
    with pytest.raises(FeedListFull):
        await store.add_feed(C1, "https://c.example/rss", "C", "U1", T0, cap=2)
    await store.add_feed(C2, URL, "Infra notes", "U3", T0, cap=2)
    assert [f.url for f in await store.channel_feeds(C1)] == [URL, "https://b.example/atom"]
    assert [(key, f.url) for key, f in await store.followed_feeds()] == [
        (C1, URL), (C1, "https://b.example/atom"), (C2, URL)
    ]
    assert await store.remove_feed(C1, URL) is True
    assert await store.remove_feed(C1, URL) is False
    assert [f.url for f in await store.channel_feeds(C1)] == ["https://b.example/atom"]


async def test_feed_fetches_keep_validators_and_count_failures(store: Store) -> None:
    added = await store.add_feed(C1, URL, "Infra notes", "U1", T0, cap=5)
    assert added is not None
    later = T0 + timedelta(hours=6)
    await store.record_feed_fetch(added.id, T0, etag='"v1"', last_modified="Wed, 25 Nov")
    await store.record_feed_fetch(added.id, later, error="blog.example could not be reached.")
    await store.record_feed_fetch(added.id, later, error="blog.example could not be reached.")
    (failed,) = await store.channel_feeds(C1)
    assert (failed.error, failed.failures, failed.etag, failed.fetched_at) == (
        "blog.example could not be reached.", 2, '"v1"', later
    )
    # A 304 brings no new validators: the stored ones stay.
    await store.record_feed_fetch(added.id, later + timedelta(hours=6))
    (ok,) = await store.channel_feeds(C1)
    assert (ok.error, ok.failures, ok.etag, ok.last_modified) == (None, 0, '"v1"', "Wed, 25 Nov")


async def test_removing_a_feed_drops_its_items(store: Store) -> None:
    repo = await store.add_repo(RepoRef("o", "a"), T0)
    added = await store.add_feed(C1, URL, "Infra notes", "U1", T0, cap=5)
    assert added is not None
    item = RepoEvent("feed_item", "b1", "Why", T0, None, source="Infra notes")
    await store.add_mentions(repo.id, [item], feed_id=added.id)
    await store.add_mentions(repo.id, [story(10)])
    await store.remove_feed(C1, URL)
    assert await store.mentions(repo.id, T0, T0 + timedelta(days=1)) == [story(10)]
