"""How numbers and dates read in replies, the same on every platform."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

_BARS = "▁▂▃▄▅▆▇█"


def count(value: int) -> str:
    return f"{value:,}"


def rate(value: float) -> str:
    """Stars per day, one decimal: ``27.3/day``."""
    return f"{value:,.1f}/day"


def signed(value: float) -> str:
    """A change in stars per day with its sign: ``+5.0``, ``-11.6``, ``±0.0``."""
    if round(value, 1) == 0:
        return "±0.0"
    return f"{value:+,.1f}"


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.0f}%"


def day(value: date) -> str:
    """``Apr 8``."""
    return f"{value:%b} {value.day}"


def local_time(moment: datetime, zone: str) -> str:
    """A moment in a channel's time zone: ``Mon Apr 13, 09:00 Europe/Berlin``."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%a} {day(local.date())}, {local:%H:%M} {zone}"


def plural(number: int, word: str, words: str | None = None) -> str:
    return f"{number} {word if number == 1 else (words or word + 's')}"


def sparkline(values: Sequence[int]) -> str:
    """One block character per value, scaled from the smallest to the largest."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return _BARS[0] * len(values)
    scale = (len(_BARS) - 1) / (high - low)
    return "".join(_BARS[round((value - low) * scale)] for value in values)


def figure(value: float) -> str:
    """A rate as precise as a reader needs: whole from 10 up (``230``), tenths below
    (``3.6``)."""
    return f"{value:,.0f}" if abs(value) >= 9.95 else f"{value:.1f}"


def stars_per_day(value: float) -> str:
    """``230 stars/day``."""
    return f"{figure(value)} stars/day"

