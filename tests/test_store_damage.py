"""A damaged SQLite file is refused at start with one line naming it and how to restore it,
whether the damage is in the schema or in a table's pages."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.core.repo_ref import RepoRef
from storage.sqlite import SqliteStore

T0 = datetime(2026, 4, 13, 9, 0, tzinfo=UTC)
REPO = RepoRef("acme", "rocket")


async def made(path: Path) -> Path:
    """A real file, written through the store and closed (its WAL folded in)."""
    store = await SqliteStore.open(path)
    repo = await store.add_repo(REPO, T0)
    days = {date(2026, 1, 1) + timedelta(days=n): n % 50 for n in range(100)}
    await store.put_daily_stars(repo.id, days, T0)
    await store.close()
    return path


def flip(path: Path, offset: int, count: int = 1) -> None:
    """Inverts every bit of ``count`` bytes at ``offset``, as a failing disk might."""
    data = bytearray(path.read_bytes())
    for index in range(offset, offset + count):
        data[index] ^= 0xFF
    path.write_bytes(bytes(data))


def momentum_briefing(path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOMENTUM_", "GITHUB_"))}
    env["DATABASE_URL"] = f"sqlite:///{path}"
    return subprocess.run(
        [sys.executable, "-m", "bot", "briefing", "--offline", f"--repos={REPO}"],
        capture_output=True, text=True, env=env, cwd=path.parent, timeout=120, check=False,
    )


def assert_refused(result: subprocess.CompletedProcess[str], path: Path) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"momentum: the SQLite database {str(path)!r} is damaged (")
    assert "restore the file from a backup" in line
    assert f"sqlite3 {path} .recover" in line


async def test_a_sound_file_is_served(tmp_path: Path) -> None:
    result = momentum_briefing(await made(tmp_path / "m.db"))
    assert result.returncode == 0, result.stderr


async def test_flips_in_the_schema_are_refused_in_one_line(tmp_path: Path) -> None:
    path = await made(tmp_path / "m.db")
    flip(path, path.read_bytes().index(b"CREATE TABLE daily_stars") + 7, 3)
    assert_refused(momentum_briefing(path), path)


async def test_flips_in_a_tables_pages_are_refused_in_one_line(tmp_path: Path) -> None:
    path = await made(tmp_path / "m.db")
    with sqlite3.connect(path) as raw:
        [(page_size,)] = raw.execute("PRAGMA page_size")
        [(root,)] = raw.execute("SELECT rootpage FROM sqlite_master WHERE name = 'daily_stars'")
    # The b-tree page header's cell count (bytes 3-4): what a briefing would read through.
    flip(path, (root - 1) * page_size + 3, 2)
    assert_refused(momentum_briefing(path), path)
