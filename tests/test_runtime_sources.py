"""The running bot's refresh asks Hacker News (HN_API_URL) beside GitHub and keeps the
stories, and a briefing's footnotes name an HN outage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app.runtime import open_services
from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.settings import Settings
from bot.testing import FakeClock, FakeGitHub, ScenarioRepo
from bot.testing.fake_hn import FakeHackerNews, FakeStory

NOW = datetime(2026, 4, 13, 12, tzinfo=UTC)
CHANNEL = ChannelKey("slack", "T1", "C1")
STORY_AT = datetime(2026, 4, 12, 8, tzinfo=UTC)


async def test_a_refresh_stores_the_hn_stories_of_watched_repos(tmp_path: Path) -> None:
    repo = ScenarioRepo.with_daily("s/spike", 7, datetime(2026, 3, 3, tzinfo=UTC), [10] * 42)
    clock = FakeClock(NOW)
    story = FakeStory(9, "Show HN: spike", "https://github.com/s/spike", STORY_AT, 88, 12)
    async with FakeGitHub([repo], clock=clock) as github, FakeHackerNews([story]) as hn:
        settings = Settings(
            _env_file=None, DATABASE_URL=f"sqlite:///{tmp_path / 'm.db'}",
            GITHUB_API_URL=github.url, GITHUB_GRAPHQL_URL=github.graphql_url,
            HN_API_URL=hn.api_url,
        )
        async with open_services(settings, clock=clock) as services:
            store = services.store
            await store.add_to_watch_list(CHANNEL, [RepoRef("s", "spike")], "U1", NOW, cap=10)
            summary = await services.data.collect()
            stored = await store.find_repo(RepoRef("s", "spike"))
            assert stored is not None
            (found,) = await store.mentions(stored.id, NOW - timedelta(days=7), NOW)
    assert (found.kind, found.key, found.points, found.comments) == ("hn_story", "9", 88, 12)
    assert hn.stats.searches == 1
    assert "Hacker News: 1 requests, 1 stories linking to watched repositories" in (
        summary.lines()
    )
