""":class:`bot.core.store.Store` in SQL that SQLite and PostgreSQL both run, over a
:class:`storage.driver.Driver` that holds what differs between them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Self, cast

from bot.core.command import ChannelKey, Platform
from bot.core.repo_ref import RepoRef
from bot.core.store import (
    Access,
    AlertSettings,
    AuditEntry,
    BriefingText,
    ChannelRecord,
    ChannelSettings,
    Delivery,
    DeliveryStatus,
    FeedListFull,
    FeedRecord,
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
from storage import mentions as mention_sql
from storage.driver import Driver, Row, Transaction
from storage.migrations import load_migrations

_REPO_COLUMNS = (
    "repos.id, repos.owner, repos.name, repos.status, repos.added_at, repos.node_id, "
    "repos.github_id, repos.description, repos.primary_language, repos.topics, "
    "repos.created_at, repos.pushed_at, repos.metadata_fetched_at, repos.stars_fetched_at, "
    "repos.homepage"
)
_CHANNEL_COLUMNS = (
    "id, platform, workspace, channel, window_days, timezone, schedule, schedule_weekday, "
    "schedule_time, created_at, paused_reason, prose"
)
_DELIVERY_COLUMNS = (
    "deliveries.period, deliveries.status, deliveries.claimed_by, deliveries.claimed_at,"
    " deliveries.finished_at, deliveries.message_id, deliveries.error,"
    " deliveries.text_source, deliveries.text_note"
)
_CHANNEL_IS = "channels.platform = ? AND channels.workspace = ? AND channels.channel = ?"
_CHANNEL_ID = f"(SELECT id FROM channels WHERE {_CHANNEL_IS})"
# Ids per IN list of a bulk read: far below either backend's limit on parameters
# (SQLite 32,766, PostgreSQL 32,767), and a handful of statement shapes to prepare.
_IDS_PER_READ = 1000


class SqlStore:
    """The one store; :mod:`storage.sqlite` and :mod:`storage.postgres` open it."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver

    @classmethod
    async def migrated(cls, driver: Driver) -> Self:
        """The store on ``driver``, its schema brought up to date (closed if that fails)."""
        store = cls(driver)
        try:
            await store._migrate()
        except BaseException:
            await driver.close()
            raise
        return store

    async def close(self) -> None:
        await self.driver.close()

    async def _migrate(self) -> None:
        migrations = load_migrations()
        newest = len(migrations)  # numbered 1, 2, 3… without gaps
        async with self.driver.transaction(migrating=True) as tx:
            # NOT NULL before PRIMARY KEY: a plain key on PostgreSQL, not a generated one.
            for statement in self.driver.statements(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL"
                " PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            ):
                await tx.execute(statement)
            applied = {row[0] for row in await tx.fetch("SELECT version FROM schema_migrations")}
            if applied and max(applied) > newest:
                raise RuntimeError(
                    f"the database is at schema version {max(applied)}, newer than this "
                    f"program knows ({newest}); upgrade Momentum"
                )
            for migration in migrations:
                if migration.version in applied:
                    continue
                for statement in self.driver.statements(migration.sql):
                    await tx.execute(statement)
                await tx.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    migration.version, migration.name, datetime.now(UTC),
                )

    async def schema_version(self) -> int:
        return int((await self._one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))[0])

    async def _one(self, sql: str, *params: Any) -> Row:
        rows = await self.driver.fetch(sql, *params)
        return rows[0] if rows else ()

    # -- repositories ---------------------------------------------------------------------

    async def add_repo(self, ref: RepoRef, at: datetime) -> RepoRecord:
        async with self.driver.transaction() as tx:
            return await _ensure_repo(tx, ref, at)

    async def find_repo(self, ref: RepoRef) -> RepoRecord | None:
        row = await self._one(f"SELECT {_REPO_COLUMNS} FROM repos WHERE name_key = ?", ref.key)
        return _repo(row) if row else None

    async def find_repo_by_github_id(self, github_id: int) -> RepoRecord | None:
        row = await self._one(f"SELECT {_REPO_COLUMNS} FROM repos WHERE github_id = ?", github_id)
        return _repo(row) if row else None

    async def save_repo_metadata(self, repo_id: int, metadata: RepoMetadata, at: datetime) -> None:
        await self.driver.execute(
            "UPDATE repos SET owner = ?, name = ?, name_key = ?, node_id = ?, github_id = ?,"
            " description = ?, primary_language = ?, topics = ?, created_at = ?,"
            " pushed_at = ?, metadata_fetched_at = ?, homepage = ? WHERE id = ?",
            metadata.ref.owner, metadata.ref.name, metadata.ref.key, metadata.node_id,
            metadata.github_id, metadata.description, metadata.primary_language,
            json.dumps(list(metadata.topics)), metadata.created_at, metadata.pushed_at, at,
            metadata.homepage, repo_id,
        )

    async def mark_repo_gone(self, repo_id: int) -> None:
        await self.driver.execute("UPDATE repos SET status = 'gone' WHERE id = ?", repo_id)

    async def watched_repos(self) -> list[RepoRecord]:
        rows = await self.driver.fetch(
            f"SELECT {_REPO_COLUMNS} FROM repos WHERE EXISTS"
            " (SELECT 1 FROM watch_list WHERE watch_list.repo_id = repos.id) ORDER BY repos.id"
        )
        return [_repo(row) for row in rows]

    async def repos_by_id(self, repo_ids: Sequence[int]) -> dict[int, RepoRecord]:
        found: dict[int, RepoRecord] = {}
        for chunk in _chunks(repo_ids):
            rows = await self.driver.fetch(
                f"SELECT {_REPO_COLUMNS} FROM repos WHERE id IN {_marks(chunk)}", *chunk
            )
            found.update((row[0], _repo(row)) for row in rows)
        return found

    # -- star counts and events -----------------------------------------------------------

    async def add_snapshot(self, repo_id: int, snapshot: Snapshot) -> None:
        await self.driver.execute(
            "INSERT INTO star_snapshots (repo_id, taken_at, stars, forks) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (repo_id, taken_at) DO UPDATE"
            " SET stars = excluded.stars, forks = excluded.forks",
            repo_id, snapshot.taken_at, snapshot.stars, snapshot.forks,
        )

    async def latest_snapshot(self, repo_id: int, at: datetime | None = None) -> Snapshot | None:
        until = "" if at is None else " AND taken_at <= ?"
        row = await self._one(
            f"SELECT taken_at, stars, forks FROM star_snapshots WHERE repo_id = ?{until}"
            " ORDER BY taken_at DESC LIMIT 1",
            repo_id, *([] if at is None else [at]),
        )
        return Snapshot(_dt(row[0]), row[1], row[2]) if row else None

    async def latest_snapshots(
        self, repo_ids: Sequence[int], at: datetime
    ) -> dict[int, Snapshot]:
        found: dict[int, Snapshot] = {}
        for chunk in _chunks(repo_ids):
            rows = await self.driver.fetch(
                "SELECT s.repo_id, s.taken_at, s.stars, s.forks FROM star_snapshots s JOIN"
                " (SELECT repo_id, MAX(taken_at) AS newest FROM star_snapshots"
                f" WHERE repo_id IN {_marks(chunk)} AND taken_at <= ? GROUP BY repo_id) m"
                " ON m.repo_id = s.repo_id AND m.newest = s.taken_at",
                *chunk, at,
            )
            found.update((row[0], Snapshot(_dt(row[1]), row[2], row[3])) for row in rows)
        return found

    async def put_daily_stars(
        self, repo_id: int, counts: Mapping[date, int], reported_at: datetime
    ) -> None:
        async with self.driver.transaction() as tx:
            await tx.executemany(
                "INSERT INTO daily_stars (repo_id, day, stars, reported_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (repo_id, day) DO UPDATE"
                " SET stars = excluded.stars, reported_at = excluded.reported_at",
                [(repo_id, day, stars, reported_at) for day, stars in counts.items()],
            )
            await tx.execute(
                "UPDATE repos SET stars_fetched_at = ? WHERE id = ?"
                " AND (stars_fetched_at IS NULL OR stars_fetched_at < ?)",
                reported_at, repo_id, reported_at,
            )

    async def daily_stars(self, repo_id: int, start: date, end: date) -> dict[date, int]:
        rows = await self.driver.fetch(
            "SELECT day, stars FROM daily_stars WHERE repo_id = ? AND day >= ? AND day < ?"
            " ORDER BY day",
            repo_id, start, end,
        )
        return {_day(row[0]): row[1] for row in rows}

    async def daily_stars_many(
        self, repo_ids: Sequence[int], start: date, end: date
    ) -> dict[int, dict[date, int]]:
        found: dict[int, dict[date, int]] = {repo_id: {} for repo_id in repo_ids}
        days: dict[Any, date] = {}  # each day's text parsed once, not once per repo
        for chunk in _chunks(repo_ids):
            rows = await self.driver.fetch(
                "SELECT repo_id, day, stars FROM daily_stars"
                f" WHERE repo_id IN {_marks(chunk)} AND day >= ? AND day < ?"
                " ORDER BY repo_id, day",
                *chunk, start, end,
            )
            for repo_id, stored, stars in rows:
                day = days.get(stored)
                if day is None:
                    day = days[stored] = _day(stored)
                found[repo_id][day] = stars
        return found

    async def put_hourly_stars(
        self, repo_id: int, counts: Mapping[datetime, int], reported_at: datetime
    ) -> None:
        if not counts:
            return
        async with self.driver.transaction() as tx:
            await tx.execute(
                "DELETE FROM hourly_stars WHERE repo_id = ? AND hour_at < ?", repo_id, min(counts)
            )
            await tx.executemany(
                "INSERT INTO hourly_stars (repo_id, hour_at, stars, reported_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (repo_id, hour_at) DO UPDATE"
                " SET stars = excluded.stars, reported_at = excluded.reported_at",
                [(repo_id, hour, stars, reported_at) for hour, stars in counts.items()],
            )

    async def hourly_stars(
        self, repo_id: int, start: datetime, end: datetime
    ) -> dict[datetime, int]:
        rows = await self.driver.fetch(
            "SELECT hour_at, stars FROM hourly_stars"
            " WHERE repo_id = ? AND hour_at >= ? AND hour_at < ? ORDER BY hour_at",
            repo_id, start, end,
        )
        return {_dt(row[0]): row[1] for row in rows}

    async def stargazer_access(self, viewer: str) -> dict[int, StargazerAccess]:
        rows = await self.driver.fetch(
            "SELECT repo_id, listable, checked_at FROM stargazer_access WHERE viewer = ?", viewer
        )
        return {row[0]: StargazerAccess(bool(row[1]), _dt(row[2])) for row in rows}

    async def set_stargazer_access(
        self, repo_id: int, viewer: str, listable: bool, at: datetime
    ) -> None:
        await self.driver.execute(
            "INSERT INTO stargazer_access (repo_id, viewer, listable, checked_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (repo_id, viewer) DO UPDATE"
            " SET listable = excluded.listable, checked_at = excluded.checked_at",
            repo_id, viewer, int(listable), at,
        )

    async def add_events(self, repo_id: int, events: Iterable[RepoEvent]) -> None:
        async with self.driver.transaction() as tx:
            # Row by row: a batch may name one event twice, and the later wins.
            await tx.executemany(
                "INSERT INTO repo_events (repo_id, kind, event_key, title, url, occurred_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (repo_id, kind, event_key) DO UPDATE"
                " SET title = excluded.title, url = excluded.url,"
                " occurred_at = excluded.occurred_at",
                [(repo_id, e.kind, e.key, e.title, e.url, e.occurred_at) for e in events],
            )

    async def events(self, repo_id: int, since: datetime, until: datetime) -> list[RepoEvent]:
        rows = await self.driver.fetch(
            "SELECT kind, event_key, title, occurred_at, url FROM repo_events"
            " WHERE repo_id = ? AND occurred_at >= ? AND occurred_at < ?"
            " ORDER BY occurred_at, id",
            repo_id, since, until,
        )
        return [RepoEvent(row[0], row[1], row[2], _dt(row[3]), row[4]) for row in rows]

    async def events_many(
        self, repo_ids: Sequence[int], since: datetime, until: datetime
    ) -> dict[int, list[RepoEvent]]:
        found: dict[int, list[RepoEvent]] = {repo_id: [] for repo_id in repo_ids}
        for chunk in _chunks(repo_ids):
            rows = await self.driver.fetch(
                "SELECT repo_id, kind, event_key, title, occurred_at, url FROM repo_events"
                f" WHERE repo_id IN {_marks(chunk)} AND occurred_at >= ? AND occurred_at < ?"
                " ORDER BY occurred_at, id",
                *chunk, since, until,
            )
            for row in rows:
                found[row[0]].append(RepoEvent(row[1], row[2], row[3], _dt(row[4]), row[5]))
        return found

    # -- channels and watch lists ---------------------------------------------------------

    async def get_channel(self, key: ChannelKey) -> ChannelRecord | None:
        row = await self._one(
            f"SELECT {_CHANNEL_COLUMNS} FROM channels WHERE {_CHANNEL_IS}", *_channel_params(key)
        )
        return _channel(row) if row else None

    async def add_channel(self, key: ChannelKey, at: datetime) -> ChannelRecord:
        async with self.driver.transaction() as tx:
            await _ensure_channel(tx, key, at)
        record = await self.get_channel(key)
        assert record is not None
        return record

    async def save_channel_settings(self, key: ChannelKey, settings: ChannelSettings) -> None:
        changed = await self.driver.execute(
            "UPDATE channels SET window_days = ?, timezone = ?, schedule = ?,"
            f" schedule_weekday = ?, schedule_time = ?, prose = ? WHERE {_CHANNEL_IS}",
            settings.window_days, settings.timezone, settings.schedule,
            settings.schedule_weekday, settings.schedule_time, int(settings.prose),
            *_channel_params(key),
        )
        if changed == 0:
            raise LookupError(f"no channel {key}")

    async def pause_channel(self, key: ChannelKey, reason: str | None) -> None:
        changed = await self.driver.execute(
            f"UPDATE channels SET paused_reason = ? WHERE {_CHANNEL_IS}",
            reason, *_channel_params(key),
        )
        if changed == 0:
            raise LookupError(f"no channel {key}")

    async def workspace_channels(self, platform: Platform, workspace: str) -> list[ChannelRecord]:
        rows = await self.driver.fetch(
            f"SELECT {_CHANNEL_COLUMNS} FROM channels"
            " WHERE platform = ? AND workspace = ? ORDER BY id",
            platform, workspace,
        )
        return [_channel(row) for row in rows]

    async def workspace_access(self, platform: Platform, workspace: str) -> Access | None:
        row = await self._one(
            "SELECT access FROM workspaces WHERE platform = ? AND workspace = ?",
            platform, workspace,
        )
        return cast(Access | None, row[0]) if row else None

    async def set_workspace_access(
        self, platform: Platform, workspace: str, access: Access | None
    ) -> None:
        await self.driver.execute(
            "INSERT INTO workspaces (platform, workspace, access) VALUES (?, ?, ?)"
            " ON CONFLICT (platform, workspace) DO UPDATE SET access = excluded.access",
            platform, workspace, access,
        )

    async def watch_list(self, key: ChannelKey) -> list[WatchedRepo]:
        rows = await self.driver.fetch(
            f"SELECT {_REPO_COLUMNS}, watch_list.added_by, watch_list.added_at"
            " FROM watch_list JOIN repos ON repos.id = watch_list.repo_id"
            f" JOIN channels ON channels.id = watch_list.channel_id WHERE {_CHANNEL_IS}"
            " ORDER BY watch_list.position",
            *_channel_params(key),
        )
        return [WatchedRepo(_repo(row), row[-2], _dt(row[-1])) for row in rows]

    async def watch_list_ids(self) -> dict[ChannelKey, tuple[int, ...]]:
        rows = await self.driver.fetch(
            "SELECT channels.platform, channels.workspace, channels.channel,"
            " watch_list.repo_id FROM watch_list"
            " JOIN channels ON channels.id = watch_list.channel_id"
            " ORDER BY watch_list.channel_id, watch_list.position"
        )
        lists: dict[ChannelKey, list[int]] = {}
        for row in rows:
            lists.setdefault(_channel_key(row), []).append(row[3])
        return {key: tuple(ids) for key, ids in lists.items()}

    async def add_to_watch_list(
        self, key: ChannelKey, refs: Sequence[RepoRef], user: str, at: datetime, cap: int
    ) -> WatchChange:
        change = WatchChange()
        async with self.driver.transaction() as tx:
            # Locked, so that two adds at once cannot both pass the cap check.
            channel_id = await _ensure_channel(tx, key, at, lock=self.driver.for_update)
            size, position = (await tx.fetch(
                "SELECT COUNT(*), COALESCE(MAX(position), 0) FROM watch_list"
                " WHERE channel_id = ?",
                channel_id,
            ))[0]
            new: list[RepoRecord] = []
            for ref in dict.fromkeys(refs):
                repo = await _ensure_repo(tx, ref, at)
                listed = bool(await tx.fetch(
                    "SELECT 1 FROM watch_list WHERE channel_id = ? AND repo_id = ?",
                    channel_id, repo.id,
                ))
                (change.unchanged if listed else change.changed).append(repo.ref)
                if not listed:
                    new.append(repo)
            if size + len(new) > cap:
                raise WatchListFull(size, len(new), cap)
            for offset, repo in enumerate(new, start=1):
                await tx.execute(
                    "INSERT INTO watch_list (channel_id, repo_id, added_by, added_at, position)"
                    " VALUES (?, ?, ?, ?, ?)",
                    channel_id, repo.id, user, at, position + offset,
                )
                await _audit(tx, channel_id, repo.id, "add", user, at)
        return change

    async def remove_from_watch_list(
        self, key: ChannelKey, refs: Sequence[RepoRef], user: str, at: datetime
    ) -> WatchChange:
        change = WatchChange()
        async with self.driver.transaction() as tx:
            channel_id = await _ensure_channel(tx, key, at)
            for ref in dict.fromkeys(refs):
                removed = await tx.fetch(
                    "DELETE FROM watch_list WHERE channel_id = ? AND repo_id ="
                    " (SELECT id FROM repos WHERE name_key = ?) RETURNING repo_id",
                    channel_id, ref.key,
                )
                if not removed:
                    change.unchanged.append(ref)
                    continue
                change.changed.append(ref)
                await _audit(tx, channel_id, removed[0][0], "remove", user, at)
        return change

    async def watch_audit(self, key: ChannelKey) -> list[AuditEntry]:
        rows = await self.driver.fetch(
            "SELECT watch_audit.at, watch_audit.user_id, watch_audit.action,"
            " repos.owner, repos.name FROM watch_audit"
            " JOIN repos ON repos.id = watch_audit.repo_id"
            f" JOIN channels ON channels.id = watch_audit.channel_id WHERE {_CHANNEL_IS}"
            " ORDER BY watch_audit.id",
            *_channel_params(key),
        )
        return [AuditEntry(_dt(r[0]), r[1], r[2], RepoRef(r[3], r[4])) for r in rows]

    # -- deliveries -----------------------------------------------------------------------

    async def claim_delivery(
        self, key: ChannelKey, period: str, claimer: str, at: datetime
    ) -> bool:
        async with self.driver.transaction() as tx:
            channel_id = await _ensure_channel(tx, key, at)
            # The (channel, period) primary key makes the claim: of any number of
            # instances inserting at once, exactly one row goes in.
            return await tx.execute(
                "INSERT INTO deliveries (channel_id, period, status, claimed_by, claimed_at)"
                " VALUES (?, ?, 'claimed', ?, ?) ON CONFLICT (channel_id, period) DO NOTHING",
                channel_id, period, claimer, at,
            ) == 1

    async def finish_delivery(
        self, key: ChannelKey, period: str, status: DeliveryStatus, at: datetime, *,
        message_id: str | None = None, error: str | None = None,
        text: BriefingText | None = None, text_note: str | None = None,
    ) -> None:
        changed = await self.driver.execute(
            "UPDATE deliveries SET status = ?, finished_at = ?, message_id = ?, error = ?,"
            f" text_source = ?, text_note = ? WHERE period = ? AND channel_id = {_CHANNEL_ID}",
            status, at, message_id, error, text, text_note, period, *_channel_params(key),
        )
        if changed == 0:
            raise LookupError(f"no delivery of {period} to {key} was claimed")

    async def get_delivery(self, key: ChannelKey, period: str) -> Delivery | None:
        row = await self._one(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries"
            f" JOIN channels ON channels.id = deliveries.channel_id WHERE {_CHANNEL_IS}"
            " AND deliveries.period = ?",
            *_channel_params(key), period,
        )
        return _delivery(key, row) if row else None

    async def take_over_delivery(
        self, key: ChannelKey, period: str, claimer: str, at: datetime, stale_before: datetime
    ) -> bool:
        # SKIP LOCKED: when several instances find the same stale claim, the one that
        # locks it first takes it and the others move on at once instead of queueing.
        return await self.driver.execute(
            "UPDATE deliveries SET claimed_by = ?, claimed_at = ?"
            " WHERE (channel_id, period) IN (SELECT channel_id, period FROM deliveries"
            f" WHERE channel_id = {_CHANNEL_ID} AND period = ? AND status = 'claimed'"
            f" AND claimed_at < ?{self.driver.skip_locked})",
            claimer, at, *_channel_params(key), period, stale_before,
        ) == 1

    async def recent_deliveries(self, key: ChannelKey, limit: int) -> list[Delivery]:
        rows = await self.driver.fetch(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries"
            f" JOIN channels ON channels.id = deliveries.channel_id WHERE {_CHANNEL_IS}"
            " ORDER BY deliveries.claimed_at DESC, deliveries.period DESC LIMIT ?",
            *_channel_params(key), limit,
        )
        return [_delivery(key, row) for row in rows]

    async def stale_claims(self, stale_before: datetime, since: datetime) -> list[Delivery]:
        rows = await self.driver.fetch(
            f"SELECT channels.platform, channels.workspace, channels.channel, {_DELIVERY_COLUMNS}"
            " FROM deliveries JOIN channels ON channels.id = deliveries.channel_id"
            " WHERE deliveries.status = 'claimed' AND deliveries.claimed_at < ?"
            " AND deliveries.claimed_at >= ? ORDER BY deliveries.claimed_at",
            stale_before, since,
        )
        return [_delivery(_channel_key(r), r[3:]) for r in rows]

    async def try_lock_repo(self, repo_id: int) -> bool:
        return await self.driver.try_lock(repo_id)

    async def unlock_repo(self, repo_id: int) -> None:
        await self.driver.unlock(repo_id)

    async def scheduled_channels(self) -> list[ChannelRecord]:
        rows = await self.driver.fetch(
            f"SELECT {_CHANNEL_COLUMNS} FROM channels"
            " WHERE schedule != 'off' AND paused_reason IS NULL"
            " AND EXISTS (SELECT 1 FROM watch_list WHERE watch_list.channel_id = channels.id)"
            " ORDER BY id"
        )
        return [_channel(row) for row in rows]

    # -- named state ----------------------------------------------------------------------

    async def get_state(self, key: str) -> str | None:
        row = await self._one("SELECT value FROM app_state WHERE key = ?", key)
        return str(row[0]) if row else None

    async def set_state(self, key: str, value: str, at: datetime) -> None:
        await self.driver.execute(
            "INSERT INTO app_state (key, value, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE"
            " SET value = excluded.value, updated_at = excluded.updated_at",
            key, value, at,
        )

    # -- predictions ----------------------------------------------------------------------

    async def predictions(self, key: ChannelKey, *, open_only: bool = False) -> list[Prediction]:
        rows = await self.driver.fetch(
            "SELECT predictions.id, kind, statement, inputs, probability, predictions.made_at,"
            " due, outcome, resolved_at, set_id FROM predictions"
            f" JOIN channels ON channels.id = predictions.channel_id WHERE {_CHANNEL_IS}"
            + (" AND outcome IS NULL" if open_only else "")
            + " ORDER BY predictions.id",
            *_channel_params(key),
        )
        return [
            Prediction(row[0], key, row[1], row[2], json.loads(row[3]), row[4], _dt(row[5]),
                       _day(row[6]), None if row[7] is None else bool(row[7]), _dt_or_none(row[8]),
                       row[9])
            for row in rows
        ]

    async def resolve_prediction(self, prediction_id: int, outcome: bool, at: datetime) -> None:
        changed = await self.driver.execute(
            "UPDATE predictions SET outcome = ?, resolved_at = ? WHERE id = ?",
            int(outcome), at, prediction_id,
        )
        if changed == 0:
            raise LookupError(f"no prediction {prediction_id}")

    # -- mentions and channel feeds (SQL in storage.mentions) ------------------------------

    async def add_mentions(
        self, repo_id: int, mentions: Iterable[RepoEvent], feed_id: int | None = None
    ) -> None:
        rows = mention_sql.mention_rows(repo_id, mentions, feed_id, _same)
        async with self.driver.transaction() as tx:
            await tx.executemany(mention_sql.UPSERT_MENTION, rows)

    async def mentions(self, repo_id: int, since: datetime, until: datetime) -> list[RepoEvent]:
        rows = await self.driver.fetch(mention_sql.SELECT_MENTIONS, repo_id, since, until)
        return [mention_sql.mention(row, _dt) for row in rows]

    async def mentions_many(
        self, repo_ids: Sequence[int], since: datetime, until: datetime
    ) -> dict[int, list[RepoEvent]]:
        found: dict[int, list[RepoEvent]] = {repo_id: [] for repo_id in repo_ids}
        for chunk in _chunks(repo_ids):
            rows = await self.driver.fetch(
                mention_sql.select_mentions_of(len(chunk)), *chunk, since, until
            )
            for row in rows:
                found[row[0]].append(mention_sql.mention(row[1:], _dt))
        return found

    async def add_feed(
        self, key: ChannelKey, url: str, title: str, user: str, at: datetime, cap: int
    ) -> FeedRecord | None:
        async with self.driver.transaction() as tx:
            channel_id = await _ensure_channel(tx, key, at, lock=self.driver.for_update)
            if await tx.fetch(mention_sql.SELECT_FEED, channel_id, url):
                return None
            count = await tx.fetch(mention_sql.COUNT_FEEDS, channel_id)
            if int(count[0][0]) >= cap:
                raise FeedListFull(cap)
            await tx.execute(mention_sql.INSERT_FEED, channel_id, url, title, user, at)
            added = await tx.fetch(mention_sql.SELECT_FEED, channel_id, url)
        return mention_sql.feed(added[0], _dt)

    async def remove_feed(self, key: ChannelKey, url: str) -> bool:
        return await self.driver.execute(mention_sql.DELETE_FEED, url, *_channel_params(key)) > 0

    async def channel_feeds(self, key: ChannelKey) -> list[FeedRecord]:
        rows = await self.driver.fetch(mention_sql.CHANNEL_FEEDS, *_channel_params(key))
        return [mention_sql.feed(row, _dt) for row in rows]

    async def followed_feeds(self) -> list[tuple[ChannelKey, FeedRecord]]:
        rows = await self.driver.fetch(mention_sql.FOLLOWED_FEEDS)
        return [mention_sql.followed(row, _dt) for row in rows]

    async def record_feed_fetch(
        self,
        feed_id: int,
        at: datetime,
        *,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        if error is None:
            await self.driver.execute(mention_sql.FEED_FETCHED, at, etag, last_modified, feed_id)
        else:
            await self.driver.execute(mention_sql.FEED_FAILED, at, error, feed_id)

    # -- prediction receipts --------------------------------------------------------------

    async def add_prediction_set(
        self, key: ChannelKey, week: str, made_at: datetime, digest: str,
        previous: str | None, drafts: Sequence[PredictionDraft],
    ) -> bool:
        async with self.driver.transaction() as tx:
            channel_id = await _ensure_channel(tx, key, made_at)
            rows = await tx.fetch(
                "INSERT INTO prediction_sets (channel_id, week, made_at, digest, previous)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel_id, week) DO NOTHING RETURNING id",
                channel_id, week, made_at, digest, previous,
            )
            if not rows:
                return False  # another instance made this week's set
            await tx.executemany(
                "INSERT INTO predictions (channel_id, set_id, kind, statement, inputs,"
                " probability, made_at, due) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (channel_id, rows[0][0], draft.kind, draft.statement,
                     json.dumps(draft.inputs, sort_keys=True), draft.probability, made_at,
                     draft.due)
                    for draft in drafts
                ],
            )
        return True

    async def prediction_sets(self, key: ChannelKey) -> list[PredictionSet]:
        rows = await self.driver.fetch(
            "SELECT prediction_sets.id, week, made_at, digest, previous, message_id"
            " FROM prediction_sets JOIN channels ON channels.id = prediction_sets.channel_id"
            f" WHERE {_CHANNEL_IS} ORDER BY prediction_sets.id",
            *_channel_params(key),
        )
        return [
            PredictionSet(row[0], key, row[1], _dt(row[2]), row[3], row[4], row[5])
            for row in rows
        ]

    async def set_prediction_message(self, key: ChannelKey, week: str, message_id: str) -> None:
        await self.driver.execute(
            "UPDATE prediction_sets SET message_id = ? WHERE week = ? AND message_id IS NULL"
            f" AND channel_id = {_CHANNEL_ID}",
            message_id, week, *_channel_params(key),
        )

    # -- radar ----------------------------------------------------------------------------

    async def watching_channels(self) -> list[ChannelKey]:
        rows = await self.driver.fetch(
            "SELECT platform, workspace, channel FROM channels WHERE EXISTS"
            " (SELECT 1 FROM watch_list WHERE watch_list.channel_id = channels.id) ORDER BY id"
        )
        return [_channel_key(row) for row in rows]

    async def save_radar_pool(self, theme: str, repo_ids: Sequence[int], at: datetime) -> None:
        async with self.driver.transaction() as tx:
            await tx.execute("DELETE FROM radar_pool WHERE theme = ?", theme)
            await tx.executemany(
                "INSERT INTO radar_pool (theme, repo_id, search_rank, found_at)"
                " VALUES (?, ?, ?, ?)",
                [
                    (theme, repo_id, rank, at)
                    for rank, repo_id in enumerate(dict.fromkeys(repo_ids), start=1)
                ],
            )

    async def radar_pool(self, themes: Sequence[str]) -> list[RadarCandidate]:
        if not themes:
            return []
        rows = await self.driver.fetch(
            "SELECT radar_pool.theme, radar_pool.search_rank, radar_pool.found_at,"
            f" {_REPO_COLUMNS} FROM radar_pool JOIN repos ON repos.id = radar_pool.repo_id"
            f" WHERE radar_pool.theme IN ({', '.join('?' for _ in themes)})",
            *themes,
        )
        order = {theme: index for index, theme in enumerate(themes)}
        found = [RadarCandidate(row[0], _repo(row[3:]), row[1], _dt(row[2])) for row in rows]
        found.sort(key=lambda candidate: (order[candidate.theme], candidate.rank))
        return found

    # -- spike alerts ---------------------------------------------------------------------

    async def alert_settings(self, key: ChannelKey) -> AlertSettings | None:
        row = await self._one(
            "SELECT factor, floor, milestones FROM channel_alerts"
            f" JOIN channels ON channels.id = channel_alerts.channel_id WHERE {_CHANNEL_IS}",
            *_channel_params(key),
        )
        return AlertSettings(row[0], row[1], bool(row[2])) if row else None

    async def set_alert_settings(
        self, key: ChannelKey, settings: AlertSettings | None, at: datetime
    ) -> None:
        async with self.driver.transaction() as tx:
            channel_id = await _ensure_channel(tx, key, at)
            if settings is None:
                await tx.execute("DELETE FROM channel_alerts WHERE channel_id = ?", channel_id)
                return
            await tx.execute(
                "INSERT INTO channel_alerts (channel_id, factor, floor, milestones, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel_id) DO UPDATE"
                " SET factor = excluded.factor, floor = excluded.floor,"
                " milestones = excluded.milestones, updated_at = excluded.updated_at",
                channel_id, settings.factor, settings.floor, int(settings.milestones), at,
            )

    async def alerting_channels(self) -> list[tuple[ChannelKey, AlertSettings]]:
        rows = await self.driver.fetch(
            "SELECT platform, workspace, channel, factor, floor, milestones FROM channel_alerts"
            " JOIN channels ON channels.id = channel_alerts.channel_id"
            " WHERE channels.paused_reason IS NULL ORDER BY channels.id"
        )
        return [(_channel_key(row), AlertSettings(row[3], row[4], bool(row[5]))) for row in rows]

    async def claim_alert(self, key: ChannelKey, repo_id: int, kind: str, at: datetime) -> bool:
        async with self.driver.transaction() as tx:
            channel_id = await _ensure_channel(tx, key, at)
            return await tx.execute(
                "INSERT INTO sent_alerts (channel_id, repo_id, kind, sent_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (channel_id, repo_id, kind) DO NOTHING",
                channel_id, repo_id, kind, at,
            ) == 1

    async def rearm_alert(self, key: ChannelKey, repo_id: int, kind: str) -> None:
        await self.driver.execute(
            "DELETE FROM sent_alerts WHERE repo_id = ? AND kind = ?"
            f" AND channel_id = {_CHANNEL_ID}",
            repo_id, kind, *_channel_params(key),
        )


