"""The PostgreSQL store: one database shared by any number of bot instances.

A connection pool serves the process. The schema comes from the same numbered migrations
as SQLite (translated by :mod:`storage.dialect`), applied under an advisory lock so that
instances starting together migrate once. Times are ``TIMESTAMPTZ`` and days ``DATE``:
what goes in as an aware UTC datetime comes back equal.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

from bot.core.command import ChannelKey, Platform
from bot.core.repo_ref import RepoRef
from bot.core.store import (
    Access,
    AlertSettings,
    AuditEntry,
    ChannelRecord,
    ChannelSettings,
    Delivery,
    DeliveryStatus,
    Prediction,
    PredictionDraft,
    PredictionSet,
    RadarCandidate,
    RepoEvent,
    RepoMetadata,
    RepoRecord,
    Snapshot,
    StargazerAccess,
    WatchChange,
    WatchedRepo,
    WatchListFull,
)
from storage.dialect import postgres_script
from storage.migrations import load_migrations

# Advisory lock keys are (namespace, id) pairs of 32-bit ints; the namespace keeps ours
# apart from any other application's locks in the same database.
LOCK_NAMESPACE = 0x6D6F6D  # "mom"
_MIGRATION_LOCK = 0
_REPO_LOCK_SPACE = LOCK_NAMESPACE + 1
DEFAULT_POOL_SIZE = 10

_REPO_COLUMNS = (
    "repos.id, repos.owner, repos.name, repos.status, repos.added_at, repos.node_id, "
    "repos.github_id, repos.description, repos.primary_language, repos.topics, "
    "repos.created_at, repos.pushed_at, repos.metadata_fetched_at, repos.stars_fetched_at"
)
_CHANNEL_COLUMNS = (
    "id, platform, workspace, channel, window_days, timezone, schedule, schedule_weekday, "
    "schedule_time, created_at, paused_reason"
)
_CHANNEL_IS = "channels.platform = $1 AND channels.workspace = $2 AND channels.channel = $3"
_DELIVERY_COLUMNS = (
    "deliveries.period, deliveries.status, deliveries.claimed_by, deliveries.claimed_at,"
    " deliveries.finished_at, deliveries.message_id, deliveries.error"
)

Connection = Any  # asyncpg.Connection: asyncpg ships no type information
Pool = Any  # asyncpg.Pool


class PostgresStore:
    """:class:`bot.core.store.Store` on a PostgreSQL database.

    ``DATABASE_URL`` is a libpq-style URL; a ``pool_size`` query parameter sets the
    pool's maximum (default 10), and any other query parameter is a server setting (for
    example ``search_path=momentum`` to keep the tables in their own schema).
    """

    def __init__(self, pool: Pool, connect: Mapping[str, Any]) -> None:
        self._pool = pool
        self._connect = dict(connect)
        # Repo locks are session-level advisory locks, held on one connection of their own
        # so that a long collection does not hold a pooled connection or a transaction;
        # if this process dies, PostgreSQL drops the session and with it every lock.
        self._lock_conn: Connection | None = None
        self._lock_guard = asyncio.Lock()
        self._held: set[int] = set()

    @classmethod
    async def open(cls, url: str, *, pool_size: int | None = None) -> PostgresStore:
        dsn, size = split_url(url)
        connect: dict[str, Any] = {"dsn": dsn}
        pool = await asyncpg.create_pool(
            **connect, min_size=1, max_size=pool_size or size or DEFAULT_POOL_SIZE
        )
        try:
            store = cls(pool, connect)
            await store._migrate()
        except BaseException:
            await pool.close()
            raise
        return store

    async def close(self) -> None:
        if self._lock_conn is not None:
            await self._lock_conn.close()
            self._lock_conn = None
        await self._pool.close()

    def terminate(self) -> None:
        """Drop every connection at once, as a crashed process would (for tests)."""
        if self._lock_conn is not None:
            self._lock_conn.terminate()
        self._pool.terminate()

    # -- plumbing -------------------------------------------------------------------------

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[Connection]:
        async with self._pool.acquire() as conn, conn.transaction():
            yield conn

    async def _migrate(self) -> None:
        migrations = load_migrations()
        newest = max((migration.version for migration in migrations), default=0)
        async with self._write() as conn:
            # Held to the end of the transaction: a second instance starting now waits,
            # then finds every migration applied. Keyed by schema so that separate schemas
            # (tests, several deployments in one database) do not wait for each other.
            await conn.execute(
                "SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))", LOCK_NAMESPACE
            )
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
            )
            applied = {row[0] for row in await conn.fetch("SELECT version FROM schema_migrations")}
            if applied and max(applied) > newest:
                raise RuntimeError(
                    f"the database is at schema version {max(applied)}, newer than this "
                    f"program knows ({newest}); upgrade Momentum"
                )
            for migration in migrations:
                if migration.version in applied:
                    continue
                await conn.execute(postgres_script(migration.sql))
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    migration.version, migration.name, datetime.now(UTC),
                )

    async def schema_version(self) -> int:
        return int(await self._pool.fetchval(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"
        ))

    # -- coordination between instances --------------------------------------------------

    async def try_lock_repo(self, repo_id: int) -> bool:
        async with self._lock_guard:
            if repo_id in self._held:
                return False
            conn = await self._lock_connection()
            got = await conn.fetchval(
                "SELECT pg_try_advisory_lock($1, $2)", _REPO_LOCK_SPACE, repo_id
            )
            if got:
                self._held.add(repo_id)
            return bool(got)

    async def unlock_repo(self, repo_id: int) -> None:
        async with self._lock_guard:
            if repo_id not in self._held:
                return
            self._held.discard(repo_id)
            if self._lock_conn is not None and not self._lock_conn.is_closed():
                await self._lock_conn.execute(
                    "SELECT pg_advisory_unlock($1, $2)", _REPO_LOCK_SPACE, repo_id
                )

    async def _lock_connection(self) -> Connection:
        if self._lock_conn is None or self._lock_conn.is_closed():
            # A lost session lost its locks too: forget them rather than unlock later.
            self._held.clear()
            self._lock_conn = await asyncpg.connect(**self._connect)
        return self._lock_conn

    # -- repositories ---------------------------------------------------------------------

    async def add_repo(self, ref: RepoRef, at: datetime) -> RepoRecord:
        async with self._write() as conn:
            return await _ensure_repo(conn, ref, at)

    async def find_repo(self, ref: RepoRef) -> RepoRecord | None:
        row = await self._pool.fetchrow(
            f"SELECT {_REPO_COLUMNS} FROM repos WHERE name_key = $1", ref.key
        )
        return _repo(row) if row else None

    async def find_repo_by_github_id(self, github_id: int) -> RepoRecord | None:
        row = await self._pool.fetchrow(
            f"SELECT {_REPO_COLUMNS} FROM repos WHERE github_id = $1", github_id
        )
        return _repo(row) if row else None

    async def save_repo_metadata(self, repo_id: int, metadata: RepoMetadata, at: datetime) -> None:
        await self._pool.execute(
            "UPDATE repos SET owner = $1, name = $2, name_key = $3, node_id = $4,"
            " github_id = $5, description = $6, primary_language = $7, topics = $8,"
            " created_at = $9, pushed_at = $10, metadata_fetched_at = $11 WHERE id = $12",
            metadata.ref.owner,
            metadata.ref.name,
            metadata.ref.key,
            metadata.node_id,
            metadata.github_id,
            metadata.description,
            metadata.primary_language,
            json.dumps(list(metadata.topics)),
            _utc_or_none(metadata.created_at),
            _utc_or_none(metadata.pushed_at),
            _utc(at),
            repo_id,
        )

    async def mark_repo_gone(self, repo_id: int) -> None:
        await self._pool.execute("UPDATE repos SET status = 'gone' WHERE id = $1", repo_id)

    async def watched_repos(self) -> list[RepoRecord]:
        rows = await self._pool.fetch(
            f"SELECT {_REPO_COLUMNS} FROM repos WHERE EXISTS"
            " (SELECT 1 FROM watch_list WHERE watch_list.repo_id = repos.id) ORDER BY repos.id"
        )
        return [_repo(row) for row in rows]

    # -- star counts and events -----------------------------------------------------------

    async def add_snapshot(self, repo_id: int, snapshot: Snapshot) -> None:
        await self._pool.execute(
            "INSERT INTO star_snapshots (repo_id, taken_at, stars, forks) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (repo_id, taken_at) DO UPDATE"
            " SET stars = excluded.stars, forks = excluded.forks",
            repo_id, _utc(snapshot.taken_at), snapshot.stars, snapshot.forks,
        )

    async def latest_snapshot(
        self, repo_id: int, at: datetime | None = None
    ) -> Snapshot | None:
        row = await self._pool.fetchrow(
            "SELECT taken_at, stars, forks FROM star_snapshots WHERE repo_id = $1"
            " AND ($2::timestamptz IS NULL OR taken_at <= $2) ORDER BY taken_at DESC LIMIT 1",
            repo_id, _utc_or_none(at),
        )
        return Snapshot(row[0], row[1], row[2]) if row else None

    async def put_daily_stars(
        self, repo_id: int, counts: Mapping[date, int], reported_at: datetime
    ) -> None:
        reported = _utc(reported_at)
        async with self._write() as conn:
            # One statement for the whole report: a backfill is a year of days.
            await conn.execute(
                "INSERT INTO daily_stars (repo_id, day, stars, reported_at)"
                " SELECT $1, day, stars, $4 FROM unnest($2::date[], $3::bigint[]) AS r(day, stars)"
                " ON CONFLICT (repo_id, day) DO UPDATE"
                " SET stars = excluded.stars, reported_at = excluded.reported_at",
                repo_id, list(counts.keys()), list(counts.values()), reported,
            )
            await conn.execute(
                "UPDATE repos SET stars_fetched_at = $1 WHERE id = $2"
                " AND (stars_fetched_at IS NULL OR stars_fetched_at < $1)",
                reported, repo_id,
            )

    async def daily_stars(self, repo_id: int, start: date, end: date) -> dict[date, int]:
        rows = await self._pool.fetch(
            "SELECT day, stars FROM daily_stars WHERE repo_id = $1 AND day >= $2 AND day < $3"
            " ORDER BY day",
            repo_id, start, end,
        )
        return {row[0]: row[1] for row in rows}

    async def put_hourly_stars(
        self, repo_id: int, counts: Mapping[datetime, int], reported_at: datetime
    ) -> None:
        if not counts:
            return
        async with self._write() as conn:
            await conn.execute(
                "DELETE FROM hourly_stars WHERE repo_id = $1 AND hour_at < $2",
                repo_id, _utc(min(counts)),
            )
            await conn.execute(
                "INSERT INTO hourly_stars (repo_id, hour_at, stars, reported_at)"
                " SELECT $1, hour_at, stars, $4"
                " FROM unnest($2::timestamptz[], $3::bigint[]) AS r(hour_at, stars)"
                " ON CONFLICT (repo_id, hour_at) DO UPDATE"
                " SET stars = excluded.stars, reported_at = excluded.reported_at",
                repo_id, [_utc(hour) for hour in counts], list(counts.values()),
                _utc(reported_at),
            )

    async def hourly_stars(
        self, repo_id: int, start: datetime, end: datetime
    ) -> dict[datetime, int]:
        rows = await self._pool.fetch(
            "SELECT hour_at, stars FROM hourly_stars"
            " WHERE repo_id = $1 AND hour_at >= $2 AND hour_at < $3 ORDER BY hour_at",
            repo_id, _utc(start), _utc(end),
        )
        return {_utc(row[0]): row[1] for row in rows}

    async def stargazer_access(self, viewer: str) -> dict[int, StargazerAccess]:
        rows = await self._pool.fetch(
            "SELECT repo_id, listable, checked_at FROM stargazer_access WHERE viewer = $1",
            viewer,
        )
        return {row[0]: StargazerAccess(bool(row[1]), _utc(row[2])) for row in rows}

    async def set_stargazer_access(
        self, repo_id: int, viewer: str, listable: bool, at: datetime
    ) -> None:
        await self._pool.execute(
            "INSERT INTO stargazer_access (repo_id, viewer, listable, checked_at)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (repo_id, viewer) DO UPDATE"
            " SET listable = excluded.listable, checked_at = excluded.checked_at",
            repo_id, viewer, int(listable), _utc(at),
        )

    async def add_events(self, repo_id: int, events: Iterable[RepoEvent]) -> None:
        rows = [(repo_id, e.kind, e.key, e.title, e.url, _utc(e.occurred_at)) for e in events]
        async with self._write() as conn:
            # Row by row, as SQLite does: a batch may name one event twice, the later wins.
            await conn.executemany(
                "INSERT INTO repo_events (repo_id, kind, event_key, title, url, occurred_at)"
                " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (repo_id, kind, event_key)"
                " DO UPDATE SET title = excluded.title, url = excluded.url,"
                " occurred_at = excluded.occurred_at",
                rows,
            )

    async def events(self, repo_id: int, since: datetime, until: datetime) -> list[RepoEvent]:
        rows = await self._pool.fetch(
            "SELECT kind, event_key, title, occurred_at, url FROM repo_events"
            " WHERE repo_id = $1 AND occurred_at >= $2 AND occurred_at < $3"
            " ORDER BY occurred_at, id",
            repo_id, _utc(since), _utc(until),
        )
        return [RepoEvent(row[0], row[1], row[2], row[3], row[4]) for row in rows]

    # -- channels and watch lists ---------------------------------------------------------

    async def get_channel(self, key: ChannelKey) -> ChannelRecord | None:
        row = await self._pool.fetchrow(
            f"SELECT {_CHANNEL_COLUMNS} FROM channels WHERE {_CHANNEL_IS}", *_channel_params(key)
        )
        return _channel(row) if row else None

    async def add_channel(self, key: ChannelKey, at: datetime) -> ChannelRecord:
        async with self._write() as conn:
            await _ensure_channel(conn, key, at)
            row = await conn.fetchrow(
                f"SELECT {_CHANNEL_COLUMNS} FROM channels WHERE {_CHANNEL_IS}",
                *_channel_params(key),
            )
        assert row is not None
        return _channel(row)

    async def save_channel_settings(self, key: ChannelKey, settings: ChannelSettings) -> None:
        status = await self._pool.execute(
            "UPDATE channels SET window_days = $4, timezone = $5, schedule = $6,"
            f" schedule_weekday = $7, schedule_time = $8 WHERE {_CHANNEL_IS}",
            *_channel_params(key),
            settings.window_days,
            settings.timezone,
            settings.schedule,
            settings.schedule_weekday,
            settings.schedule_time,
        )
        if _count(status) == 0:
            raise LookupError(f"no channel {key}")

    async def pause_channel(self, key: ChannelKey, reason: str | None) -> None:
        status = await self._pool.execute(
            f"UPDATE channels SET paused_reason = $4 WHERE {_CHANNEL_IS}",
            *_channel_params(key), reason,
        )
        if _count(status) == 0:
            raise LookupError(f"no channel {key}")

    async def workspace_channels(self, platform: Platform, workspace: str) -> list[ChannelRecord]:
        rows = await self._pool.fetch(
            f"SELECT {_CHANNEL_COLUMNS} FROM channels"
            " WHERE platform = $1 AND workspace = $2 ORDER BY id",
            platform, workspace,
        )
        return [_channel(row) for row in rows]

    async def workspace_access(self, platform: Platform, workspace: str) -> Access | None:
        value = await self._pool.fetchval(
            "SELECT access FROM workspaces WHERE platform = $1 AND workspace = $2",
            platform, workspace,
        )
        return cast(Access | None, value)

    async def set_workspace_access(
        self, platform: Platform, workspace: str, access: Access | None
    ) -> None:
        await self._pool.execute(
            "INSERT INTO workspaces (platform, workspace, access) VALUES ($1, $2, $3)"
            " ON CONFLICT (platform, workspace) DO UPDATE SET access = excluded.access",
            platform, workspace, access,
        )

    async def watch_list(self, key: ChannelKey) -> list[WatchedRepo]:
        rows = await self._pool.fetch(
            f"SELECT {_REPO_COLUMNS}, watch_list.added_by, watch_list.added_at"
            " FROM watch_list JOIN repos ON repos.id = watch_list.repo_id"
            f" JOIN channels ON channels.id = watch_list.channel_id WHERE {_CHANNEL_IS}"
            " ORDER BY watch_list.position",
            *_channel_params(key),
        )
        return [WatchedRepo(_repo(row), row["added_by"], row["added_at"]) for row in rows]

    async def add_to_watch_list(
        self, key: ChannelKey, refs: Sequence[RepoRef], user: str, at: datetime, cap: int
    ) -> WatchChange:
        change = WatchChange()
        async with self._write() as conn:
            channel_id = await _ensure_channel(conn, key, at, for_update=True)
            size, position = await conn.fetchrow(
                "SELECT COUNT(*), COALESCE(MAX(position), 0) FROM watch_list"
                " WHERE channel_id = $1",
                channel_id,
            )
            new: list[RepoRecord] = []
            for ref in dict.fromkeys(refs):
                repo = await _ensure_repo(conn, ref, at)
                listed = await conn.fetchval(
                    "SELECT 1 FROM watch_list WHERE channel_id = $1 AND repo_id = $2",
                    channel_id, repo.id,
                ) is not None
                (change.unchanged if listed else change.changed).append(repo.ref)
                if not listed:
                    new.append(repo)
            if size + len(new) > cap:
                raise WatchListFull(size, len(new), cap)
            for offset, repo in enumerate(new, start=1):
                await conn.execute(
                    "INSERT INTO watch_list (channel_id, repo_id, added_by, added_at, position)"
                    " VALUES ($1, $2, $3, $4, $5)",
                    channel_id, repo.id, user, _utc(at), position + offset,
                )
                await _audit(conn, channel_id, repo.id, "add", user, at)
        return change

    async def remove_from_watch_list(
        self, key: ChannelKey, refs: Sequence[RepoRef], user: str, at: datetime
    ) -> WatchChange:
        change = WatchChange()
        async with self._write() as conn:
            channel_id = await _ensure_channel(conn, key, at)
            for ref in dict.fromkeys(refs):
                removed = await conn.fetchval(
                    "DELETE FROM watch_list WHERE channel_id = $1 AND repo_id ="
                    " (SELECT id FROM repos WHERE name_key = $2) RETURNING repo_id",
                    channel_id, ref.key,
                )
                if removed is None:
                    change.unchanged.append(ref)
                    continue
                change.changed.append(ref)
                await _audit(conn, channel_id, removed, "remove", user, at)
        return change

    async def watch_audit(self, key: ChannelKey) -> list[AuditEntry]:
        rows = await self._pool.fetch(
            "SELECT watch_audit.at, watch_audit.user_id, watch_audit.action,"
            " repos.owner, repos.name FROM watch_audit"
            " JOIN repos ON repos.id = watch_audit.repo_id"
            f" JOIN channels ON channels.id = watch_audit.channel_id WHERE {_CHANNEL_IS}"
            " ORDER BY watch_audit.id",
            *_channel_params(key),
        )
        return [AuditEntry(r[0], r[1], r[2], RepoRef(r[3], r[4])) for r in rows]

    # -- deliveries -----------------------------------------------------------------------

    async def claim_delivery(
        self, key: ChannelKey, period: str, claimer: str, at: datetime
    ) -> bool:
        async with self._write() as conn:
            channel_id = await _ensure_channel(conn, key, at)
            # The (channel, period) primary key makes the claim: of any number of
            # instances inserting at once, exactly one row goes in.
            inserted = await conn.fetchval(
                "INSERT INTO deliveries (channel_id, period, status, claimed_by, claimed_at)"
                " VALUES ($1, $2, 'claimed', $3, $4) ON CONFLICT (channel_id, period) DO NOTHING"
                " RETURNING 1",
                channel_id, period, claimer, _utc(at),
            )
            return inserted is not None

    async def finish_delivery(
        self,
        key: ChannelKey,
        period: str,
        status: DeliveryStatus,
        at: datetime,
        *,
        message_id: str | None = None,
        error: str | None = None,
    ) -> None:
        result = await self._pool.execute(
            "UPDATE deliveries SET status = $5, finished_at = $6, message_id = $7, error = $8"
            " FROM channels WHERE channels.id = deliveries.channel_id"
            f" AND {_CHANNEL_IS} AND deliveries.period = $4",
            *_channel_params(key), period, status, _utc(at), message_id, error,
        )
        if _count(result) == 0:
            raise LookupError(f"no delivery of {period} to {key} was claimed")

    async def get_delivery(self, key: ChannelKey, period: str) -> Delivery | None:
        row = await self._pool.fetchrow(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries"
            f" JOIN channels ON channels.id = deliveries.channel_id WHERE {_CHANNEL_IS}"
            " AND deliveries.period = $4",
            *_channel_params(key), period,
        )
        return None if row is None else _delivery(key, row)

    async def take_over_delivery(
        self, key: ChannelKey, period: str, claimer: str, at: datetime, stale_before: datetime
    ) -> bool:
        # SKIP LOCKED: when several instances find the same stale claim, the one that
        # locks it first takes it and the others move on at once instead of queueing.
        taken = await self._pool.fetchval(
            "UPDATE deliveries SET claimed_by = $6, claimed_at = $7"
            " WHERE (channel_id, period) IN (SELECT deliveries.channel_id, deliveries.period"
            " FROM deliveries JOIN channels ON channels.id = deliveries.channel_id"
            f" WHERE {_CHANNEL_IS} AND deliveries.period = $4"
            " AND deliveries.status = 'claimed' AND deliveries.claimed_at < $5"
            " FOR UPDATE OF deliveries SKIP LOCKED) RETURNING 1",
            *_channel_params(key), period, _utc(stale_before), claimer, _utc(at),
        )
        return taken is not None

    async def recent_deliveries(self, key: ChannelKey, limit: int) -> list[Delivery]:
        rows = await self._pool.fetch(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries"
            f" JOIN channels ON channels.id = deliveries.channel_id WHERE {_CHANNEL_IS}"
            " ORDER BY deliveries.claimed_at DESC, deliveries.period DESC LIMIT $4",
            *_channel_params(key), limit,
        )
        return [_delivery(key, row) for row in rows]

    async def stale_claims(self, stale_before: datetime, since: datetime) -> list[Delivery]:
        rows = await self._pool.fetch(
            f"SELECT channels.platform, channels.workspace, channels.channel, {_DELIVERY_COLUMNS}"
            " FROM deliveries JOIN channels ON channels.id = deliveries.channel_id"
            " WHERE deliveries.status = 'claimed' AND deliveries.claimed_at < $1"
            " AND deliveries.claimed_at >= $2 ORDER BY deliveries.claimed_at",
            _utc(stale_before), _utc(since),
        )
        return [_delivery(ChannelKey(r[0], r[1], r[2]), tuple(r)[3:]) for r in rows]

    async def scheduled_channels(self) -> list[ChannelRecord]:
        rows = await self._pool.fetch(
            f"SELECT {_CHANNEL_COLUMNS} FROM channels"
            " WHERE schedule != 'off' AND paused_reason IS NULL"
            " AND EXISTS (SELECT 1 FROM watch_list WHERE watch_list.channel_id = channels.id)"
            " ORDER BY id"
        )
        return [_channel(row) for row in rows]

    # -- named state ----------------------------------------------------------------------

    async def get_state(self, key: str) -> str | None:
        value = await self._pool.fetchval("SELECT value FROM app_state WHERE key = $1", key)
        return None if value is None else str(value)

    async def set_state(self, key: str, value: str, at: datetime) -> None:
        await self._pool.execute(
            "INSERT INTO app_state (key, value, updated_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (key) DO UPDATE"
            " SET value = excluded.value, updated_at = excluded.updated_at",
            key, value, _utc(at),
        )

    # -- predictions ----------------------------------------------------------------------

    async def predictions(self, key: ChannelKey, *, open_only: bool = False) -> list[Prediction]:
        rows = await self._pool.fetch(
            "SELECT predictions.id, kind, statement, inputs, probability, predictions.made_at,"
            " due, outcome, resolved_at, set_id FROM predictions"
            f" JOIN channels ON channels.id = predictions.channel_id WHERE {_CHANNEL_IS}"
            + (" AND outcome IS NULL" if open_only else "")
            + " ORDER BY predictions.id",
            *_channel_params(key),
        )
        return [
            Prediction(
                id=row[0],
                channel=key,
                kind=row[1],
                statement=row[2],
                inputs=json.loads(row[3]),
                probability=row[4],
                made_at=row[5],
                due=row[6],
                outcome=None if row[7] is None else bool(row[7]),
                resolved_at=row[8],
                set_id=row[9],
            )
            for row in rows
        ]

    async def resolve_prediction(self, prediction_id: int, outcome: bool, at: datetime) -> None:
        status = await self._pool.execute(
            "UPDATE predictions SET outcome = $1, resolved_at = $2 WHERE id = $3",
            int(outcome), _utc(at), prediction_id,
        )
        if _count(status) == 0:
            raise LookupError(f"no prediction {prediction_id}")

    # -- prediction receipts --------------------------------------------------------------

    async def add_prediction_set(
        self,
        key: ChannelKey,
        week: str,
        made_at: datetime,
        digest: str,
        previous: str | None,
        drafts: Sequence[PredictionDraft],
    ) -> bool:
        async with self._write() as conn:
            channel_id = await _ensure_channel(conn, key, made_at)
            set_id = await conn.fetchval(
                "INSERT INTO prediction_sets (channel_id, week, made_at, digest, previous)"
                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel_id, week) DO NOTHING"
                " RETURNING id",
                channel_id, week, _utc(made_at), digest, previous,
            )
            if set_id is None:
                return False
            await conn.executemany(
                "INSERT INTO predictions (channel_id, set_id, kind, statement, inputs,"
                " probability, made_at, due) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                [
                    (
                        channel_id, set_id, draft.kind, draft.statement,
                        json.dumps(draft.inputs, sort_keys=True), draft.probability,
                        _utc(made_at), draft.due,
                    )
                    for draft in drafts
                ],
            )
            return True

    async def prediction_sets(self, key: ChannelKey) -> list[PredictionSet]:
        rows = await self._pool.fetch(
            "SELECT prediction_sets.id, week, made_at, digest, previous, message_id"
            " FROM prediction_sets JOIN channels ON channels.id = prediction_sets.channel_id"
            f" WHERE {_CHANNEL_IS} ORDER BY prediction_sets.id",
            *_channel_params(key),
        )
        return [PredictionSet(row[0], key, row[1], row[2], row[3], row[4], row[5]) for row in rows]

    async def set_prediction_message(self, key: ChannelKey, week: str, message_id: str) -> None:
        await self._pool.execute(
            "UPDATE prediction_sets SET message_id = $4 WHERE week = $5 AND message_id IS NULL"
            " AND channel_id ="
            " (SELECT id FROM channels WHERE platform = $1 AND workspace = $2 AND channel = $3)",
            *_channel_params(key), message_id, week,
        )

    # -- radar ----------------------------------------------------------------------------

    async def watching_channels(self) -> list[ChannelKey]:
        rows = await self._pool.fetch(
            "SELECT platform, workspace, channel FROM channels WHERE EXISTS"
            " (SELECT 1 FROM watch_list WHERE watch_list.channel_id = channels.id) ORDER BY id"
        )
        return [ChannelKey(cast(Platform, row[0]), row[1], row[2]) for row in rows]

    async def save_radar_pool(self, theme: str, repo_ids: Sequence[int], at: datetime) -> None:
        async with self._write() as conn:
            await conn.execute("DELETE FROM radar_pool WHERE theme = $1", theme)
            await conn.executemany(
                "INSERT INTO radar_pool (theme, repo_id, search_rank, found_at)"
                " VALUES ($1, $2, $3, $4)",
                [
                    (theme, repo_id, rank, _utc(at))
                    for rank, repo_id in enumerate(dict.fromkeys(repo_ids), start=1)
                ],
            )

    async def radar_pool(self, themes: Sequence[str]) -> list[RadarCandidate]:
        if not themes:
            return []
        rows = await self._pool.fetch(
            "SELECT radar_pool.theme, radar_pool.search_rank, radar_pool.found_at,"
            f" {_REPO_COLUMNS} FROM radar_pool JOIN repos ON repos.id = radar_pool.repo_id"
            " WHERE radar_pool.theme = ANY($1::text[])"
            " ORDER BY array_position($1::text[], radar_pool.theme), radar_pool.search_rank",
            list(themes),
        )
        return [RadarCandidate(r[0], _repo(tuple(r)[3:]), r[1], r[2]) for r in rows]

    # -- spike alerts ---------------------------------------------------------------------

    async def alert_settings(self, key: ChannelKey) -> AlertSettings | None:
        row = await self._pool.fetchrow(
            "SELECT factor, floor, milestones FROM channel_alerts"
            f" JOIN channels ON channels.id = channel_alerts.channel_id WHERE {_CHANNEL_IS}",
            *_channel_params(key),
        )
        return None if row is None else AlertSettings(row[0], row[1], bool(row[2]))

    async def set_alert_settings(
        self, key: ChannelKey, settings: AlertSettings | None, at: datetime
    ) -> None:
        async with self._write() as conn:
            channel_id = await _ensure_channel(conn, key, at)
            if settings is None:
                await conn.execute("DELETE FROM channel_alerts WHERE channel_id = $1", channel_id)
                return
            await conn.execute(
                "INSERT INTO channel_alerts (channel_id, factor, floor, milestones, updated_at)"
                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel_id) DO UPDATE"
                " SET factor = excluded.factor, floor = excluded.floor,"
                " milestones = excluded.milestones, updated_at = excluded.updated_at",
                channel_id, settings.factor, settings.floor, int(settings.milestones), _utc(at),
            )

    async def alerting_channels(self) -> list[tuple[ChannelKey, AlertSettings]]:
        rows = await self._pool.fetch(
            "SELECT platform, workspace, channel, factor, floor, milestones FROM channel_alerts"
            " JOIN channels ON channels.id = channel_alerts.channel_id"
            " WHERE channels.paused_reason IS NULL ORDER BY channels.id"
        )
        return [
            (
                ChannelKey(cast(Platform, row[0]), row[1], row[2]),
                AlertSettings(row[3], row[4], bool(row[5])),
            )
            for row in rows
        ]

    async def claim_alert(self, key: ChannelKey, repo_id: int, kind: str, at: datetime) -> bool:
        async with self._write() as conn:
            channel_id = await _ensure_channel(conn, key, at)
            inserted = await conn.fetchval(
                "INSERT INTO sent_alerts (channel_id, repo_id, kind, sent_at)"
                " VALUES ($1, $2, $3, $4) ON CONFLICT (channel_id, repo_id, kind) DO NOTHING"
                " RETURNING 1",
                channel_id, repo_id, kind, _utc(at),
            )
            return inserted is not None

    async def rearm_alert(self, key: ChannelKey, repo_id: int, kind: str) -> None:
        await self._pool.execute(
            "DELETE FROM sent_alerts USING channels WHERE channels.id = sent_alerts.channel_id"
            f" AND {_CHANNEL_IS} AND sent_alerts.repo_id = $4 AND sent_alerts.kind = $5",
            *_channel_params(key), repo_id, kind,
        )


# -- helpers that run inside a transaction ------------------------------------------------


async def _ensure_repo(conn: Connection, ref: RepoRef, at: datetime) -> RepoRecord:
    await conn.execute(
        "INSERT INTO repos (owner, name, name_key, added_at) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (name_key) DO NOTHING",
        ref.owner, ref.name, ref.key, _utc(at),
    )
    # A second statement, so that it sees a row another transaction committed meanwhile.
    row = await conn.fetchrow(f"SELECT {_REPO_COLUMNS} FROM repos WHERE name_key = $1", ref.key)
    assert row is not None
    return _repo(row)


async def _ensure_channel(
    conn: Connection, key: ChannelKey, at: datetime, *, for_update: bool = False
) -> int:
    await conn.execute(
        "INSERT INTO channels (platform, workspace, channel, created_at) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (platform, workspace, channel) DO NOTHING",
        *_channel_params(key), _utc(at),
    )
    # FOR UPDATE serialises changes to one channel's list, as SQLite's single writer does,
    # so two concurrent adds cannot both pass the cap check.
    lock = " FOR UPDATE" if for_update else ""
    channel_id = await conn.fetchval(
        f"SELECT id FROM channels WHERE {_CHANNEL_IS}{lock}", *_channel_params(key)
    )
    assert channel_id is not None
    return int(channel_id)


async def _audit(
    conn: Connection, channel_id: int, repo_id: int, action: str, user: str, at: datetime
) -> None:
    await conn.execute(
        "INSERT INTO watch_audit (channel_id, repo_id, action, user_id, at)"
        " VALUES ($1, $2, $3, $4, $5)",
        channel_id, repo_id, action, user, _utc(at),
    )


# -- conversions --------------------------------------------------------------------------


def split_url(url: str) -> tuple[str, int | None]:
    """``url`` without Momentum's own ``pool_size`` parameter, and that parameter."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    size = next((int(value) for name, value in query if name == "pool_size"), None)
    rest = urlencode([(name, value) for name, value in query if name != "pool_size"])
    return urlunsplit(parts._replace(query=rest)), size


