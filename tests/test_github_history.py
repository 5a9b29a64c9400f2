"""Star-history pages are checked week by week before anything of them is used."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from bot.clients.github.errors import InvalidHistory
from bot.clients.github.history import Week, merge_pages, parse_page

SUNDAY = datetime(2026, 11, 22, tzinfo=UTC)  # a Sunday
WEEK = 7 * 86_400


def page(*weeks: object) -> bytes:
    return json.dumps(list(weeks)).encode()


def week(start: int, days: list[int], total: int | None = None) -> dict[str, object]:
    return {"week": start, "total": sum(days) if total is None else total, "days": days}


def test_a_valid_page_is_read_newest_first() -> None:
    start = int(SUNDAY.timestamp())
    weeks = parse_page(None, page(week(start, [1, 2, 3, 0, 0, 0, 0]), week(start - WEEK, [0] * 7)))
    assert weeks == [
        Week(date(2026, 11, 22), (1, 2, 3, 0, 0, 0, 0)),
        Week(date(2026, 11, 15), (0, 0, 0, 0, 0, 0, 0)),
    ]
    assert dict(weeks[0].dated())[date(2026, 11, 24)] == 3


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (week(int(SUNDAY.timestamp()), [1, 2, 3, 4, 5, 6]), "days: List should have at least 7"),
        (week(int(SUNDAY.timestamp()), [1, -1, 0, 0, 0, 0, 0]), "days.1: Input should be greater"),
        (week(int(SUNDAY.timestamp()), [1, 1, 0, 0, 0, 0, 0], total=3), "totals 3"),
        (week(int(SUNDAY.timestamp()) + 86_400, [0] * 7), "Sunday"),
        (week(int(SUNDAY.timestamp()) + 3_600, [0] * 7), "Sunday"),
        (week(int(SUNDAY.timestamp()), [True, 0, 0, 0, 0, 0, 0]), "days.0: Input should"),
        ({"week": int(SUNDAY.timestamp()), "days": [0] * 7}, "total: Field required"),
        ("week", "0: Input should be an object"),
        # Timestamps no datetime can hold, either way (issue 15: OverflowError, ValueError).
        (week(10**20, [0] * 7), "week: Input should be less than or equal"),
        (week(-(10**13), [0] * 7), "week: Input should be greater than or equal"),
    ],
)
def test_a_malformed_week_spoils_the_page(item: object, reason: str) -> None:
    with pytest.raises(InvalidHistory, match=reason):
        parse_page(None, page(item))


def test_weeks_on_a_page_must_follow_each_other() -> None:
    start = int(SUNDAY.timestamp())
    with pytest.raises(InvalidHistory, match="do not follow"):
        parse_page(None, page(week(start, [0] * 7), week(start - 2 * WEEK, [0] * 7)))


def test_pages_shifted_by_a_new_week_are_deduplicated_later_report_winning() -> None:
    first = [Week(date(2026, 11, 22), (1,) * 7), Week(date(2026, 11, 15), (2,) * 7)]
    # Fetched after a new week began: page 2 starts with page 1's last week, revised.
    second = [Week(date(2026, 11, 15), (3,) * 7), Week(date(2026, 11, 8), (4,) * 7)]
    merged = merge_pages(None, [first, second])
    assert [w.start for w in merged] == [date(2026, 11, 22), date(2026, 11, 15), date(2026, 11, 8)]
    assert merged[1].days == (3,) * 7


def test_a_gap_between_pages_is_an_error() -> None:
    first = [Week(date(2026, 11, 22), (0,) * 7)]
    third = [Week(date(2026, 11, 8), (0,) * 7)]
    with pytest.raises(InvalidHistory, match="missing"):
        merge_pages(None, [first, third])
