"""The ``momentum`` command as a person runs it: a real process, a real database file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot import __version__


def momentum(
    args: list[str], stdin: str, cwd: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("SLACK_", "DISCORD_", "MOMENTUM_", "GITHUB_"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
        cwd=cwd, env=environment, timeout=60, check=False,
    )


def test_console_keeps_the_list_across_restarts(tmp_path: Path) -> None:
    script = (
        "/momentum watch add vllm-project/vllm ollama/ollama\n"
        "/momentum watch list\n"
        "/momentum watch add not a repo\n"
    )
    first = momentum(["console"], script, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Added 2 repos: vllm-project/vllm, ollama/ollama." in first.stdout
    assert "Watch list: 2 of 100 repos" in first.stdout
    assert "'not' is not a GitHub repository" in first.stdout
    assert (tmp_path / "momentum.db").exists()

    again = momentum(["console"], "# a comment\n\nwatch list\n", tmp_path)
    assert again.returncode == 0, again.stderr
    listing = again.stdout
    assert "Watch list: 2 of 100 repos" in listing
    assert listing.index("vllm-project/vllm") < listing.index("ollama/ollama")


def test_run_without_tokens_is_the_console(tmp_path: Path) -> None:
    result = momentum(["run"], "help\n", tmp_path, DATABASE_URL="sqlite:///other.db")
    assert result.returncode == 0, result.stderr
    assert "/momentum watch add" in result.stdout
    assert (tmp_path / "other.db").exists()


def test_a_bad_setting_stops_start_up_in_one_line(tmp_path: Path) -> None:
    result = momentum(["console"], "", tmp_path, MOMENTUM_WINDOW_DAYS="fortnight")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("momentum: MOMENTUM_WINDOW_DAYS='fortnight' is invalid")
    assert "Traceback" not in result.stderr


def test_an_unopenable_database_is_one_line(tmp_path: Path) -> None:
    result = momentum(["console"], "", tmp_path, DATABASE_URL="sqlite:///no/such/dir/m.db")
    assert result.returncode == 2
    assert "cannot open the SQLite database" in result.stderr
    assert "Traceback" not in result.stderr


def test_version_and_help(tmp_path: Path) -> None:
    version = momentum(["--version"], "", tmp_path)
    assert version.stdout.strip() == f"momentum {__version__}"
    usage = momentum(["--help"], "", tmp_path)
    for command in ("run", "console", "demo"):
        assert command in usage.stdout


def test_demo_runs_offline_on_labelled_synthetic_data(tmp_path: Path) -> None:
    result = momentum(["demo"], "watch list\nrepo demo-labs/swiftinfer\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "synthetic" in result.stdout
    assert "Watch list: 5 of 100 repos" in result.stdout
    assert "7-day velocity" in result.stdout
    assert not (tmp_path / "momentum.db").exists()
