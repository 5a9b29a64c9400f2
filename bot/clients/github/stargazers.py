"""Pages of ``GET /repos/{owner}/{repo}/stargazers`` with ``starred_at`` timestamps.

The list is closed to all but a repository's admins and collaborators. It runs oldest
first, so the newest stars are on the last pages: a reader walks back from the last page
until it reaches the moment it needs, and counts stars by the hour or by the UTC day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from pydantic import ValidationError

from bot.clients.github import wire
from bot.clients.github.errors import UnexpectedResponse
from bot.core.repo_ref import RepoRef

ACCEPT = "application/vnd.github.star+json"  # adds ``starred_at`` to each stargazer
PER_PAGE = 100
HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Stargazers:
    """When each star still present was given, oldest first.

    ``known_after`` is None when the whole list was read; otherwise every star given
    after that moment is in ``times`` (and some earlier ones may be), so only hours and
    days that start after it are counted.
    """

    ref: RepoRef
    times: tuple[datetime, ...]
    known_after: datetime | None
    pages: int

    def _covers(self, start: datetime) -> bool:
        return self.known_after is None or start > self.known_after

    def hourly(self, start: datetime, end: datetime) -> dict[datetime, int]:
        """Stars given in each whole UTC hour from ``start`` to ``end`` (both on the
        hour), keyed by the hour's start, for the hours the list covers."""
        counts = Counter(floor_hour(moment) for moment in self.times if start <= moment < end)
        hours = (start + HOUR * n for n in range(int((end - start) / HOUR)))
        return {hour: counts[hour] for hour in hours if self._covers(hour)}

    def daily(self, since: date, until: date) -> dict[date, int]:
        """Stars given on each UTC day ``since <= day <= until``, for the days covered."""
        counts = Counter(moment.date() for moment in self.times)
        days = (since + timedelta(days=n) for n in range((until - since).days + 1))
        return {
            day: counts[day]
            for day in days
            if self._covers(datetime.combine(day, time(), UTC))
        }


def floor_hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def parse_page(ref: RepoRef, content: bytes) -> list[tuple[str, datetime]]:
    """(who, when) for each stargazer on a page (its JSON text)."""
    try:
        page = wire.STARGAZER_PAGE.validate_json(content)
    except ValidationError as error:
        # Without the star media type GitHub lists users alone, without ``starred_at``.
        raise UnexpectedResponse(
            200, f"the stargazers of {ref} are malformed: {wire.reason(error)}"
        ) from None
    found = []
    for index, item in enumerate(page):
        user = item.user
        who = (user.id or user.login) if user is not None else None
        # Nameless stargazers cannot be told apart across pages; never merge them.
        key = f"?{id(page)}:{index}" if who is None else str(who)
        found.append((key, item.starred_at.astimezone(UTC)))
    return found


def merge(pages: Iterable[list[tuple[str, datetime]]]) -> tuple[datetime, ...]:
    """One list from pages read at slightly different moments: a star that arrived
    between two reads shifts the list, so a stargazer may be seen twice."""
    seen: dict[tuple[str, datetime], None] = {}
    for page in pages:
        for star in page:
            seen[star] = None
    return tuple(sorted(moment for _, moment in seen))
