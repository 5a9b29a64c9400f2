from datetime import UTC, datetime

import pytest

from bot.core.schedule import Schedule, ScheduleError, parse_schedule
from bot.core.store import ChannelSettings

DEFAULT = ChannelSettings()


def test_parsing_schedules() -> None:
    weekly = parse_schedule(["weekly", "Tue", "8:05", "Europe/Berlin"], DEFAULT)
    assert (weekly.schedule, weekly.schedule_weekday, weekly.schedule_time, weekly.timezone) == (
        "weekly", 1, "08:05", "Europe/Berlin"
    )
    daily = parse_schedule(["daily", "17:30"], weekly)
    assert (daily.schedule, daily.schedule_time, daily.timezone) == (
        "daily", "17:30", "Europe/Berlin"
    )
    off = parse_schedule(["OFF"], daily)
    assert off.schedule == "off"
    assert off.schedule_time == "17:30"


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ([], "say weekly, daily or off"),
        (["hourly"], "'hourly' is not weekly, daily or off"),
        (["weekly", "funday", "09:00"], "'funday' is not a day of the week"),
        (["weekly", "t", "09:00"], "'t' is not a day of the week"),
        (["weekly", "monday", "9am"], "'9am' is not a time of day"),
        (["daily", "24:00"], "'24:00' is not a time of day"),
        (["daily", "09:00", "Mars/Olympus"], "'Mars/Olympus' is not an IANA time zone"),
        (["weekly", "monday"], "weekly needs a day and a time"),
        (["off", "now"], "'off' takes nothing after it"),
    ],
)
def test_bad_schedules_say_why(words: list[str], message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        parse_schedule(words, DEFAULT)


def test_nine_oclock_stays_nine_oclock_across_dst() -> None:
    # New York moves to daylight time on Sunday 2026-03-08: 09:00 EST is 14:00 UTC,
    # 09:00 EDT is 13:00 UTC.
    schedule = Schedule("weekly", 0, "09:00", "America/New_York")
    first = schedule.next_run(datetime(2026, 3, 1, tzinfo=UTC))
    assert first == datetime(2026, 3, 2, 14, tzinfo=UTC)
    assert first is not None
    second = schedule.next_run(first)
    assert second == datetime(2026, 3, 9, 13, tzinfo=UTC)
    # Berlin moves on Sunday 2026-03-29: 09:00 CET is 08:00 UTC, CEST 07:00 UTC.
    daily = Schedule("daily", 0, "09:00", "Europe/Berlin")
    assert daily.next_run(datetime(2026, 3, 28, 12, tzinfo=UTC)) == datetime(
        2026, 3, 29, 7, tzinfo=UTC
    )
    assert daily.last_run(datetime(2026, 3, 29, 6, 59, tzinfo=UTC)) == datetime(
        2026, 3, 28, 8, tzinfo=UTC
    )


def test_periods_are_local_weeks_and_days() -> None:
    # Monday 09:00 in Auckland (NZDT, +13) is Sunday 20:00 UTC: the period is Auckland's.
    auckland = Schedule("weekly", 0, "09:00", "Pacific/Auckland")
    run = auckland.next_run(datetime(2026, 1, 10, tzinfo=UTC))
    assert run == datetime(2026, 1, 11, 20, tzinfo=UTC)
    assert auckland.period(run) == "2026-W03"
    daily = Schedule("daily", 0, "09:00", "Pacific/Auckland")
    assert daily.period(run) == "2026-01-12"
    assert Schedule("off", 0, "09:00", "UTC").next_run(run) is None


def test_descriptions() -> None:
    assert Schedule("weekly", 0, "09:00", "UTC").describe() == "weekly on Monday at 09:00 UTC"
    assert Schedule("daily", 0, "07:30", "Asia/Tokyo").describe() == "daily at 07:30 Asia/Tokyo"
    assert Schedule("off", 0, "09:00", "UTC").describe() == "off"
