"""The SQLite store: one file, WAL mode, foreign keys on, migrations applied at open."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

import aiosqlite

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
from storage.migrations import load_migrations

_REPO_COLUMNS = (
    "repos.id, repos.owner, repos.name, repos.status, repos.added_at, repos.node_id, "
    "repos.github_id, repos.description, repos.primary_language, repos.topics, "
    "repos.created_at, repos.pushed_at, repos.metadata_fetched_at, repos.stars_fetched_at"
)
_CHANNEL_COLUMNS = (
    "id, platform, workspace, channel, window_days, timezone, schedule, schedule_weekday, "
    "schedule_time, created_at, paused_reason"
)


class SqliteStore:
    """:class:`bot.core.store.Store` on one SQLite file.

    One connection serves the process; a lock keeps one task's transaction from
    interleaving with another's on it. ``BEGIN IMMEDIATE`` makes a second process that
    shares the file wait for the write lock instead of failing half-way.
    """

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        self._lock = asyncio.Lock()
        # One SQLite file serves one process, so collection locks live in memory.
        self._repo_locks: set[int] = set()

    @classmethod
    async def open(cls, path: str | Path) -> SqliteStore:
        # A failed aiosqlite.connect leaves its worker thread racing the closing event loop
        # (a stray traceback at exit), so learn whether the file opens before handing over.
        await asyncio.to_thread(_probe, path)
        db = await aiosqlite.connect(path, isolation_level=None)
        try:
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA foreign_keys = ON")
            await db.execute("PRAGMA busy_timeout = 10000")
            await db.execute("PRAGMA synchronous = NORMAL")
            store = cls(db)
            await store._migrate()
        except BaseException:
            await db.close()
            raise
        return store

    async def close(self) -> None:
        await self._db.close()

    # -- plumbing -------------------------------------------------------------------------

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")

    async def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        # One trip to aiosqlite's thread instead of three (execute, fetch, close): reads
        # are most of what a briefing does.
        async with self._lock:
            return list(await self._db.execute_fetchall(sql, params))

    async def _row(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        rows = await self._rows(sql, params)
        return rows[0] if rows else None

    async def _migrate(self) -> None:
        migrations = load_migrations()
        await self._db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        async with self._write() as db:
            async with db.execute("SELECT version FROM schema_migrations") as cursor:
                applied = {row[0] for row in await cursor.fetchall()}
            newest = max((migration.version for migration in migrations), default=0)
            if applied and max(applied) > newest:
                raise RuntimeError(
                    f"the database is at schema version {max(applied)}, newer than this "
                    f"program knows ({newest}); upgrade Momentum"
                )
            for migration in migrations:
                if migration.version in applied:
                    continue
                for statement in _statements(migration.sql):
                    await db.execute(statement)
                await db.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, _ts(datetime.now(UTC))),
                )

    async def schema_version(self) -> int:
        row = await self._row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return int(row[0]) if row else 0

    # -- repositories ---------------------------------------------------------------------

    async def add_repo(self, ref: RepoRef, at: datetime) -> RepoRecord:
        async with self._write() as db:
            return await _ensure_repo(db, ref, at)

    async def find_repo(self, ref: RepoRef) -> RepoRecord | None:
        row = await self._row(f"SELECT {_REPO_COLUMNS} FROM repos WHERE name_key = ?", (ref.key,))
        return _repo(row) if row else None

    async def find_repo_by_github_id(self, github_id: int) -> RepoRecord | None:
        row = await self._row(
            f"SELECT {_REPO_COLUMNS} FROM repos WHERE github_id = ?", (github_id,)
        )
        return _repo(row) if row else None

    async def save_repo_metadata(self, repo_id: int, metadata: RepoMetadata, at: datetime) -> None:
        async with self._write() as db:
            await db.execute(
                "UPDATE repos SET owner = ?, name = ?, name_key = ?, node_id = ?, github_id = ?,"
                " description = ?, primary_language = ?, topics = ?, created_at = ?,"
                " pushed_at = ?, metadata_fetched_at = ? WHERE id = ?",
                (
                    metadata.ref.owner,
                    metadata.ref.name,
                    metadata.ref.key,
                    metadata.node_id,
                    metadata.github_id,
                    metadata.description,
                    metadata.primary_language,
                    json.dumps(list(metadata.topics)),
                    _ts_or_none(metadata.created_at),
                    _ts_or_none(metadata.pushed_at),
                    _ts(at),
                    repo_id,
                ),
            )

    async def mark_repo_gone(self, repo_id: int) -> None:
        async with self._write() as db:
            await db.execute("UPDATE repos SET status = 'gone' WHERE id = ?", (repo_id,))

    async def watched_repos(self) -> list[RepoRecord]:
        rows = await self._rows(
            f"SELECT {_REPO_COLUMNS} FROM repos WHERE EXISTS"
            " (SELECT 1 FROM watch_list WHERE watch_list.repo_id = repos.id) ORDER BY repos.id"
        )
        return [_repo(row) for row in rows]

    # -- star counts and events -----------------------------------------------------------

    async def add_snapshot(self, repo_id: int, snapshot: Snapshot) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT INTO star_snapshots (repo_id, taken_at, stars, forks) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (repo_id, taken_at) DO UPDATE"
                " SET stars = excluded.stars, forks = excluded.forks",
                (repo_id, _ts(snapshot.taken_at), snapshot.stars, snapshot.forks),
            )

    async def latest_snapshot(
        self, repo_id: int, at: datetime | None = None
    ) -> Snapshot | None:
        row = await self._row(
            "SELECT taken_at, stars, forks FROM star_snapshots WHERE repo_id = ?"
            " AND taken_at <= ? ORDER BY taken_at DESC LIMIT 1",
            (repo_id, _ts(at) if at else "9999"),
        )
        return Snapshot(_dt(row[0]), row[1], row[2]) if row else None

    async def put_daily_stars(
        self, repo_id: int, counts: Mapping[date, int], reported_at: datetime
    ) -> None:
        reported = _ts(reported_at)
        async with self._write() as db:
            await db.executemany(
                "INSERT INTO daily_stars (repo_id, day, stars, reported_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (repo_id, day) DO UPDATE"
                " SET stars = excluded.stars, reported_at = excluded.reported_at",
                [(repo_id, day.isoformat(), stars, reported) for day, stars in counts.items()],
            )
            await db.execute(
                "UPDATE repos SET stars_fetched_at = ? WHERE id = ?"
                " AND (stars_fetched_at IS NULL OR stars_fetched_at < ?)",
                (reported, repo_id, reported),
            )

    async def daily_stars(self, repo_id: int, start: date, end: date) -> dict[date, int]:
        rows = await self._rows(
            "SELECT day, stars FROM daily_stars WHERE repo_id = ? AND day >= ? AND day < ?"
            " ORDER BY day",
            (repo_id, start.isoformat(), end.isoformat()),
        )
        return {date.fromisoformat(row[0]): row[1] for row in rows}

    async def put_hourly_stars(
        self, repo_id: int, counts: Mapping[datetime, int], reported_at: datetime
    ) -> None:
        if not counts:
            return
        reported = _ts(reported_at)
        async with self._write() as db:
            await db.execute(
                "DELETE FROM hourly_stars WHERE repo_id = ? AND hour_at < ?",
                (repo_id, _ts(min(counts))),
            )
            await db.executemany(
                "INSERT INTO hourly_stars (repo_id, hour_at, stars, reported_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (repo_id, hour_at) DO UPDATE"
                " SET stars = excluded.stars, reported_at = excluded.reported_at",
                [(repo_id, _ts(hour), stars, reported) for hour, stars in counts.items()],
            )

    async def hourly_stars(
        self, repo_id: int, start: datetime, end: datetime
    ) -> dict[datetime, int]:
        rows = await self._rows(
            "SELECT hour_at, stars FROM hourly_stars"
            " WHERE repo_id = ? AND hour_at >= ? AND hour_at < ? ORDER BY hour_at",
            (repo_id, _ts(start), _ts(end)),
        )
        return {_dt(row[0]): row[1] for row in rows}

    async def stargazer_access(self, viewer: str) -> dict[int, StargazerAccess]:
        rows = await self._rows(
            "SELECT repo_id, listable, checked_at FROM stargazer_access WHERE viewer = ?",
            (viewer,),
        )
        return {row[0]: StargazerAccess(bool(row[1]), _dt(row[2])) for row in rows}

    async def set_stargazer_access(
        self, repo_id: int, viewer: str, listable: bool, at: datetime
    ) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT INTO stargazer_access (repo_id, viewer, listable, checked_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (repo_id, viewer) DO UPDATE"
                " SET listable = excluded.listable, checked_at = excluded.checked_at",
                (repo_id, viewer, int(listable), _ts(at)),
            )

    async def add_events(self, repo_id: int, events: Iterable[RepoEvent]) -> None:
        async with self._write() as db:
            await db.executemany(
                "INSERT INTO repo_events (repo_id, kind, event_key, title, url, occurred_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (repo_id, kind, event_key) DO UPDATE"
                " SET title = excluded.title, url = excluded.url,"
                " occurred_at = excluded.occurred_at",
                [
                    (repo_id, e.kind, e.key, e.title, e.url, _ts(e.occurred_at))
                    for e in events
                ],
            )

    async def events(self, repo_id: int, since: datetime, until: datetime) -> list[RepoEvent]:
        rows = await self._rows(
            "SELECT kind, event_key, title, occurred_at, url FROM repo_events"
            " WHERE repo_id = ? AND occurred_at >= ? AND occurred_at < ?"
            " ORDER BY occurred_at, id",
            (repo_id, _ts(since), _ts(until)),
        )
        return [RepoEvent(row[0], row[1], row[2], _dt(row[3]), row[4]) for row in rows]

    # -- channels and watch lists ---------------------------------------------------------

    async def get_channel(self, key: ChannelKey) -> ChannelRecord | None:
        row = await self._row(
            f"SELECT {_CHANNEL_COLUMNS} FROM channels"
            " WHERE platform = ? AND workspace = ? AND channel = ?",
            _channel_params(key),
        )
        return _channel(row) if row else None

    async def add_channel(self, key: ChannelKey, at: datetime) -> ChannelRecord:
        async with self._write() as db:
            await _ensure_channel(db, key, at)
        record = await self.get_channel(key)
        assert record is not None
        return record

    async def save_channel_settings(self, key: ChannelKey, settings: ChannelSettings) -> None:
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE channels SET window_days = ?, timezone = ?, schedule = ?,"
                " schedule_weekday = ?, schedule_time = ?"
                " WHERE platform = ? AND workspace = ? AND channel = ?",
                (
                    settings.window_days,
                    settings.timezone,
                    settings.schedule,
                    settings.schedule_weekday,
                    settings.schedule_time,
                    *_channel_params(key),
                ),
            )
            if cursor.rowcount == 0:
                raise LookupError(f"no channel {key}")

    async def pause_channel(self, key: ChannelKey, reason: str | None) -> None:
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE channels SET paused_reason = ?"
                " WHERE platform = ? AND workspace = ? AND channel = ?",
                (reason, *_channel_params(key)),
            )
            if cursor.rowcount == 0:
                raise LookupError(f"no channel {key}")

    async def workspace_channels(self, platform: Platform, workspace: str) -> list[ChannelRecord]:
        rows = await self._rows(
            f"SELECT {_CHANNEL_COLUMNS} FROM channels"
            " WHERE platform = ? AND workspace = ? ORDER BY id",
            (platform, workspace),
        )
        return [_channel(row) for row in rows]

    async def workspace_access(self, platform: Platform, workspace: str) -> Access | None:
        row = await self._row(
            "SELECT access FROM workspaces WHERE platform = ? AND workspace = ?",
            (platform, workspace),
        )
        return None if row is None else cast(Access | None, row[0])

    async def set_workspace_access(
        self, platform: Platform, workspace: str, access: Access | None
    ) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT INTO workspaces (platform, workspace, access) VALUES (?, ?, ?)"
                " ON CONFLICT (platform, workspace) DO UPDATE SET access = excluded.access",
                (platform, workspace, access),
            )

    async def watch_list(self, key: ChannelKey) -> list[WatchedRepo]:
        rows = await self._rows(
            f"SELECT {_REPO_COLUMNS}, watch_list.added_by, watch_list.added_at"
            " FROM watch_list JOIN repos ON repos.id = watch_list.repo_id"
            " JOIN channels ON channels.id = watch_list.channel_id"
            " WHERE channels.platform = ? AND channels.workspace = ? AND channels.channel = ?"
            " ORDER BY watch_list.position",
            _channel_params(key),
        )
        return [WatchedRepo(_repo(row), row[-2], _dt(row[-1])) for row in rows]

    async def add_to_watch_list(
        self, key: ChannelKey, refs: Sequence[RepoRef], user: str, at: datetime, cap: int
    ) -> WatchChange:
        change = WatchChange()
        async with self._write() as db:
            channel_id = await _ensure_channel(db, key, at)
            async with db.execute(
                "SELECT COUNT(*), COALESCE(MAX(position), 0) FROM watch_list WHERE channel_id = ?",
                (channel_id,),
            ) as cursor:
                size, position = cast(tuple[int, int], await cursor.fetchone())
            new: list[RepoRecord] = []
            for ref in dict.fromkeys(refs):
                repo = await _ensure_repo(db, ref, at)
                async with db.execute(
                    "SELECT 1 FROM watch_list WHERE channel_id = ? AND repo_id = ?",
                    (channel_id, repo.id),
                ) as cursor:
                    listed = await cursor.fetchone() is not None
                (change.unchanged if listed else change.changed).append(repo.ref)
                if not listed:
                    new.append(repo)
            if size + len(new) > cap:
                raise WatchListFull(size, len(new), cap)
            for offset, repo in enumerate(new, start=1):
                await db.execute(
                    "INSERT INTO watch_list (channel_id, repo_id, added_by, added_at, position)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (channel_id, repo.id, user, _ts(at), position + offset),
                )
                await _audit(db, channel_id, repo.id, "add", user, at)
        return change

    async def remove_from_watch_list(
        self, key: ChannelKey, refs: Sequence[RepoRef], user: str, at: datetime
    ) -> WatchChange:
        change = WatchChange()
        async with self._write() as db:
            channel_id = await _ensure_channel(db, key, at)
            for ref in dict.fromkeys(refs):
                cursor = await db.execute(
                    "DELETE FROM watch_list WHERE channel_id = ? AND repo_id ="
                    " (SELECT id FROM repos WHERE name_key = ?) RETURNING repo_id",
                    (channel_id, ref.key),
                )
                removed = await cursor.fetchone()
                await cursor.close()
                if removed is None:
                    change.unchanged.append(ref)
                    continue
                change.changed.append(ref)
                await _audit(db, channel_id, removed[0], "remove", user, at)
        return change

    async def watch_audit(self, key: ChannelKey) -> list[AuditEntry]:
        rows = await self._rows(
            "SELECT watch_audit.at, watch_audit.user_id, watch_audit.action,"
            " repos.owner, repos.name FROM watch_audit"
            " JOIN repos ON repos.id = watch_audit.repo_id"
            " JOIN channels ON channels.id = watch_audit.channel_id"
            " WHERE channels.platform = ? AND channels.workspace = ? AND channels.channel = ?"
            " ORDER BY watch_audit.id",
            _channel_params(key),
        )
        return [AuditEntry(_dt(r[0]), r[1], r[2], RepoRef(r[3], r[4])) for r in rows]

    # -- deliveries -----------------------------------------------------------------------

    async def claim_delivery(
        self, key: ChannelKey, period: str, claimer: str, at: datetime
    ) -> bool:
        async with self._write() as db:
            channel_id = await _ensure_channel(db, key, at)
            cursor = await db.execute(
                "INSERT INTO deliveries (channel_id, period, status, claimed_by, claimed_at)"
                " VALUES (?, ?, 'claimed', ?, ?) ON CONFLICT (channel_id, period) DO NOTHING",
                (channel_id, period, claimer, _ts(at)),
            )
            return cursor.rowcount == 1

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
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE deliveries SET status = ?, finished_at = ?, message_id = ?, error = ?"
                " WHERE period = ? AND channel_id = (SELECT id FROM channels"
                " WHERE platform = ? AND workspace = ? AND channel = ?)",
                (status, _ts(at), message_id, error, period, *_channel_params(key)),
            )
            if cursor.rowcount == 0:
                raise LookupError(f"no delivery of {period} to {key} was claimed")

    async def get_delivery(self, key: ChannelKey, period: str) -> Delivery | None:
        row = await self._row(
            "SELECT status, claimed_by, claimed_at, finished_at, message_id, error"
            " FROM deliveries JOIN channels ON channels.id = deliveries.channel_id"
            " WHERE channels.platform = ? AND channels.workspace = ? AND channels.channel = ?"
            " AND period = ?",
            (*_channel_params(key), period),
        )
        if row is None:
            return None
        return Delivery(
            key, period, row[0], row[1], _dt(row[2]), _dt_or_none(row[3]), row[4], row[5]
        )

    async def take_over_delivery(
        self, key: ChannelKey, period: str, claimer: str, at: datetime, stale_before: datetime
    ) -> bool:
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE deliveries SET claimed_by = ?, claimed_at = ?"
                " WHERE period = ? AND status = 'claimed' AND claimed_at < ?"
                " AND channel_id = (SELECT id FROM channels"
                " WHERE platform = ? AND workspace = ? AND channel = ?)",
                (claimer, _ts(at), period, _ts(stale_before), *_channel_params(key)),
            )
            return cursor.rowcount == 1

    async def recent_deliveries(self, key: ChannelKey, limit: int) -> list[Delivery]:
        rows = await self._rows(
            "SELECT period, status, claimed_by, claimed_at, finished_at, message_id, error"
            " FROM deliveries JOIN channels ON channels.id = deliveries.channel_id"
            " WHERE channels.platform = ? AND channels.workspace = ? AND channels.channel = ?"
            " ORDER BY claimed_at DESC, period DESC LIMIT ?",
            (*_channel_params(key), limit),
        )
        return [
            Delivery(key, r[0], r[1], r[2], _dt(r[3]), _dt_or_none(r[4]), r[5], r[6])
            for r in rows
        ]

    async def stale_claims(self, stale_before: datetime, since: datetime) -> list[Delivery]:
        rows = await self._rows(
            "SELECT platform, workspace, channel, period, status, claimed_by, claimed_at,"
            " finished_at, message_id, error FROM deliveries"
            " JOIN channels ON channels.id = deliveries.channel_id"
            " WHERE status = 'claimed' AND claimed_at < ? AND claimed_at >= ?"
            " ORDER BY claimed_at",
            (_ts(stale_before), _ts(since)),
        )
        return [
            Delivery(ChannelKey(cast(Platform, r[0]), r[1], r[2]), r[3], r[4], r[5], _dt(r[6]),
                     _dt_or_none(r[7]), r[8], r[9])
            for r in rows
        ]

    async def try_lock_repo(self, repo_id: int) -> bool:
        if repo_id in self._repo_locks:
            return False
        self._repo_locks.add(repo_id)
        return True

    async def unlock_repo(self, repo_id: int) -> None:
        self._repo_locks.discard(repo_id)

    async def scheduled_channels(self) -> list[ChannelRecord]:
        rows = await self._rows(
            f"SELECT {_CHANNEL_COLUMNS} FROM channels"
            " WHERE schedule != 'off' AND paused_reason IS NULL"
            " AND EXISTS (SELECT 1 FROM watch_list WHERE watch_list.channel_id = channels.id)"
            " ORDER BY id"
        )
        return [_channel(row) for row in rows]

    # -- named state ----------------------------------------------------------------------

    async def get_state(self, key: str) -> str | None:
        row = await self._row("SELECT value FROM app_state WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    async def set_state(self, key: str, value: str, at: datetime) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT INTO app_state (key, value, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE"
                " SET value = excluded.value, updated_at = excluded.updated_at",
                (key, value, _ts(at)),
            )

    # -- predictions ----------------------------------------------------------------------

    async def predictions(self, key: ChannelKey, *, open_only: bool = False) -> list[Prediction]:
        rows = await self._rows(
            "SELECT predictions.id, kind, statement, inputs, probability, predictions.made_at,"
            " due, outcome, resolved_at, set_id FROM predictions"
            " JOIN channels ON channels.id = predictions.channel_id"
            " WHERE channels.platform = ? AND channels.workspace = ? AND channels.channel = ?"
            + (" AND outcome IS NULL" if open_only else "")
            + " ORDER BY predictions.id",
            _channel_params(key),
        )
        return [
            Prediction(
                id=row[0],
                channel=key,
                kind=row[1],
                statement=row[2],
                inputs=json.loads(row[3]),
                probability=row[4],
                made_at=_dt(row[5]),
                due=date.fromisoformat(row[6]),
                outcome=None if row[7] is None else bool(row[7]),
                resolved_at=_dt_or_none(row[8]),
                set_id=row[9],
            )
            for row in rows
        ]

    async def resolve_prediction(self, prediction_id: int, outcome: bool, at: datetime) -> None:
        async with self._write() as db:
            cursor = await db.execute(
                "UPDATE predictions SET outcome = ?, resolved_at = ? WHERE id = ?",
                (int(outcome), _ts(at), prediction_id),
            )
            if cursor.rowcount == 0:
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
        async with self._write() as db:
            channel_id = await _ensure_channel(db, key, made_at)
            cursor = await db.execute(
                "INSERT INTO prediction_sets (channel_id, week, made_at, digest, previous)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel_id, week) DO NOTHING",
                (channel_id, week, _ts(made_at), digest, previous),
            )
            if cursor.rowcount == 0:
                return False
            await db.executemany(
                "INSERT INTO predictions (channel_id, set_id, kind, statement, inputs,"
                " probability, made_at, due) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        channel_id, cursor.lastrowid, draft.kind, draft.statement,
                        json.dumps(draft.inputs, sort_keys=True), draft.probability,
                        _ts(made_at), draft.due.isoformat(),
                    )
                    for draft in drafts
                ],
            )
            return True

    async def prediction_sets(self, key: ChannelKey) -> list[PredictionSet]:
        rows = await self._rows(
            "SELECT prediction_sets.id, week, made_at, digest, previous, message_id"
            " FROM prediction_sets JOIN channels ON channels.id = prediction_sets.channel_id"
            " WHERE channels.platform = ? AND channels.workspace = ? AND channels.channel = ?"
            " ORDER BY prediction_sets.id",
            _channel_params(key),
        )
        return [
            PredictionSet(row[0], key, row[1], _dt(row[2]), row[3], row[4], row[5])
            for row in rows
        ]

    async def set_prediction_message(self, key: ChannelKey, week: str, message_id: str) -> None:
        async with self._write() as db:
            await db.execute(
                "UPDATE prediction_sets SET message_id = ? WHERE week = ? AND message_id IS NULL"
                " AND channel_id ="
                " (SELECT id FROM channels WHERE platform = ? AND workspace = ? AND channel = ?)",
                (message_id, week, *_channel_params(key)),
            )

    # -- radar ----------------------------------------------------------------------------

    async def watching_channels(self) -> list[ChannelKey]:
        rows = await self._rows(
            "SELECT platform, workspace, channel FROM channels WHERE EXISTS"
            " (SELECT 1 FROM watch_list WHERE watch_list.channel_id = channels.id) ORDER BY id"
        )
        return [ChannelKey(cast(Platform, row[0]), row[1], row[2]) for row in rows]

    async def save_radar_pool(self, theme: str, repo_ids: Sequence[int], at: datetime) -> None:
        async with self._write() as db:
            await db.execute("DELETE FROM radar_pool WHERE theme = ?", (theme,))
            await db.executemany(
                "INSERT INTO radar_pool (theme, repo_id, search_rank, found_at)"
                " VALUES (?, ?, ?, ?)",
                [
                    (theme, repo_id, rank, _ts(at))
                    for rank, repo_id in enumerate(dict.fromkeys(repo_ids), start=1)
                ],
            )

    async def radar_pool(self, themes: Sequence[str]) -> list[RadarCandidate]:
        if not themes:
            return []
        marks = ", ".join("?" for _ in themes)
        rows = await self._rows(
            f"SELECT radar_pool.theme, radar_pool.search_rank, radar_pool.found_at,"
            f" {_REPO_COLUMNS} FROM radar_pool JOIN repos ON repos.id = radar_pool.repo_id"
            f" WHERE radar_pool.theme IN ({marks})",
            list(themes),
        )
        order = {theme: index for index, theme in enumerate(themes)}
        found = [RadarCandidate(row[0], _repo(row[3:]), row[1], _dt(row[2])) for row in rows]
        found.sort(key=lambda candidate: (order[candidate.theme], candidate.rank))
        return found

    # -- spike alerts ---------------------------------------------------------------------

    async def alert_settings(self, key: ChannelKey) -> AlertSettings | None:
        row = await self._row(
            "SELECT factor, floor, milestones FROM channel_alerts"
            " JOIN channels ON channels.id = channel_alerts.channel_id"
            " WHERE channels.platform = ? AND channels.workspace = ? AND channels.channel = ?",
            _channel_params(key),
        )
        return None if row is None else AlertSettings(row[0], row[1], bool(row[2]))

    async def set_alert_settings(
        self, key: ChannelKey, settings: AlertSettings | None, at: datetime
    ) -> None:
        async with self._write() as db:
            channel_id = await _ensure_channel(db, key, at)
            if settings is None:
                await db.execute("DELETE FROM channel_alerts WHERE channel_id = ?", (channel_id,))
                return
            await db.execute(
                "INSERT INTO channel_alerts (channel_id, factor, floor, milestones, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel_id) DO UPDATE"
                " SET factor = excluded.factor, floor = excluded.floor,"
                " milestones = excluded.milestones, updated_at = excluded.updated_at",
                (channel_id, settings.factor, settings.floor, int(settings.milestones), _ts(at)),
            )

    async def alerting_channels(self) -> list[tuple[ChannelKey, AlertSettings]]:
        rows = await self._rows(
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
        async with self._write() as db:
            channel_id = await _ensure_channel(db, key, at)
            cursor = await db.execute(
                "INSERT INTO sent_alerts (channel_id, repo_id, kind, sent_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (channel_id, repo_id, kind) DO NOTHING",
                (channel_id, repo_id, kind, _ts(at)),
            )
            return cursor.rowcount == 1

    async def rearm_alert(self, key: ChannelKey, repo_id: int, kind: str) -> None:
        async with self._write() as db:
            await db.execute(
                "DELETE FROM sent_alerts WHERE repo_id = ? AND kind = ? AND channel_id ="
                " (SELECT id FROM channels WHERE platform = ? AND workspace = ? AND channel = ?)",
                (repo_id, kind, *_channel_params(key)),
            )


# -- helpers that run inside a transaction ------------------------------------------------


async def _ensure_repo(db: aiosqlite.Connection, ref: RepoRef, at: datetime) -> RepoRecord:
    await db.execute(
        "INSERT INTO repos (owner, name, name_key, added_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (name_key) DO NOTHING",
        (ref.owner, ref.name, ref.key, _ts(at)),
    )
    async with db.execute(
        f"SELECT {_REPO_COLUMNS} FROM repos WHERE name_key = ?", (ref.key,)
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return _repo(row)


async def _ensure_channel(db: aiosqlite.Connection, key: ChannelKey, at: datetime) -> int:
    await db.execute(
        "INSERT INTO channels (platform, workspace, channel, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (platform, workspace, channel) DO NOTHING",
        (*_channel_params(key), _ts(at)),
    )
    async with db.execute(
        "SELECT id FROM channels WHERE platform = ? AND workspace = ? AND channel = ?",
        _channel_params(key),
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def _audit(
    db: aiosqlite.Connection, channel_id: int, repo_id: int, action: str, user: str, at: datetime
) -> None:
    await db.execute(
        "INSERT INTO watch_audit (channel_id, repo_id, action, user_id, at) VALUES (?, ?, ?, ?, ?)",
        (channel_id, repo_id, action, user, _ts(at)),
    )


# -- conversions --------------------------------------------------------------------------


def _statements(script: str) -> Iterator[str]:
    """Split a SQL script into statements (a ';' in a string or comment stays put)."""
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \n\t;"):
                yield buffer
            buffer = ""
    if buffer.strip(" \n\t;"):
        raise ValueError("the migration ends in an incomplete statement")


def _probe(path: str | Path) -> None:
    sqlite3.connect(path).close()


def _channel_params(key: ChannelKey) -> tuple[str, str, str]:
    return (key.platform, key.workspace, key.channel)


def _ts(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError(f"{moment!r} has no time zone; the store keeps UTC times")
    return moment.astimezone(UTC).isoformat()


def _ts_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else _ts(moment)


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _dt_or_none(text: str | None) -> datetime | None:
    return None if text is None else _dt(text)


def _repo(row: sqlite3.Row | tuple[Any, ...]) -> RepoRecord:
    ref = RepoRef(row[1], row[2])
    metadata = RepoMetadata(
        ref=ref,
        node_id=row[5],
        github_id=row[6],
        description=row[7],
        primary_language=row[8],
        topics=tuple(json.loads(row[9])),
        created_at=_dt_or_none(row[10]),
        pushed_at=_dt_or_none(row[11]),
    )
    return RepoRecord(
        id=row[0],
        ref=ref,
        status=row[3],
        added_at=_dt(row[4]),
        metadata=metadata,
        metadata_fetched_at=_dt_or_none(row[12]),
        stars_fetched_at=_dt_or_none(row[13]),
    )


def _channel(row: sqlite3.Row) -> ChannelRecord:
    settings = ChannelSettings(
        window_days=row[4],
        timezone=row[5],
        schedule=row[6],
        schedule_weekday=row[7],
        schedule_time=row[8],
    )
    key = ChannelKey(cast(Platform, row[1]), row[2], row[3])
    return ChannelRecord(row[0], key, settings, _dt(row[9]), row[10])
