"""The wiring `momentum run` uses: settings → store, GitHub, collection, alerts, posting."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from adapters.text import render_text
from bot.app.runtime import open_services
from bot.core.command import ChannelKey
from bot.core.message import Message
from bot.core.repo_ref import RepoRef
from bot.core.settings import Settings
from bot.features.alerts.spikes import AlertSettings
from bot.jobs.refresh import collect_and_alert
from bot.testing import FakeClock, FakeGitHub, ScenarioRepo

NOW = datetime(2026, 4, 13, 12, tzinfo=UTC)
CHANNEL = ChannelKey("slack", "T1", "C1")
# Port 9 (discard) on loopback: nothing listens, so HN refuses at once and stays offline.
NO_HN = "http://127.0.0.1:9/api/v1"


class Inbox:
    name = "slack"

    def __init__(self) -> None:
        self.sent: list[tuple[ChannelKey, Message]] = []

    async def send(self, channel: ChannelKey, message: Message) -> str | None:
        self.sent.append((channel, message))
        return "ts-1"


async def test_a_refresh_collects_then_posts_the_spike_it_found(tmp_path: Path) -> None:
    # 10 stars a day from Mar 3 to Apr 11, 200 on Apr 12, 100 on Apr 13 (the fake gives a
    # day's stars at its 00:00). The 24 hours to noon on Apr 13 hold half of Apr 12's 200
    # and Apr 13's 100: 200 stars, 20.0× the 28-day average of 10 a day.
    created = datetime(2026, 3, 3, tzinfo=UTC)
    daily = [10] * 40 + [200, 100]
    repo = ScenarioRepo.with_daily("s/spike", 7, created, daily)
    clock = FakeClock(NOW)
    async with FakeGitHub([repo], clock=clock) as github:
        settings = Settings(
            _env_file=None, DATABASE_URL=f"sqlite:///{tmp_path / 'm.db'}",
            GITHUB_API_URL=github.url, GITHUB_GRAPHQL_URL=github.graphql_url,
            HN_API_URL=NO_HN,
        )
        async with open_services(settings, clock=clock) as services:
            store = services.store
            await store.add_to_watch_list(CHANNEL, [RepoRef("s", "spike")], "U1", NOW, cap=10)
            await store.set_alert_settings(CHANNEL, AlertSettings(), NOW)
            inbox = Inbox()
            await collect_and_alert(services.data, store, {"slack": inbox}, clock)
            assert [key for key, _ in inbox.sent] == [CHANNEL]
            alert = render_text(inbox.sent[0][1])
            assert "s/spike gained 200 stars in the 24 hours to Apr 13 12:00 UTC" in alert
            assert "20.0× its 28-day average of 10.0/day" in alert
            # The same spike is announced once.
            await collect_and_alert(services.data, store, {"slack": inbox}, clock)
            assert len(inbox.sent) == 1
            stored = await store.find_repo(RepoRef("s", "spike"))
            assert stored is not None
            assert stored.stars_fetched_at == NOW