def _count(status: str) -> int:
    """The row count of a command tag such as ``UPDATE 1``."""
    return int(status.rsplit(" ", 1)[-1])


def _channel_params(key: ChannelKey) -> tuple[str, str, str]:
    return (key.platform, key.workspace, key.channel)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{moment!r} has no time zone; the store keeps UTC times")
    return moment.astimezone(UTC)


def _utc_or_none(moment: datetime | None) -> datetime | None:
    return None if moment is None else _utc(moment)


def _repo(row: Any) -> RepoRecord:
    ref = RepoRef(row[1], row[2])
    metadata = RepoMetadata(
        ref=ref,
        node_id=row[5],
        github_id=row[6],
        description=row[7],
        primary_language=row[8],
        topics=tuple(json.loads(row[9])),
        created_at=row[10],
        pushed_at=row[11],
    )
    return RepoRecord(
        id=row[0],
        ref=ref,
        status=row[3],
        added_at=row[4],
        metadata=metadata,
        metadata_fetched_at=row[12],
        stars_fetched_at=row[13],
    )


def _channel(row: Any) -> ChannelRecord:
    settings = ChannelSettings(
        window_days=row[4],
        timezone=row[5],
        schedule=row[6],
        schedule_weekday=row[7],
        schedule_time=row[8],
    )
    key = ChannelKey(cast(Platform, row[1]), row[2], row[3])
    return ChannelRecord(row[0], key, settings, row[9], row[10])


def _delivery(key: ChannelKey, row: Sequence[Any]) -> Delivery:
    return Delivery(key, row[0], row[1], row[2], row[3], row[4], row[5], row[6])
