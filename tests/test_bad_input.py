"""Inputs that used to reach "Something went wrong on our side" (or a traceback): each gets
a clear message and changes nothing. Real processes, a real database file."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.testing import FakeGitHub, ScenarioRepo
from tests.test_console import momentum

LONG_ZONE = "Europe/" + "x" * 293  # 300 characters: too long for a file name


def state(database: Path) -> list[tuple[object, ...]]:
    """Everything a command could change: lists, channels and their schedules, audit."""
    with sqlite3.connect(database) as raw:
        return [
            row
            for table in ("watch_list", "channels", "watch_audit", "repos")
            for row in raw.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
        ]


@pytest.fixture
async def github() -> AsyncIterator[FakeGitHub]:
    """Two repos; vllm-project/vllm went from 10 to 100 stars a day a week ago, so the
    briefing has a mover and draws a chart."""
    created = datetime.now(UTC) - timedelta(days=60)
    repos = [
        ScenarioRepo.with_daily("vllm-project/vllm", 1, created, [10] * 54 + [100] * 7),
        ScenarioRepo.with_daily("ollama/ollama", 2, created, [50] * 61),
    ]
    async with FakeGitHub(repos) as fake:
        yield fake


@pytest.fixture
async def listed(tmp_path: Path, github: FakeGitHub) -> Path:
    """A channel watching two repos, collected, on a daily 08:30 Berlin schedule."""
    setup = "watch add vllm-project/vllm ollama/ollama\nschedule daily 08:30 Europe/Berlin\n"
    result = await momentum(["console"], setup, tmp_path, github)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return tmp_path


# Each command, and what its reply must say.
CHAT_INPUTS = [
    ("schedule weekly monday 09:00 America", "'America' is not an IANA time zone name"),
    ("schedule daily 09:00 Etc", "'Etc' is not an IANA time zone name"),
    ("schedule daily 09:00 America/Argentina", "'America/Argentina' is not an IANA time zone"),
    (f"schedule daily 09:00 {LONG_ZONE}", f"'{LONG_ZONE[:40]}…' is not an IANA time zone name"),
    ("repo https://[::1/a/b", "'https://[::1/a/b' is not a GitHub repository: it is not a"),
    ("watch add github.com]/a/b", "'github.com]/a/b' is not a GitHub repository: it is not"),
    ("radar add ²", "There is no radar repo ²"),
]

BRIEFING_OPTIONS = [
    (["--as-of", "9999-12-31"], "--as-of 9999-12-31 is outside 2008-01-01 to today ("),
    (["--as-of", "0001-01-01"], "--as-of 0001-01-01 is outside 2008-01-01 to today ("),
    (["--chart", "."], "is a directory; name a file in it, such as"),
    (["--chart", "no/such/dir/c.png"], "--chart no/such/dir/c.png: there is no directory"),
    # Not even root may create a file in sysfs.
    (["--chart", "/sys/momentum-chart.png"], "cannot write the chart to /sys/momentum-"),
]


async def test_bad_chat_input_is_refused_in_one_message(listed: Path, github: FakeGitHub) -> None:
    before = state(listed / "momentum.db")
    script = "".join(command + "\n" for command, _ in CHAT_INPUTS)
    result = await momentum(["console"], script, listed, github)
    assert result.returncode == 0, result.stderr
    assert "Something went wrong" not in result.stdout
    assert "Traceback" not in result.stderr
    # The replies come in the order of the commands, one for each.
    replies = result.stdout.split("✗ ")[1:]
    assert len(replies) == len(CHAT_INPUTS)
    for reply, (command, said) in zip(replies, CHAT_INPUTS, strict=True):
        assert said in reply, command
    assert state(listed / "momentum.db") == before


async def test_bad_briefing_options_get_one_line_and_change_nothing(
    listed: Path, github: FakeGitHub
) -> None:
    before = state(listed / "momentum.db")
    for options, said in BRIEFING_OPTIONS:
        result = await momentum(
            ["briefing", "--channel", "console:local/console", "--offline", *options],
            "", listed, github,
        )
        assert result.returncode == 2, options
        assert result.stdout == "", options
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("momentum: "), options
        assert said in lines[0], options
        assert state(listed / "momentum.db") == before, options
    assert not [name for _, _, names in os.walk(listed) for name in names if name.endswith(".png")]


@pytest.mark.parametrize(
    ("dates", "said"),
    [
        (["--from", "0001-01-01", "--to", "2026-01-05"], "--from 0001-01-01 is outside 2008-01-01"),
        (["--from", "2026-01-05", "--to", "9999-12-31"], "--to 9999-12-31 is outside 2008-01-01"),
    ],
)
async def test_backtest_dates_outside_githubs_life_get_one_line(
    tmp_path: Path, github: FakeGitHub, dates: list[str], said: str
) -> None:
    result = await momentum(["backtest", "--repos", "a/b", *dates], "", tmp_path, github)
    assert result.returncode == 2
    assert result.stderr.startswith(f"momentum: {said}")
    assert "Traceback" not in result.stderr