async def _ensure_repo(tx: Transaction, ref: RepoRef, at: datetime) -> RepoRecord:
    await tx.execute(
        "INSERT INTO repos (owner, name, name_key, added_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (name_key) DO NOTHING",
        ref.owner, ref.name, ref.key, at,
    )
    # A second statement, so that it sees a row another transaction committed meanwhile.
    return _repo((await tx.fetch(f"SELECT {_REPO_COLUMNS} FROM repos WHERE name_key = ?",
                                 ref.key))[0])


async def _ensure_channel(
    tx: Transaction, key: ChannelKey, at: datetime, *, lock: str = ""
) -> int:
    await tx.execute(
        "INSERT INTO channels (platform, workspace, channel, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (platform, workspace, channel) DO NOTHING",
        *_channel_params(key), at,
    )
    rows = await tx.fetch(f"SELECT id FROM channels WHERE {_CHANNEL_IS}{lock}",
                          *_channel_params(key))
    return int(rows[0][0])


async def _audit(
    tx: Transaction, channel_id: int, repo_id: int, action: str, user: str, at: datetime
) -> None:
    await tx.execute(
        "INSERT INTO watch_audit (channel_id, repo_id, action, user_id, at) VALUES (?, ?, ?, ?, ?)",
        channel_id, repo_id, action, user, at,
    )


