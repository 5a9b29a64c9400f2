"""``momentum --help`` and ``--version`` load none of the heavy libraries the bot uses
(benchmarks/startup.py times them), and the parser still knows every subcommand."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.app.cli import COMMANDS, build_parser

HEAVY = (
    "slack_bolt", "slack_sdk", "discord", "matplotlib", "aiosqlite", "asyncpg", "httpx",
    "graphql", "aiohttp", "pydantic", "pydantic_settings", "apscheduler", "rich",
    "bot.testing", "adapters",
)


@pytest.mark.parametrize("option", [None, "--help", "--version"])
def test_the_parser_loads_no_heavy_library(option: str | None) -> None:
    run = "" if option is None else f"""
try:
    main([{option!r}])
except SystemExit:
    pass
"""
    code = f"""
import sys
from bot.app.cli import main
{run}
print(",".join(sorted(name for name in {HEAVY!r} if name in sys.modules)))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.splitlines()[-1] == ""


def test_each_subcommand_still_gets_its_options() -> None:
    # A subcommand's options load when it is named: each one parses its own.
    cases = {
        "briefing": ["briefing", "--repos", "a/b", "--window", "14"],
        "compare": ["compare", "a/b", "c/d", "--log"],
        "backtest": ["backtest", "--repos", "a/b", "--from", "2026-01-05", "--to", "2026-03-02"],
        "demo": ["demo", "--database", "d.db"],
    }
    for name, words in cases.items():
        args = build_parser(name).parse_args(words)
        assert args.command == name
    assert build_parser("briefing").parse_args(cases["briefing"]).window == 14
    assert set(cases) | {"run", "console", "collect"} == set(COMMANDS)
    assert build_parser(None).parse_args(["db", "migrate"]).db_command == "migrate"
