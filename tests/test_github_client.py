"""The GitHub client against the fake GitHub: headers, budgets, retries, renames."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

import pytest

from bot.clients.github import RateLimited, RepoNotFound
from bot.clients.github.client import API_VERSION, GitHubClient
from bot.clients.github.models import RepoInfo
from bot.core.repo_ref import RepoRef
from bot.core.settings import Settings
from bot.testing import FakeClock, Fault, ScenarioRepo
from bot.testing.github_scenario import Scenario
from tests.github_support import BIG, MID, T1, TOKEN, github, scenario


async def test_sends_api_version_and_tracks_rate_limits() -> None:
    clock = FakeClock(T1)
    async with github(scenario(), clock, TOKEN) as (fake, client):
        history = await client.star_history(MID)
        assert client.remaining("core") == 4999
        await client.repositories([BIG, MID])
        assert client.remaining("graphql") == 4999
        clock.advance(3600)
        assert client.remaining("core") == 5000  # the hour has passed
    assert fake.stats.api_versions == {API_VERSION: 2}
    assert history.complete  # MID's 22 weeks fit on one page
    assert client.stats.rest_calls == 1
    assert client.stats.graphql_points == 1


async def test_from_settings_points_at_the_configured_servers() -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        GITHUB_API_URL="http://127.0.0.1:9/api/v3",
        GITHUB_GRAPHQL_URL="http://127.0.0.1:9/api/graphql",
        GITHUB_TOKEN="secret",
    )
    async with GitHubClient.from_settings(settings) as client:
        assert (client.api_url, client.graphql_url) == (
            "http://127.0.0.1:9/api/v3",
            "http://127.0.0.1:9/api/graphql",
        )
        assert client.has_token


async def test_backfill_stops_at_the_page_limit_and_at_creation() -> None:
    async with github(scenario(), FakeClock(T1), None) as (fake, client):
        two = await client.star_history(BIG, pages=2)
        everything = await client.star_history(BIG, pages=100)
    assert (two.pages, len(two.weeks), two.complete) == (2, 60, False)
    assert (everything.pages, len(everything.weeks), everything.complete) == (3, 87, True)
    assert fake.stats.calls["history"] == 5


async def test_a_secondary_limit_is_waited_out_on_the_injected_clock() -> None:
    clock = FakeClock(T1)
    async with github(scenario(), clock, TOKEN, max_wait=300) as (fake, client):
        waits: list[str] = []
        client.on_wait = waits.append
        fake.inject(Fault(status=403, retry_after=42), Fault(status=429))
        await client.star_count(MID)
    # Retry-After said 42 s; the second refusal, without it, waits GitHub's minute doubled
    # (the limit persists): 42 + 120.
    assert clock.now == T1 + timedelta(seconds=42 + 120)
    assert client.stats.retries == {"secondary_limit": 2}
    assert waits == [
        "GitHub's secondary rate limit: waiting 42 s before retry 1 of 4",
        "GitHub's secondary rate limit: waiting 120 s before retry 2 of 4",
    ]


@pytest.mark.parametrize(
    ("retry_after", "waited"),
    [
        (format_datetime(T1 + timedelta(seconds=90), usegmt=True), 90),  # an HTTP date
        ("soon", 60),  # neither seconds nor a date: ignored, so GitHub's minute
        ("1e9", 60),
        ("-5", 60),
    ],
)
async def test_retry_after_is_honoured_only_as_seconds_or_an_http_date(
    retry_after: str, waited: int
) -> None:
    clock = FakeClock(T1)
    async with github(scenario(), clock, TOKEN, max_wait=100) as (fake, client):
        fake.inject(Fault(status=429, retry_after=retry_after))
        await client.star_count(MID)
    assert clock.now == T1 + timedelta(seconds=waited)


async def test_a_persistent_secondary_limit_is_reported_as_one_not_as_a_spent_budget() -> None:
    clock = FakeClock(T1)
    async with github(scenario(), clock, TOKEN) as (fake, client):
        fake.inject(Fault(status=403, times=10))
        with pytest.raises(RateLimited) as raised:
            await client.star_count(MID)
    # One minute waited; the doubled second would pass max_wait (60 s), so it stops.
    assert clock.now == T1 + timedelta(seconds=60)
    assert raised.value.secondary
    assert "secondary rate limit" in str(raised.value)
    assert "exhausted" not in str(raised.value)
    assert fake.remaining(TOKEN) > 4990  # the hour's budget was never the problem


async def test_an_exhausted_budget_raises_instead_of_sleeping_an_hour() -> None:
    clock = FakeClock(T1)
    async with github(scenario(), clock, None) as (fake, client):
        await client.star_count(MID)  # opens the hour's window at T1
        fake.exhaust(None)
        with pytest.raises(RateLimited) as raised:
            await client.star_count(MID)
    assert raised.value.reset_at is not None
    assert raised.value.reset_at >= T1 + timedelta(hours=1)
    assert clock.now == T1


async def test_server_errors_are_retried_with_bounded_backoff() -> None:
    clock = FakeClock(T1)
    async with github(scenario(), clock, None, max_retries=3, backoff=1.0) as (fake, client):
        fake.inject(Fault(status=502, times=3))
        assert await client.star_count(MID) == 149 * 200 + 101
        fake.inject(Fault(status=500, times=4))
        with pytest.raises(Exception, match="server_error"):
            await client.star_count(MID)
    # Backoff 1, 2, 4 s, each jittered to between half and all of it, twice over.
    waited = (clock.now - T1).total_seconds()
    assert 2 * (0.5 + 1 + 2) <= waited <= 2 * (1 + 2 + 4)


async def test_renames_are_followed_and_deleted_repos_are_typed() -> None:
    world = scenario()
    world.rename("mid/comet", "mid/meteor")
    world.delete("big/rocket")
    async with github(world, FakeClock(T1), None) as (_fake, client):
        history = await client.star_history(MID)
        info = await client.repository(MID)
        with pytest.raises(RepoNotFound):
            await client.star_history(BIG)
    assert history.moved
    assert info.ref == RepoRef("mid", "meteor")
    assert info.metadata.github_id == 2002


async def test_graphql_batch_isolates_a_missing_repository() -> None:
    async with github(scenario(), FakeClock(T1), TOKEN) as (_fake, client):
        results = await client.repositories([BIG, RepoRef("no", "such"), MID])
    assert isinstance(results[RepoRef("no", "such")], RepoNotFound)
    assert {ref: getattr(r, "stars", None) for ref, r in results.items() if ref != BIG} == {
        RepoRef("no", "such"): None,
        MID: 149 * 200 + 101,
    }


async def test_graphql_batches_stay_at_one_point_each() -> None:
    created = T1 - timedelta(days=10)
    world = Scenario([ScenarioRepo.with_daily(f"org/r{n}", 10 + n, created, [1] * 11)
                      for n in range(1000)])
    async with github(world, FakeClock(T1), TOKEN) as (fake, client):
        found = await client.repositories([RepoRef("org", f"r{n}") for n in range(1000)])
    # A repository opens 3 connections: 49 of them are 147 requests, 1.47 points, rounded
    # to 1 (50 would be 1.5, rounded to 2). 1,000 repositories: 20 batches of 49 and one
    # of 20 (60 requests, 0.6, at least 1): 21 queries, 21 points.
    assert len(found) == 1000
    assert fake.stats.calls["graphql"] == 21
    assert fake.stats.graphql_points == 21
    assert client.stats.graphql_points == 21


@pytest.mark.parametrize("token", [TOKEN, None])
async def test_the_homepage_comes_with_the_metadata_both_ways(token: str | None) -> None:
    """GraphQL's homepageUrl with a token, REST's homepage without; "" (a homepage cleared
    in the settings, as GitHub answers it) is none."""
    created = T1 - timedelta(days=10)
    world = Scenario([
        ScenarioRepo.with_daily("org/site", 1, created, [1] * 11,
                                homepage="https://site.example/docs"),
        ScenarioRepo.with_daily("org/blank", 2, created, [1] * 11, homepage=""),
    ])
    site, blank = RepoRef("org", "site"), RepoRef("org", "blank")
    async with github(world, FakeClock(T1), token) as (_fake, client):
        if token is None:
            found = {ref: await client.repository(ref) for ref in (site, blank)}
        else:
            found = dict(await client.repositories([site, blank]))
    assert all(isinstance(info, RepoInfo) for info in found.values())
    homepages = {ref: info.metadata.homepage for ref, info in found.items()
                 if isinstance(info, RepoInfo)}
    assert homepages == {site: "https://site.example/docs", blank: None}