def _chunks(repo_ids: Sequence[int]) -> Iterator[list[int]]:
    unique = list(dict.fromkeys(repo_ids))
    for start in range(0, len(unique), _IDS_PER_READ):
        yield unique[start:start + _IDS_PER_READ]


def _marks(ids: Sequence[int]) -> str:
    return f"({', '.join('?' for _ in ids)})"


def _channel_params(key: ChannelKey) -> tuple[str, str, str]:
    return (key.platform, key.workspace, key.channel)


def _channel_key(row: Row) -> ChannelKey:
    return ChannelKey(cast(Platform, row[0]), row[1], row[2])


def _same(moment: datetime) -> datetime:
    # The drivers convert times themselves (ISO text for SQLite).
    return moment


def _dt(value: str | datetime) -> datetime:
    """A time as either backend returns it (SQLite: ISO text; PostgreSQL: a datetime)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _dt_or_none(value: str | datetime | None) -> datetime | None:
    return None if value is None else _dt(value)


def _day(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _repo(row: Row) -> RepoRecord:
    """A repo from the columns ``_REPO_COLUMNS`` names, in that order."""
    ref = RepoRef(row[1], row[2])
    metadata = RepoMetadata(ref, row[5], row[6], row[7], row[8], tuple(json.loads(row[9])),
                            _dt_or_none(row[10]), _dt_or_none(row[11]), row[14])
    return RepoRecord(row[0], ref, row[3], _dt(row[4]), metadata, _dt_or_none(row[12]),
                      _dt_or_none(row[13]))


def _channel(row: Row) -> ChannelRecord:
    """A channel from the columns ``_CHANNEL_COLUMNS`` names, in that order."""
    settings = ChannelSettings(row[4], row[5], row[6], row[7], row[8], bool(row[11]))
    return ChannelRecord(row[0], _channel_key(row[1:4]), settings, _dt(row[9]), row[10])


def _delivery(key: ChannelKey, row: Row) -> Delivery:
    return Delivery(
        key, row[0], row[1], row[2], _dt(row[3]), _dt_or_none(row[4]), row[5], row[6],
        row[7], row[8],
    )
