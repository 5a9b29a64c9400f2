"""The ``momentum`` command as a person runs it: a real process, a real database file."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import __version__
from bot.testing import FakeGitHub, ScenarioRepo


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
async def github() -> AsyncIterator[FakeGitHub]:
    """The GitHub the processes under test talk to: two repos, 100 stars a day."""
    created = datetime.now(UTC) - timedelta(days=60)
    repos = [
        ScenarioRepo.with_daily(name, number, created, [100] * 61)
        for number, name in enumerate(("vllm-project/vllm", "ollama/ollama"), start=1)
    ]
    async with FakeGitHub(repos) as fake:
        yield fake


async def momentum(
    args: list[str], stdin: str, cwd: Path, github: FakeGitHub, **env: str
) -> Result:
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("SLACK_", "DISCORD_", "MOMENTUM_", "GITHUB_"))}
    environment |= {"GITHUB_API_URL": github.url, "GITHUB_GRAPHQL_URL": github.graphql_url}
    environment.update(env)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=cwd, env=environment,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(60):
        out, err = await process.communicate(stdin.encode())
    assert process.returncode is not None
    return Result(process.returncode, out.decode(), err.decode())


async def test_console_keeps_the_list_across_restarts(tmp_path: Path, github: FakeGitHub) -> None:
    script = (
        "/momentum watch add vllm-project/vllm ollama/ollama\n"
        "/momentum watch list\n"
        "/momentum watch add not a repo\n"
    )
    first = await momentum(["console"], script, tmp_path, github)
    assert first.returncode == 0, first.stderr
    assert "Added 2 repos: vllm-project/vllm, ollama/ollama." in first.stdout
    assert "Watch list: 2 of 100 repos" in first.stdout
    assert "'not' is not a GitHub repository" in first.stdout
    assert (tmp_path / "momentum.db").exists()

    again = await momentum(["console"], "# a comment\n\nwatch list\n", tmp_path, github)
    assert again.returncode == 0, again.stderr
    listing = again.stdout
    assert "Watch list: 2 of 100 repos" in listing
    assert listing.index("vllm-project/vllm") < listing.index("ollama/ollama")


async def test_run_without_tokens_is_the_console(tmp_path: Path, github: FakeGitHub) -> None:
    result = await momentum(["run"], "help\n", tmp_path, github, DATABASE_URL="sqlite:///other.db")
    assert result.returncode == 0, result.stderr
    assert "/momentum watch add" in result.stdout
    assert (tmp_path / "other.db").exists()


async def test_a_bad_setting_stops_start_up_in_one_line(tmp_path: Path, github: FakeGitHub) -> None:
    result = await momentum(["console"], "", tmp_path, github, MOMENTUM_WINDOW_DAYS="fortnight")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("momentum: MOMENTUM_WINDOW_DAYS='fortnight' is invalid")
    assert "Traceback" not in result.stderr


async def test_an_unopenable_database_is_one_line(tmp_path: Path, github: FakeGitHub) -> None:
    result = await momentum(["console"], "", tmp_path, github, DATABASE_URL="sqlite:///no/such/dir/m.db")
    assert result.returncode == 2
    assert "cannot open the SQLite database" in result.stderr
    assert "Traceback" not in result.stderr


async def test_version_and_help(tmp_path: Path, github: FakeGitHub) -> None:
    version = await momentum(["--version"], "", tmp_path, github)
    assert version.stdout.strip() == f"momentum {__version__}"
    usage = await momentum(["--help"], "", tmp_path, github)
    for command in ("run", "console", "demo"):
        assert command in usage.stdout


async def test_demo_runs_offline_on_labelled_synthetic_data(
    tmp_path: Path, github: FakeGitHub
) -> None:
    script = "watch list\nrepo demo-labs/swiftinfer\n"
    result = await momentum(["demo"], script, tmp_path, github)
    assert result.returncode == 0, result.stderr
    assert "synthetic" in result.stdout
    assert "Watch list: 5 of 100 repos" in result.stdout
    assert "7-day velocity" in result.stdout
    assert not (tmp_path / "momentum.db").exists()


async def test_collect_and_briefing_fetch_from_github(tmp_path: Path, github: FakeGitHub) -> None:
    added = await momentum(["console"], "watch add vllm-project/vllm\n", tmp_path, github)
    assert "being collected now" in added.stdout
    # The process finished the background collection before it left.
    shown = await momentum(["console"], "repo vllm-project/vllm\n", tmp_path, github)
    assert "100.0/day (prior 100.0/day, ±0.0, +0%)" in shown.stdout

    collected = await momentum(["collect"], "", tmp_path, github)
    assert collected.returncode == 0, collected.stderr
    assert "1 of 1 repositories refreshed" in collected.stdout

    # ollama/ollama is on no list: the briefing collects it first.
    briefing = await momentum(
        ["briefing", "--repos", "ollama/ollama", "--format", "json"], "", tmp_path, github
    )
    assert briefing.returncode == 0, briefing.stderr
    data = json.loads(briefing.stdout)
    assert data["repos"][0]["repo"] == "ollama/ollama"
    assert data["repos"][0]["velocity"] == 100
    assert data["repos"][0]["exact"] is True
    assert github.stats.calls["stargazers"] == 0
