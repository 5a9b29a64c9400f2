"""How a repo's last 24 hours compare with its usual day, from GitHub's daily counts.

GitHub counts stars per UTC day, so the 24 hours before ``at`` (the moment GitHub last
reported) hold all of ``at``'s day so far and the share of the day before that falls
inside them, taking that day's stars as spread evenly over it (as ``bot.features.briefing.lift``
does). The usual day is the average of the 28 whole days before those two.

For a repository whose stargazer list the token may read, the collector stores real
hourly counts: :func:`with_hours` replaces the estimate with the 24 whole hours before the
last full hour.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from bot.core.store import AlertSettings

BASELINE_DAYS = 28
# Fewer known days than this make too shaky an average to alert against.
MIN_BASELINE_DAYS = 7


@dataclass(frozen=True, slots=True)
class Reading:
    at: datetime  # when the 24 hours end
    last_24h: float
    baseline: float  # stars per day over the 28 days before
    hourly: bool = False  # counted hour by hour, not estimated from daily counts

    def spiking(self, settings: AlertSettings) -> bool:
        return self.last_24h >= settings.floor and self.last_24h > settings.factor * self.baseline

    @property
    def ratio(self) -> float | None:
        return None if self.baseline <= 0 else self.last_24h / self.baseline


def last_24_hours(daily: Mapping[date, int], at: datetime) -> float:
    at = at.astimezone(UTC)
    today = at.date()
    elapsed = (at - datetime.combine(today, datetime.min.time(), UTC)).total_seconds()
    share_of_yesterday = 1 - elapsed / 86_400
    return daily.get(today, 0) + daily.get(today - timedelta(days=1), 0) * share_of_yesterday


def read(daily: Mapping[date, int], at: datetime, created: date | None) -> Reading | None:
    """The reading, or None when too few usual days are known (a brand-new repo's are
    its first days, counted from its creation)."""
    # The 28 days before the two that the 24 hours touch.
    first = at.astimezone(UTC).date() - timedelta(days=1 + BASELINE_DAYS)
    days = [first + timedelta(days=n) for n in range(BASELINE_DAYS)]
    usual = [day for day in days if day in daily and (created is None or day >= created)]
    if len(usual) < MIN_BASELINE_DAYS:
        return None
    baseline = sum(daily[day] for day in usual) / len(usual)
    return Reading(at, last_24_hours(daily, at), baseline)


def with_hours(reading: Reading, hours: Mapping[datetime, int], end: datetime) -> Reading:
    """The reading with its 24 hours counted from ``hours`` (keyed by each hour's start)
    when all 24 hours before ``end`` are there; as it was otherwise."""
    wanted = [end - timedelta(hours=n) for n in range(24, 0, -1)]
    if any(hour not in hours for hour in wanted):
        return reading
    return replace(reading, at=end, last_24h=float(sum(hours[h] for h in wanted)), hourly=True)
