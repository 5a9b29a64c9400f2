"""The scheduled path end to end: a channel's timed job fires, the real composer builds its
briefing from a SQLite store, the real Slack adapter posts it to the fake Slack, and the
ledger records it once.

Scenario (7-day window, as of Monday 2026-04-13; current = Apr 6-12, prior = Mar 30-Apr 5):
acme/rocket    10/day through Apr 7, 40 on Apr 8 and 9, 20 on Apr 10-12: current
               2x10 + 2x40 + 3x20 = 160 (22.857/day); prior 7x10 = 70 (10.0/day);
               +12.857/day, +128.6%.
acme/slowpoke  30/day Mar 30-Apr 5, 15/day Apr 6-12: current 105 (15.0/day), prior 210
               (30.0/day); -15.0/day, -50%.
List: (160 + 105)/7 = 37.857/day from (70 + 210)/7 = 40.0/day.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from adapters.slack.app import SlackAdapter
from bot.app.runtime import open_services
from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.settings import Settings
from bot.core.store import Store
from bot.testing.fake_slack import FakeSlack
from tests.support import Clock

ROCKET, SLOWPOKE = RepoRef("acme", "rocket"), RepoRef("acme", "slowpoke")
WRITTEN = datetime(2026, 4, 13, 6, tzinfo=UTC)
DUE = datetime(2026, 4, 13, 9, tzinfo=UTC)  # Monday 09:00 UTC: the default schedule


def days(first: date, last: date, stars: int) -> dict[date, int]:
    return {first + timedelta(n): stars for n in range((last - first).days + 1)}


async def seed(store: Store, key: ChannelKey) -> None:
    # The list is made on Friday: last Monday's briefing was never owed.
    await store.add_to_watch_list(key, [ROCKET, SLOWPOKE], "U1", datetime(2026, 4, 10,
                                                                            tzinfo=UTC), cap=10)
    rocket, slowpoke = await store.find_repo(ROCKET), await store.find_repo(SLOWPOKE)
    assert rocket is not None
    assert slowpoke is not None
    rocket_days = days(date(2026, 1, 1), date(2026, 4, 7), 10)
    rocket_days |= days(date(2026, 4, 8), date(2026, 4, 9), 40)
    rocket_days |= days(date(2026, 4, 10), date(2026, 4, 12), 20)
    await store.put_daily_stars(rocket.id, rocket_days, WRITTEN)
    slowpoke_days = days(date(2026, 1, 1), date(2026, 3, 29), 20)
    slowpoke_days |= days(date(2026, 3, 30), date(2026, 4, 5), 30)
    slowpoke_days |= days(date(2026, 4, 6), date(2026, 4, 12), 15)
    await store.put_daily_stars(slowpoke.id, slowpoke_days, WRITTEN)


def slack_settings(slack: FakeSlack, folder: Path, **more: str | float) -> Settings:
    """Slack on the fake, a SQLite file in ``folder``, and a GitHub that never answers (the
    store holds the scenario's figures)."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None, DATABASE_URL=f"sqlite:///{folder / 'm.db'}",
        SLACK_BOT_TOKEN=slack.bot_token, SLACK_SIGNING_SECRET="s",
        SLACK_API_URL=slack.api_url, PORT=0, GITHUB_API_URL="http://127.0.0.1:9",
        GITHUB_GRAPHQL_URL="http://127.0.0.1:9/graphql", **more,
    )


async def test_a_due_schedule_fires_composes_from_the_store_and_posts_once(
    tmp_path: Path,
) -> None:
    clock = Clock(DUE - timedelta(minutes=1))
    async with FakeSlack() as slack:
        key = ChannelKey("slack", slack.team_id, "C_TEAM")
        settings = slack_settings(slack, tmp_path)
        async with open_services(settings, clock=clock) as services:
            await seed(services.store, key)
            adapter = SlackAdapter(settings, services.router, services.store, host="127.0.0.1")
            await adapter.start()
            scheduler = services.scheduler([adapter])
            try:
                await scheduler.start()  # catch-up at 08:59: nothing is due yet
                assert slack.posted == []
                clock.now = DUE + timedelta(seconds=5)
                # The channel's own job, fired by APScheduler now rather than at the next
                # real Monday 09:00 (the bot's clock says it is that time).
                job = scheduler._scheduler.get_job(f"briefing:{key}")
                job.modify(next_run_time=datetime.now(UTC))
                posted = await slack.wait_for("chat.postMessage", within=20)
                for _ in range(200):
                    delivery = await services.store.get_delivery(key, "2026-W16")
                    if delivery is not None and delivery.status == "done":
                        break
                    await asyncio.sleep(0.05)
                # Firing again, and the sweep, post nothing more.
                assert await scheduler._deliveries.fire(key) == "taken"
                await scheduler._deliveries.take_over_stale()
            finally:
                await scheduler.shutdown()
                await adapter.close()
    assert delivery is not None
    # The fake's first message ts; the one post, recorded once.
    assert (delivery.status, delivery.message_id) == ("done", "1700000000.000001")
    assert len(slack.posted) == 1
    assert posted[0].params["channel"] == "C_TEAM"
    assert posted[0].params["blocks"][0]["text"]["text"] == (
        "Momentum briefing: the 7 days to Apr 12"
    )
    text = posted[0].params["text"]
    # 37.857 from 40.0 a day: down 2.143 (-5.4%); rocket 22.857 from 10 (+128.6%), slowpoke
    # 15 from 30 (-50%), shown to two significant figures.
    assert "gained 38 stars/day this week, down 2.1 stars/day (-5%)" in text
    assert "acme/rocket: 23 stars/day, up from 10 (+129%" in text
    assert "acme/slowpoke: 15 stars/day, down from 30 (-50%" in text
    # Both repos moved, so the chart of the movers is in the same message: Slack draws it
    # (data_visualization), one line a repo, and no file is uploaded.
    [chart] = [b for b in posted[0].params["blocks"] if b["type"] == "data_visualization"]
    assert {line["name"] for line in chart["chart"]["series"]} == {"acme/rocket", "acme/slowpoke"}
    assert slack.calls_to("files.completeUploadExternal") == []
