"""Feeds read over real HTTP from the fake feed host: RSS 2.0 and Atom, conditional
requests, size and time limits, public hosts only, one clear sentence for each failure."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.clients.feeds import (
    FeedHostRefused,
    FeedHttpError,
    FeedReader,
    FeedTooLarge,
    FeedUnreachable,
    MalformedFeedUrl,
    NotAFeed,
    carries_theme,
    check_feed_url,
    item_repos,
)
from bot.core.repo_ref import RepoRef
from bot.testing.fake_feeds import FakeFeed, FakeFeedItem, FakeFeeds

VLLM = RepoRef("vllm-project", "vllm")
OLLAMA = RepoRef("ollama", "ollama")
OLLAMA_PY = RepoRef("ollama", "ollama-python")


def at(day: int) -> datetime:
    return datetime(2026, 11, day, 9, 0, tzinfo=UTC)


BLOG = FakeFeed("blog", "Infra notes", [
    FakeFeedItem("b1", "Why we moved", "https://blog.example/vllm", at(27),
                 'We benchmarked <a href="https://github.com/vllm-project/vllm">it</a>.'),
    FakeFeedItem("b2", "ollama/ollama turns two", "https://blog.example/ollama", at(26)),
    FakeFeedItem("b3", "Notes on ollama/ollama-python", "https://blog.example/py", at(25)),
    FakeFeedItem("b4", "The state of LLMs", "https://blog.example/state", at(24),
                 "<p>Vector databases, again.</p>"),
    FakeFeedItem("b5", "@everyone <b>look</b>", "https://blog.example/x", at(23)),
])
NEWS = FakeFeed("news", "Open source news", [
    FakeFeedItem("urn:n1", "Funding round", "https://news.example/1", at(28),
                 "A round for the makers of vllm-project/vllm."),
], format="atom")


@pytest.fixture
async def site() -> AsyncIterator[FakeFeeds]:
    async with FakeFeeds(slow_seconds=3.0) as fake:
        # Copies: a test may change a feed's items.
        fake.add(replace(BLOG, items=list(BLOG.items)))
        fake.add(replace(NEWS, items=list(NEWS.items)))
        yield fake


@pytest.fixture
async def reader() -> AsyncIterator[FeedReader]:
    feeds = FeedReader(timeout=0.5, max_bytes=100_000, allow_private=True)
    yield feeds
    await feeds.close()


async def test_rss_items_and_what_they_count_for(site: FakeFeeds, reader: FeedReader) -> None:
    fetched = await reader.fetch(site.feed_url("blog"))
    feed = fetched.feed
    assert feed is not None
    assert (feed.title, feed.format, len(feed.items)) == ("Infra notes", "RSS 2.0", 5)
    first, second, third, fourth, fifth = feed.items
    assert (first.id, first.link, first.published) == ("b1", "https://blog.example/vllm", at(27))
    refs = [VLLM, OLLAMA, OLLAMA_PY]
    assert item_repos(first, refs) == {VLLM}  # linked from its summary
    assert item_repos(second, refs) == {OLLAMA}  # named as owner/name
    assert item_repos(third, refs) == {OLLAMA_PY}
    assert carries_theme(fourth, "llm")
    assert carries_theme(fourth, "vector-database")
    assert not carries_theme(fourth, "rust")
    assert not carries_theme(first, "llm")
    # Markup is gone from the text; escaping the rest is each renderer's job.
    assert fifth.title == "@everyone look"


async def test_atom_feed(site: FakeFeeds, reader: FeedReader) -> None:
    feed = (await reader.fetch(site.feed_url("news"))).feed
    assert feed is not None
    assert (feed.format, feed.title) == ("Atom", "Open source news")
    (item,) = feed.items
    assert (item.id, item.published) == ("urn:n1", at(28))
    assert item_repos(item, [VLLM, OLLAMA]) == {VLLM}


async def test_conditional_requests_cost_no_parsing(site: FakeFeeds, reader: FeedReader) -> None:
    first = await reader.fetch(site.feed_url("blog"))
    assert first.etag
    assert first.last_modified == "Mon, 30 Nov 2026 00:00:00 GMT"
    by_etag = await reader.fetch(site.feed_url("blog"), etag=first.etag)
    by_date = await reader.fetch(site.feed_url("blog"), last_modified=first.last_modified)
    assert by_etag.not_modified
    assert by_date.not_modified
    assert by_etag.etag == first.etag
    assert site.stats.not_modified == 2
    # A changed feed has a new ETag, so the old one gets the whole feed again.
    site.feeds["blog"].items.pop()
    changed = await reader.fetch(site.feed_url("blog"), etag=first.etag)
    assert changed.feed is not None
    assert len(changed.feed.items) == 4


async def test_a_redirect_is_followed(site: FakeFeeds, reader: FeedReader) -> None:
    feed = (await reader.fetch(f"{site.url}/moved")).feed
    assert feed is not None
    assert feed.url == site.feed_url("blog")


@pytest.mark.parametrize(
    "text", ["blog.example/feed", "ftp://blog.example/feed", "https://", "http://a b/",
             "https://blog.example:99999/feed"],
)
def test_malformed_addresses_are_refused(text: str) -> None:
    with pytest.raises(MalformedFeedUrl) as refused:
        check_feed_url(text)
    assert str(refused.value).endswith("a host name.")


async def test_html_json_errors_size_and_time(site: FakeFeeds, reader: FeedReader) -> None:
    with pytest.raises(NotAFeed) as page:
        await reader.fetch(f"{site.url}/page.html")
    assert page.value.alternate == site.feed_url("blog")
    assert str(page.value) == (
        f"{site.url}/page.html is a web page, not an RSS or Atom feed; "
        f"the page names a feed at {site.feed_url('blog')}."
    )
    with pytest.raises(NotAFeed, match="is something else"):
        await reader.fetch(f"{site.url}/data.json")
    with pytest.raises(FeedHttpError, match="answered HTTP 500"):
        await reader.fetch(f"{site.url}/error")
    with pytest.raises(FeedHttpError, match="answered HTTP 404"):
        await reader.fetch(site.feed_url("gone"))
    with pytest.raises(FeedTooLarge, match="larger than 100,000 bytes"):
        await reader.fetch(f"{site.url}/huge")
    with pytest.raises(FeedUnreachable, match="did not answer in time"):
        await reader.fetch(f"{site.url}/slow")


async def test_unreachable_hosts(reader: FeedReader) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FeedUnreachable) as refused:
        await reader.fetch(f"http://127.0.0.1:{port}/feed")
    assert str(refused.value) == (
        "127.0.0.1 could not be reached (the connection was refused or failed)."
    )
    # .invalid never resolves (RFC 2606).
    with pytest.raises(FeedUnreachable, match="no such host"):
        await reader.fetch("https://feeds.invalid/rss")


async def test_only_public_hosts_outside_tests(site: FakeFeeds) -> None:
    public_only = FeedReader(timeout=0.5)
    try:
        for url in (site.feed_url("blog"), "http://localhost/feed", "http://10.1.2.3/feed",
                    "http://[::1]/feed", "http://169.254.169.254/latest/meta-data"):
            with pytest.raises(FeedHostRefused, match="is not a public address"):
                await public_only.fetch(url)
    finally:
        await public_only.close()
    assert site.stats.requests["/feeds/blog"] == 0
