"""The HN client against the fake HN Search API on loopback: exact matching, one request
per repository per refresh at most, caching, and failures that never fail a refresh."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.clients.hackernews import (
    HackerNewsClient,
    HNBadAnswer,
    HNPaused,
    HNRateLimited,
    HNTarget,
    HNUnavailable,
)
from bot.clients.links import github_repo_of, links_to
from bot.core.repo_ref import RepoRef
from bot.core.settings import load_settings
from bot.testing.fake_hn import FakeHackerNews, FakeStory, HNFault
from tests.support import Clock

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
SINCE = datetime(2026, 11, 1, tzinfo=UTC)
VLLM = RepoRef("vllm-project", "vllm")
HOME = "https://vllm.ai"
GH = "https://github.com/vllm-project/vllm"


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


STORIES = [
    FakeStory(101, "vLLM 1.0", GH, at(27, 14), points=412, comments=120),
    FakeStory(102, "vLLM 1.0 release notes", f"{GH}/releases/tag/v1.0", at(28), points=35),
    # Found by the word search (vllm-ascend starts with vllm) but another repository.
    FakeStory(103, "vLLM on Ascend", f"{GH}-ascend", at(28, 13), points=80),
    FakeStory(104, "Anatomy of vLLM", "https://www.vllm.ai/blog/anatomy", at(26), points=51),
    # Before SINCE: the numeric filter keeps it out.
    FakeStory(105, "vLLM (2023)", GH, datetime(2026, 10, 1, tzinfo=UTC), points=900),
    FakeStory(106, "Ask HN: vllm github.com", None, at(29), text="github.com vllm-project"),
    # Every word of the address, in a query string: not a link to the repository.
    FakeStory(107, "Tracker", f"https://example.com/?ref={GH}", at(29, 9), points=5),
]


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
async def hn(clock: Clock) -> AsyncIterator[FakeHackerNews]:
    async with FakeHackerNews(STORIES, clock=clock) as fake:
        yield fake


@pytest.fixture
async def client(hn: FakeHackerNews, clock: Clock) -> AsyncIterator[HackerNewsClient]:
    settings = load_settings(HN_API_URL=hn.api_url)
    hackernews = HackerNewsClient(api_url=settings.hn_api_url, clock=clock, timeout=0.5)
    yield hackernews
    await hackernews.close()


def test_links_match_the_repository_exactly() -> None:
    assert github_repo_of("https://www.github.com/vllm-project/vllm.git") == VLLM
    assert github_repo_of("http://github.com/VLLM-Project/VLLM/issues/3#x") == VLLM
    assert github_repo_of("https://github.com/vllm-project") is None
    assert github_repo_of("https://gist.github.com/vllm-project/vllm") is None
    assert not links_to(f"{GH}-ascend", VLLM, HOME)
    assert links_to("https://vllm.ai/", VLLM, HOME)
    assert links_to("https://docs.vllm.ai.evil.com/", VLLM, HOME) is False
    assert links_to("https://example.com/docs/x", VLLM, "https://example.com/docs")
    assert not links_to("https://example.com/docsearch", VLLM, "https://example.com/docs")
    # A homepage on GitHub says nothing more than the repository's own address.
    assert not links_to("https://github.com/other/repo", VLLM, "https://github.com/other/repo")


async def test_first_request_asks_for_the_github_address(
    client: HackerNewsClient, hn: FakeHackerNews
) -> None:
    stories = await client.stories(VLLM, since=SINCE, homepage=HOME)
    assert [s.id for s in stories] == ["102", "101"]
    top = stories[1]
    assert (top.title, top.points, top.comments, top.created_at) == (
        "vLLM 1.0", 412, 120, at(27, 14)
    )
    assert top.item_url == "https://news.ycombinator.com/item?id=101"
    assert hn.stats.searches == 1
    query = hn.stats.queries[0]
    # 2026-11-01T00:00Z is 1,793,491,200 s: 56 years of 365 days and 14 leap days since
    # 1970 (20,454 days) plus the 304 days to November 1, times 86,400.
    assert query == {
        "query": "github.com/vllm-project/vllm",
        "tags": "story",
        "restrictSearchableAttributes": "url",
        "numericFilters": "created_at_i>1793491200",
        "hitsPerPage": "100",
        "page": "0",
    }


async def test_cached_for_an_hour_then_the_homepage_is_asked(
    client: HackerNewsClient, hn: FakeHackerNews, clock: Clock
) -> None:
    await client.stories(VLLM, since=SINCE, homepage=HOME)
    clock.now = NOW + timedelta(minutes=59)
    again = await client.stories(VLLM, since=SINCE, homepage=HOME)
    # The GitHub address is fresh, but the homepage was never asked: it is asked now.
    assert hn.stats.queries[-1]["query"] == "vllm.ai"
    assert [s.id for s in again] == ["102", "101", "104"]
    assert hn.stats.searches == 2
    clock.now = NOW + timedelta(minutes=59, seconds=30)
    await client.stories(VLLM, since=SINCE, homepage=HOME)
    assert hn.stats.searches == 2  # both addresses asked within the hour: nothing asked
    assert client.stats.cached == 1


async def test_refresh_asks_once_per_repository(
    client: HackerNewsClient, hn: FakeHackerNews
) -> None:
    other = RepoRef("o", "quiet")
    refresh = await client.refresh([HNTarget(VLLM, HOME), HNTarget(other)], since=SINCE)
    assert refresh.requests == 2
    assert hn.stats.searches == 2
    vllm, quiet = refresh.repos
    assert (vllm.requested, vllm.error) == (True, None)
    assert [s.id for s in vllm.stories] == ["102", "101"]
    assert (quiet.ref, quiet.stories, quiet.truncated) == (other, (), False)


async def test_more_pages_than_one_is_reported_truncated(
    hn: FakeHackerNews, clock: Clock
) -> None:
    hackernews = HackerNewsClient(api_url=hn.api_url, clock=clock, hits_per_page=2)
    try:
        # The address matches 101, 102, 103 and 107 after SINCE: two pages of 2.
        refresh = await hackernews.refresh([HNTarget(VLLM)], since=SINCE)
    finally:
        await hackernews.close()
    (repo,) = refresh.repos
    # Page 0 holds the newest two, 107 (29th, 09:00) and 103 (28th, 13:00): neither links
    # to the repository.
    assert (repo.stories, repo.truncated, refresh.requests) == ((), True, 1)


async def test_server_errors_and_bad_answers_are_typed(
    client: HackerNewsClient, hn: FakeHackerNews
) -> None:
    hn.inject(HNFault(503), HNFault(body="<html>oops</html>"), HNFault(body='{"hits": 3}'))
    with pytest.raises(HNUnavailable) as unavailable:
        await client.stories(VLLM, since=SINCE)
    assert unavailable.value.kind == "server_error"
    with pytest.raises(HNBadAnswer):
        await client.stories(VLLM, since=SINCE)
    with pytest.raises(HNBadAnswer, match="lacks hits"):
        await client.stories(VLLM, since=SINCE)
    # Three failures in a row pause the client: the fourth call sends nothing.
    with pytest.raises(HNPaused):
        await client.stories(VLLM, since=SINCE)
    assert hn.stats.searches == 3


async def test_a_429_pauses_for_its_retry_after(
    client: HackerNewsClient, hn: FakeHackerNews, clock: Clock
) -> None:
    hn.inject(HNFault(429, retry_after=1800))
    with pytest.raises(HNRateLimited) as limited:
        await client.stories(VLLM, since=SINCE)
    assert limited.value.retry_after == 1800
    clock.now = NOW + timedelta(minutes=29)
    with pytest.raises(HNPaused):
        await client.stories(VLLM, since=SINCE)
    clock.now = NOW + timedelta(minutes=30)  # 1,800 s later: asked again
    assert len(await client.stories(VLLM, since=SINCE)) == 2
    assert hn.stats.searches == 2


async def test_timeouts_and_refused_connections(hn: FakeHackerNews, clock: Clock) -> None:
    hn.inject(HNFault(delay=2.0))
    slow = HackerNewsClient(api_url=hn.api_url, clock=clock, timeout=0.2)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    gone = HackerNewsClient(api_url=f"http://127.0.0.1:{closed_port}/api/v1", clock=clock)
    try:
        with pytest.raises(HNUnavailable) as timed_out:
            await slow.stories(VLLM, since=SINCE)
        with pytest.raises(HNUnavailable) as refused:
            await gone.stories(VLLM, since=SINCE)
    finally:
        await slow.close()
        await gone.close()
    assert (timed_out.value.kind, refused.value.kind) == ("timeout", "connection")


async def test_an_outage_never_fails_a_refresh(hn: FakeHackerNews, clock: Clock) -> None:
    hackernews = HackerNewsClient(api_url=hn.api_url, clock=clock, connections=1)
    try:
        first = await hackernews.refresh([HNTarget(VLLM)], since=SINCE)
        hn.inject(HNFault(500, times=100))
        clock.now = NOW + timedelta(hours=6)
        targets = [HNTarget(VLLM)] + [HNTarget(RepoRef("o", f"r{n}")) for n in range(9)]
        refresh = await hackernews.refresh(targets, since=SINCE)
    finally:
        await hackernews.close()
    assert len(first.repos[0].stories) == 2
    # One at a time: three 500s, then the pause; the other 7 repositories are not asked.
    assert refresh.requests == 3
    assert len(refresh.failed) == 10
    assert sum(isinstance(r.error, HNPaused) for r in refresh.repos) == 7
    # What the last good answer held is still given for vllm.
    assert [s.id for s in refresh.repos[0].stories] == ["102", "101"]
