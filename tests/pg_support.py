"""PostgreSQL for tests: a fresh schema per test in the local server, dropped afterwards.

The server is the one ``.ci/run`` starts (127.0.0.1:5432, trust auth, database ``test``);
``MOMENTUM_TEST_POSTGRES_URL`` points elsewhere. An unreachable server fails the tests
that need it, loudly: a contract suite that silently skipped a backend proves nothing.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # no stubs; Any is fine here

from storage.postgres import PostgresStore

TEST_URL = os.environ.get(
    "MOMENTUM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def schema_url(schema: str, base: str = TEST_URL) -> str:
    """``base`` with every connection's ``search_path`` set to ``schema``."""
    return f"{base}{'&' if '?' in base else '?'}search_path={schema}"


async def _admin() -> Any:
    try:
        return await asyncpg.connect(TEST_URL, timeout=10)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        raise RuntimeError(
            f"PostgreSQL is unreachable at {TEST_URL} ({exc}); the PostgreSQL tests never "
            "skip: start the server (.ci/run does) or set MOMENTUM_TEST_POSTGRES_URL"
        ) from exc


@asynccontextmanager
async def scratch_schema() -> AsyncIterator[str]:
    """A URL whose connections work in a new, empty schema; the schema is dropped after."""
    schema = f"momentum_test_{uuid.uuid4().hex[:16]}"
    admin = await _admin()
    try:
        await admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield schema_url(schema)
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
