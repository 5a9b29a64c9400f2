"""``momentum run`` with no Slack or Discord token: it serves the console, says so and
where its data lives, and keeps log lines off the prompt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.restart_support import closed_port_url


def run(tmp_path: Path, stdin: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SLACK_", "DISCORD_", "GITHUB_", "DATABASE_URL", "LOG_"))}
    github = closed_port_url()
    env |= {"GITHUB_API_URL": github, "GITHUB_GRAPHQL_URL": f"{github}/graphql", **extra}
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"], input=stdin, capture_output=True, text=True,
        env=env, cwd=tmp_path, timeout=60, check=False,
    )


def test_run_without_a_token_says_it_serves_the_console_and_where_data_lives(
    tmp_path: Path,
) -> None:
    done = run(tmp_path, "/momentum watch list\n")
    assert done.returncode == 0, done.stderr
    # The default DATABASE_URL, sqlite:///momentum.db, is relative to the working directory.
    assert done.stderr.splitlines()[0] == (
        "momentum: No Slack or Discord token is set: serving this console, and posting "
        f"scheduled briefings here. Data: {(tmp_path / 'momentum.db').resolve()}."
    )
    assert (tmp_path / "momentum.db").exists()
    assert done.stdout.startswith("This channel watches no repos yet\n")
    # Only warnings and errors reach the terminal: no INFO line between answers.
    assert " INFO " not in done.stderr
    assert " INFO " not in done.stdout


def test_log_level_asks_for_more_on_the_console(tmp_path: Path) -> None:
    done = run(tmp_path, "", LOG_LEVEL="INFO",
               DATABASE_URL=f"sqlite:///{tmp_path / 'elsewhere.db'}")
    assert done.returncode == 0, done.stderr
    assert f"Data: {tmp_path / 'elsewhere.db'}." in done.stderr.splitlines()[0]
    assert " INFO bot.jobs.refresh: collection: 0 of 0 repositories" in done.stderr
