"""APScheduler jobs follow the channels table: added, retimed and removed by sync()."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from adapters.console import CONSOLE_CHANNEL, ConsoleAdapter
from bot.app.runtime import open_services
from bot.core.command import ChannelKey
from bot.core.message import Message
from bot.core.repo_ref import RepoRef
from bot.core.schedule import Schedule
from bot.core.settings import Settings
from bot.core.store import ChannelRecord, ChannelSettings, Store
from bot.jobs.delivery import Deliverer
from bot.jobs.scheduler import BriefingScheduler, Periodic
from tests.support import Clock

LONDON = ChannelKey("slack", "T1", "LDN")
SYDNEY = ChannelKey("discord", "G1", "SYD")


class Silent:
    async def send(self, channel: ChannelKey, message: Message) -> str | None:
        raise AssertionError("a paused scheduler posts nothing")


async def test_jobs_follow_the_channels_table(store: Store) -> None:
    now = datetime.now(UTC)
    for key in (LONDON, SYDNEY):
        await store.add_to_watch_list(key, [RepoRef("a", "b")], "U1", now, cap=10)
    await store.save_channel_settings(LONDON, ChannelSettings(timezone="Europe/London"))
    await store.save_channel_settings(
        SYDNEY, ChannelSettings(timezone="Australia/Sydney", schedule="daily",
                                schedule_time="07:00")
    )

    async def nothing(channel: ChannelRecord, as_of: object) -> Message | None:
        return None

    deliverer = Deliverer(store, {"slack": Silent(), "discord": Silent()}, nothing,
                          default_timezone="UTC", instance="t", clock=Clock(now))
    scheduler = BriefingScheduler(deliverer)
    await scheduler.start(paused=True)
    try:
        for key in (LONDON, SYDNEY):
            channel = await store.get_channel(key)
            assert channel is not None
            expected = Schedule.of(channel.settings, "UTC").next_run(now)
            assert scheduler.next_fire(key) == expected

        await store.save_channel_settings(
            LONDON, ChannelSettings(timezone="Asia/Kolkata", schedule_weekday=4,
                                    schedule_time="17:45")
        )
        await store.save_channel_settings(SYDNEY, ChannelSettings(schedule="off"))
        await scheduler.sync()
        moved = scheduler.next_fire(LONDON)
        assert moved is not None
        local = moved.astimezone(ZoneInfo("Asia/Kolkata"))
        assert (local.weekday(), local.hour, local.minute) == (4, 17, 45)
        assert scheduler.next_fire(SYDNEY) is None
    finally:
        await scheduler.shutdown()


async def test_periodic_work_runs_at_start_on_the_event_loop(store: Store) -> None:
    ran = asyncio.Event()

    async def refresh(note: str) -> None:
        assert note == "collect"
        ran.set()

    async def nothing(channel: ChannelRecord, as_of: object) -> Message | None:
        return None

    deliverer = Deliverer(store, {}, nothing, default_timezone="UTC", instance="t",
                          clock=Clock(datetime.now(UTC)))
    scheduler = BriefingScheduler(
        deliverer, periodic=[Periodic("collect", timedelta(hours=6), partial(refresh, "collect"))]
    )
    await scheduler.start()
    try:
        async with asyncio.timeout(5):
            await ran.wait()
    finally:
        await scheduler.shutdown()


async def test_a_schedule_set_at_the_console_for_the_coming_minute_is_timed_at_once(
    tmp_path: Path,
) -> None:
    # The case: at 22:38:46, "daily 22:39" waited for the next minute's sync,
    # which came after 22:39, so nothing was posted that day.
    settings = Settings(
        _env_file=None, DATABASE_URL=f"sqlite:///{tmp_path / 'm.db'}",
        GITHUB_API_URL="http://127.0.0.1:9",
    )
    async with open_services(settings) as services:
        added = datetime.now(UTC) - timedelta(days=1)
        await services.store.add_to_watch_list(CONSOLE_CHANNEL, [RepoRef("a", "b")], "me",
                                               added, cap=10)
        now = datetime.now(UTC)
        if now.second >= 55:  # leave the command a few seconds before the minute turns
            await asyncio.sleep(61 - now.second)
            now = datetime.now(UTC)
        coming = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
        out = io.StringIO()
        console = ConsoleAdapter(
            services.router, stdin=io.StringIO(f"/momentum schedule daily {coming:%H:%M} UTC\n"),
            stdout=out,
        )
        scheduler = services.scheduler([console])
        await scheduler.start(paused=True)  # timed as in `momentum run`, nothing fired
        try:
            await console.serve()
            assert scheduler.next_fire(CONSOLE_CHANNEL) == coming
        finally:
            await scheduler.shutdown()
    assert f"daily at {coming:%H:%M} UTC" in out.getvalue()
