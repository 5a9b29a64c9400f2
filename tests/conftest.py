"""Shared fixtures: a real store per test (SQLite file, PostgreSQL schema), and a chat on
the real router."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.settings import Settings
from bot.core.store import Store
from bot.features.commands import Router
from bot.features.commands.context import Context
from tests import pg_support
from tests.support import Chat, Clock, open_test_store


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    pg_support.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    line = pg_support.describe()
    if line is not None:
        terminalreporter.write_line(line)


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """Every backend the Store contract must hold for."""
    async with open_test_store(request.param, tmp_path) as opened:
        yield opened


@pytest.fixture
def settings() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def chat(store: Store, settings: Settings, clock: Clock) -> Chat:
    return Chat(Router(Context(store, settings, clock)), clock)
