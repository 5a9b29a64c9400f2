"""Dates typed on the command line: ``--as-of``, ``--from``, ``--to``."""

from __future__ import annotations

from datetime import date

# GitHub opened in 2008: no star is older.
EARLIEST = date(2008, 1, 1)


def day_option(option: str, text: str, today: date) -> date:
    """The date ``text`` names, from EARLIEST to ``today``; ValueError with one line that
    says what is wrong (the calendar arithmetic past either end overflows, and says
    nothing a person can act on)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{option} {text!r} is not a date like 2026-04-13") from None
    if not EARLIEST <= day <= today:
        raise ValueError(
            f"{option} {day} is outside {EARLIEST} to today ({today}): only days GitHub "
            "has reported can be looked at"
        )
    return day
