"""When a channel's briefing is due: parsing schedules, next runs, and period keys.

APScheduler's cron trigger does the calendar arithmetic (time zones, DST), so the times
shown to people and the times jobs fire come from one place.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.core.command import ChannelKey
from bot.core.store import ChannelSettings, ScheduleKind, Store
from bot.core.timezones import is_time_zone

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


class ScheduleError(ValueError):
    """Words that do not describe a schedule; the message says what was wrong."""


@dataclass(frozen=True, slots=True)
class Schedule:
    kind: ScheduleKind
    weekday: int  # Monday = 0; only for weekly
    time: str  # "HH:MM", local
    timezone: str

    @classmethod
    def of(cls, settings: ChannelSettings, default_timezone: str) -> Schedule:
        return cls(
            settings.schedule,
            settings.schedule_weekday,
            settings.schedule_time,
            settings.timezone or default_timezone,
        )

    def trigger(self) -> CronTrigger:
        return _trigger(self.weekday if self.kind == "weekly" else None, self.time, self.timezone)

    def next_run(self, after: datetime) -> datetime | None:
        """The first run strictly after ``after``; None when the schedule is off."""
        if self.kind == "off":
            return None
        fire: datetime | None = self.trigger().get_next_fire_time(
            None, after + timedelta(microseconds=1)
        )
        return fire

    def last_run(self, at_or_before: datetime) -> datetime | None:
        """The latest run at or before the moment (looking back at most eight days)."""
        if self.kind == "off":
            return None
        # Runs fall on whole minutes, so the answer is the same for the whole minute, and
        # most channels share a few schedules: a start-up asks this of every channel.
        minute = at_or_before.replace(second=0, microsecond=0)
        return _last_run(self, minute)

    def period(self, run: datetime) -> str:
        """The key of the period a run delivers: an ISO week or a date, in local time."""
        local = run.astimezone(ZoneInfo(self.timezone))
        if self.kind == "weekly":
            year, week, _ = local.isocalendar()
            return f"{year}-W{week:02d}"
        return local.date().isoformat()

    def describe(self) -> str:
        if self.kind == "off":
            return "off"
        when = f"at {self.time} {self.timezone}"
        if self.kind == "daily":
            return f"daily {when}"
        return f"weekly on {WEEKDAYS[self.weekday].capitalize()} {when}"


@functools.lru_cache(maxsize=1024)
def _trigger(weekday: int | None, time: str, timezone: str) -> CronTrigger:
    """One trigger per distinct schedule (most channels share a few): building one is most
    of the cost of timing a channel. ``weekday`` None: every day."""
    hour, minute = (int(part) for part in time.split(":"))
    day = "*" if weekday is None else _CRON_DAYS[weekday]
    return CronTrigger(day_of_week=day, hour=hour, minute=minute, timezone=ZoneInfo(timezone))


@functools.lru_cache(maxsize=4096)
def _last_run(schedule: Schedule, at_or_before: datetime) -> datetime | None:
    # Far enough back to hold one run (a week, or a day, and a DST shift).
    back = timedelta(days=8 if schedule.kind == "weekly" else 2)
    run = schedule.next_run(at_or_before - back)
    last = None
    while run is not None and run <= at_or_before:
        last = run
        run = schedule.next_run(run)
    return last


class ScheduleChanges:
    """Tells this process's scheduler that a channel's schedule changed, so the change
    times its job at once (a briefing set for the coming minute is not missed); other
    instances see it at their next sync with the channels table."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[ChannelKey], Awaitable[None]]] = []

    def subscribe(self, listener: Callable[[ChannelKey], Awaitable[None]]) -> None:
        self._listeners.append(listener)

    async def changed(self, store: Store, key: ChannelKey, at: datetime) -> None:
        await store.set_state(_set_at_key(key), at.isoformat(), at)
        for listener in self._listeners:
            await listener(key)


async def schedule_set_at(store: Store, key: ChannelKey) -> datetime | None:
    """When the channel's schedule was last set (None: never, since this was recorded):
    periods due before then were never owed."""
    text = await store.get_state(_set_at_key(key))
    return None if text is None else datetime.fromisoformat(text)


def _set_at_key(key: ChannelKey) -> str:
    return f"schedule-set:{key}"


def parse_schedule(words: list[str], current: ChannelSettings) -> ChannelSettings:
    """``weekly <day> <HH:MM> [tz]``, ``daily <HH:MM> [tz]`` or ``off`` as settings."""
    if not words:
        raise ScheduleError("say weekly, daily or off")
    kind, rest = words[0].lower(), words[1:]
    if kind == "off":
        if rest:
            raise ScheduleError("'off' takes nothing after it")
        return _replace(current, schedule="off")
    if kind == "weekly":
        if len(rest) not in (2, 3):
            raise ScheduleError("weekly needs a day and a time, e.g. weekly monday 09:00")
        weekday = parse_weekday(rest[0])
        time = parse_time(rest[1])
        zone = parse_timezone(rest[2]) if len(rest) == 3 else current.timezone
        return _replace(current, schedule="weekly", weekday=weekday, time=time, zone=zone)
    if kind == "daily":
        if len(rest) not in (1, 2):
            raise ScheduleError("daily needs a time, e.g. daily 08:30")
        time = parse_time(rest[0])
        zone = parse_timezone(rest[1]) if len(rest) == 2 else current.timezone
        return _replace(current, schedule="daily", time=time, zone=zone)
    raise ScheduleError(f"'{words[0]}' is not weekly, daily or off")


def parse_weekday(word: str) -> int:
    lowered = word.lower()
    matches = [n for n, day in enumerate(WEEKDAYS) if len(lowered) >= 3 and day.startswith(lowered)]
    if len(matches) != 1:
        raise ScheduleError(f"'{word}' is not a day of the week (monday … sunday, or mon … sun)")
    return matches[0]


def parse_time(word: str) -> str:
    match = _TIME.fullmatch(word)
    if not match:
        raise ScheduleError(f"'{word}' is not a time of day like 09:00 (24-hour clock)")
    return f"{int(match[1]):02d}:{match[2]}"


def parse_timezone(word: str) -> str:
    if not is_time_zone(word):
        shown = word if len(word) <= 40 else word[:40] + "…"
        raise ScheduleError(
            f"'{shown}' is not an IANA time zone name, such as Europe/Berlin or America/New_York"
        )
    return word


def _replace(
    current: ChannelSettings,
    *,
    schedule: ScheduleKind,
    weekday: int | None = None,
    time: str | None = None,
    zone: str | None = None,
) -> ChannelSettings:
    return ChannelSettings(
        window_days=current.window_days,
        timezone=zone if zone is not None else current.timezone,
        schedule=schedule,
        schedule_weekday=weekday if weekday is not None else current.schedule_weekday,
        schedule_time=time if time is not None else current.schedule_time,
    )
