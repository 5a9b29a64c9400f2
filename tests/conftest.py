"""Shared fixtures: a real SQLite file per test, and a chat on the real router."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.commands import Router
from bot.context import Context
from bot.settings import Settings
from bot.store import Store
from storage.sqlite import SqliteStore
from tests.support import Chat, Clock


@pytest.fixture(params=["sqlite"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """Every backend the Store contract must hold for (PostgreSQL joins later)."""
    opened = await SqliteStore.open(tmp_path / "momentum.db")
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def settings() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def chat(store: Store, settings: Settings, clock: Clock) -> Chat:
    return Chat(Router(Context(store, settings, clock)), clock)
