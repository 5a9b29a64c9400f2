"""Pages of ``GET /repos/{owner}/{repo}/stargazers/history``, checked before use.

A page is a list of weeks, newest first: ``{"week": <unix Sunday 00:00 UTC>, "total": n,
"days": [7 counts, Sunday first]}``. Counts are stars still present, bucketed by the day
they were given; GitHub does not promise its day boundaries are UTC midnights, but every
week start seen so far is, so buckets are read as UTC dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from pydantic import ValidationError

from bot.clients.github import wire
from bot.clients.github.errors import InvalidHistory
from bot.core.repo_ref import RepoRef

MAX_PAGE = 100
PER_PAGE = 30
_SUNDAY = 6


@dataclass(frozen=True, slots=True)
class Week:
    start: date  # a Sunday
    days: tuple[int, int, int, int, int, int, int]

    @property
    def total(self) -> int:
        return sum(self.days)

    def dated(self) -> Iterable[tuple[date, int]]:
        return ((self.start + timedelta(days=offset), n) for offset, n in enumerate(self.days))


@dataclass(frozen=True, slots=True)
class StarHistory:
    """Consecutive weeks of a repository's stars, newest first."""

    ref: RepoRef
    weeks: tuple[Week, ...]
    pages: int
    complete: bool  # True when the weeks reach back to the repository's creation
    moved: bool = False  # GitHub redirected: the repository was renamed or transferred

    def daily(self, *, until: date, since: date | None = None) -> dict[date, int]:
        """Each day's count for ``since <= day <= until``; days after ``until`` are ones
        GitHub fills with 0 because they have not happened yet, and are left out."""
        return {
            day: count
            for week in self.weeks
            for day, count in week.dated()
            if day <= until and (since is None or day >= since)
        }


def parse_page(ref: RepoRef | None, content: bytes) -> list[Week]:
    """The weeks of one page (its JSON text); :class:`InvalidHistory` if any is malformed."""
    try:
        page = wire.HISTORY_PAGE.validate_json(content)
    except ValidationError as error:
        raise InvalidHistory(ref, wire.reason(error)) from None
    weeks = [_week(ref, item) for item in page]
    for newer, older in pairwise(weeks):
        if newer.start - older.start != timedelta(days=7):
            raise InvalidHistory(ref, f"weeks {older.start} and {newer.start} do not follow")
    return weeks


def _week(ref: RepoRef | None, item: wire.HistoryWeek) -> Week:
    start = datetime.fromtimestamp(item.week, UTC)
    if start.weekday() != _SUNDAY or start.time() != datetime.min.time():
        raise InvalidHistory(ref, f"week {start.isoformat()} does not start on Sunday 00:00 UTC")
    days = item.days
    if sum(days) != item.total:
        raise InvalidHistory(ref, f"week {start.date()} totals {item.total}, its days {sum(days)}")
    return Week(start.date(), (days[0], days[1], days[2], days[3], days[4], days[5], days[6]))


def merge_pages(ref: RepoRef | None, pages: Sequence[Sequence[Week]]) -> tuple[Week, ...]:
    """One run of weeks from several pages, newest first.

    Pages shift by one week when a new week starts between two requests, so a week can
    come twice: the later report wins. A gap means pages were lost, and is an error.
    """
    by_start: dict[date, Week] = {}
    for page in pages:
        for week in page:
            by_start[week.start] = week
    weeks = tuple(sorted(by_start.values(), key=lambda week: week.start, reverse=True))
    for newer, older in pairwise(weeks):
        if newer.start - older.start != timedelta(days=7):
            raise InvalidHistory(ref, f"weeks between {older.start} and {newer.start} are missing")
    return weeks


def week_of(moment: datetime | date) -> date:
    """The Sunday starting the UTC week that holds ``moment``."""
    day = moment.astimezone(UTC).date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=(day.weekday() + 1) % 7)
