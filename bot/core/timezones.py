"""Which words name a time zone: the one check behind schedules and ``MOMENTUM_TIMEZONE``."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones


@cache
def _known() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA zone such as ``Europe/Berlin``.

    Checked against the zone list rather than by opening ``ZoneInfo(name)``: that reads a
    file named by the caller's word, and a folder (``America``), an over-long name or a
    stray file in the database raises errors other than "not found".
    """
    return name in _known()
