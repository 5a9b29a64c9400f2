"""Replies that tell the truth about the data: with GitHub unreachable (a closed port) the
``momentum`` command says so in one line and what to do; a repo without data says so; a
demo database stays labelled. Real processes and real databases."""

from __future__ import annotations

import json
import socket
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.message import DEMO_LABEL
from bot.core.repo_ref import RepoRef
from bot.core.store import Snapshot
from bot.testing import FakeGitHub, ScenarioRepo
from storage.sqlite import SqliteStore
from tests.test_console import github, momentum

__all__ = ["github"]  # the fixture, shared with the console tests


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def offline() -> dict[str, str]:
    """GitHub's URLs on a port where nothing listens: every connection is refused."""
    port = closed_port()
    return {
        "GITHUB_API_URL": f"http://127.0.0.1:{port}",
        "GITHUB_GRAPHQL_URL": f"http://127.0.0.1:{port}/graphql",
    }


def rows(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as raw:
        return {
            table: raw.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in ("repos", "daily_stars", "star_snapshots", "watch_list")
        }


async def test_with_github_unreachable_every_answer_says_so_and_what_to_do(
    tmp_path: Path, github: FakeGitHub
) -> None:
    online = await momentum(["console"], "watch add vllm-project/vllm\n", tmp_path, github)
    assert online.returncode == 0, online.stderr
    env = offline()
    # Added while GitHub is down: unchecked, with no data at all.
    added = await momentum(["console"], "watch add ollama/ollama\n", tmp_path, github, **env)
    assert added.returncode == 0, added.stderr
    before = rows(tmp_path / "momentum.db")

    collected = await momentum(["collect"], "", tmp_path, github, **env)
    assert collected.returncode == 1
    assert "Traceback" not in collected.stderr + collected.stdout
    summary = collected.stdout.splitlines()
    assert summary[0] == (
        "0 of 2 repositories refreshed (0 backfilled), 0 failed, 2 left for later, 0 gone"
    )
    assert summary[1] == "GitHub cost: 0 REST calls, 0 GraphQL points"
    assert summary[2].startswith("GitHub could not be reached: GitHub failed 5 times (connection)")
    said = collected.stderr.strip().splitlines()
    assert len(said) == 1
    assert said[0].startswith(f"momentum: GitHub could not be reached at {env['GITHUB_API_URL']}")
    assert "momentum briefing --offline" in said[0]
    assert rows(tmp_path / "momentum.db") == before

    briefing = await momentum(
        ["briefing", "--repos", "vllm-project/vllm,ollama/ollama"], "", tmp_path, github, **env
    )
    assert briefing.returncode == 1
    assert briefing.stdout == ""
    assert "Traceback" not in briefing.stderr
    lines = briefing.stderr.strip().splitlines()
    # vllm-project/vllm is fresh; ollama/ollama has never been collected.
    assert "0 of 1 repositories refreshed" in lines[0]
    assert lines[-1].startswith("momentum: GitHub could not be reached at")
    assert lines[-1].endswith("run it again with --offline to brief from the stored data")
    assert rows(tmp_path / "momentum.db") == before

    with sqlite3.connect(tmp_path / "momentum.db") as raw:
        since = raw.execute(
            "SELECT value FROM app_state WHERE key = 'github.unreachable_since'"
        ).fetchone()[0]
    began = datetime.fromisoformat(since)
    shown = f"{began:%b} {began.day}, {began:%H:%M} UTC"  # e.g. "Dec 2, 10:12 UTC"
    replies = await momentum(
        ["console"], "repo ollama/ollama\nrepo vllm-project/vllm\nstatus\n", tmp_path, github,
        **env,
    )
    assert replies.returncode == 0, replies.stderr
    text = replies.stdout
    assert "ollama/ollama: no data yet" in text
    assert f"GitHub has been unreachable since {shown}; its figures follow" in text
    assert "ask again in a few minutes" not in text
    # The fake's 100 stars a day, collected when vllm-project/vllm was added.
    assert "100.0/day" in text
    assert f"unreachable since {shown}: these figures are from data stored before." in text
    status = next(
        line for line in text.splitlines() if line.split()[:2] == ["GitHub", "unreachable"]
    )
    assert f"unreachable since {began:%a} {shown}; briefings and replies use" in status
    assert rows(tmp_path / "momentum.db") == before

    stored = await momentum(
        ["briefing", "--repos", "vllm-project/vllm", "--offline", "--format", "json"],
        "", tmp_path, github, **env,
    )
    assert stored.returncode == 0, stored.stderr
    assert json.loads(stored.stdout)["repos"][0]["velocity"] == 100

    # GitHub answers again: the next collection clears the outage.
    back = await momentum(["collect"], "", tmp_path, github)
    assert back.returncode == 0, back.stderr
    again = await momentum(["console"], "status\nrepo ollama/ollama\n", tmp_path, github)
    assert "unreachable" not in again.stdout
    # 100 stars a day in both windows: 7- and 28-day velocity alike.
    assert again.stdout.count("100.0/day (prior 100.0/day, ±0.0, +0%)") == 2


async def test_a_repo_with_a_total_but_no_daily_stars_shows_no_data_yet(
    tmp_path: Path, github: FakeGitHub
) -> None:
    # GitHub told its total (a snapshot) but no daily history has been stored yet.
    now = datetime.now(UTC)
    store = await SqliteStore.open(tmp_path / "momentum.db")
    repo = await store.add_repo(RepoRef("a", "b"), now)
    await store.add_snapshot(repo.id, Snapshot(now, 1_234, 56))
    await store.close()
    before = rows(tmp_path / "momentum.db")
    shown = await momentum(["console"], "repo a/b\n", tmp_path, github)
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout
    assert "1,234" in text
    assert "7-day velocity   no data yet" in text
    assert "28-day velocity  no data yet" in text
    # No sparkline of 28 zero days, which would read as a repo nobody starred.
    assert "▁" not in text
    assert text.split("Daily stars, last 28 days")[1].strip().startswith("no data yet")
    assert "0.0/day" not in text
    assert rows(tmp_path / "momentum.db") == before


async def test_a_briefing_of_a_demo_database_stays_labelled_and_collects_nothing(
    tmp_path: Path, github: FakeGitHub
) -> None:
    made = await momentum(["demo", "--database", "demo.db"], "", tmp_path, github)
    assert made.returncode == 0, made.stderr
    env = {"DATABASE_URL": "sqlite:///demo.db"}
    before = rows(tmp_path / "demo.db")
    briefing = ["briefing", "--channel", "console:local/console"]

    exported = await momentum([*briefing, "--format", "json"], "", tmp_path, github, **env)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["synthetic"] is True
    text = await momentum(briefing, "", tmp_path, github, **env)
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[0].startswith("DEMO · ")
    assert DEMO_LABEL in text.stdout
    shown = await momentum(["console"], "watch list\n", tmp_path, github, **env)
    assert DEMO_LABEL in shown.stdout

    # Its repos exist only on the demo's GitHub: nothing is asked of the real one.
    collected = await momentum(["collect"], "", tmp_path, github, **env)
    assert collected.returncode == 2
    assert collected.stderr.startswith("momentum: this is a demo database")
    assert len(collected.stderr.strip().splitlines()) == 1
    assert sum(github.stats.calls.values()) == 0
    assert rows(tmp_path / "demo.db") == before


async def test_a_radar_with_nothing_found_says_so_in_a_plain_sentence(tmp_path: Path) -> None:
    # Two repos sharing the topic llm and the language Python: those are the list's
    # themes. No daily search has run, so the radar has no candidate.
    created = datetime.now(UTC) - timedelta(days=60)
    themed = {"topics": ("llm",), "language": "Python"}
    repos = [
        ScenarioRepo.with_daily(name, number, created, [10] * 61, **themed)
        for number, name in enumerate(("vllm-project/vllm", "ollama/ollama"), start=1)
    ]
    async with FakeGitHub(repos) as fake:
        added = await momentum(
            ["console"], "watch add vllm-project/vllm ollama/ollama\n", tmp_path, fake
        )
        assert added.returncode == 0, added.stderr
        before = rows(tmp_path / "momentum.db")
        shown = await momentum(["console"], "radar\nradar add 1\n", tmp_path, fake)
    assert shown.returncode == 0, shown.stderr
    assert "Radar: nothing new yet" in shown.stdout
    assert (
        "No young repo outside the list is rising in llm or Python yet; the radar is "
        "refreshed daily." in shown.stdout
    )
    assert "There is no radar repo 1" in shown.stdout
    assert rows(tmp_path / "momentum.db") == before
