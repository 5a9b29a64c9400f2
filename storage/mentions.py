"""The SQL of mentions (HN stories, feed items) and channel feeds, written once with ``?``
placeholders for both backends (PostgreSQL's numbers them with
:func:`storage.dialect.numbered_params`). Each backend passes its own conversion of
times: ISO text for SQLite, aware datetimes for PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from bot.core.command import ChannelKey
from bot.core.store import MENTION_KINDS, FeedRecord, RepoEvent

ToDb = Callable[[datetime], Any]
FromDb = Callable[[Any], datetime]

UPSERT_MENTION = (
    "INSERT INTO repo_mentions (repo_id, kind, event_key, title, url, occurred_at, points,"
    " comments, source, feed_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (repo_id, kind, event_key) DO UPDATE SET title = excluded.title,"
    " url = excluded.url, occurred_at = excluded.occurred_at, points = excluded.points,"
    " comments = excluded.comments, source = excluded.source"
)
SELECT_MENTIONS = (
    "SELECT kind, event_key, title, occurred_at, url, points, comments, source"
    " FROM repo_mentions WHERE repo_id = ? AND occurred_at >= ? AND occurred_at < ?"
    " ORDER BY occurred_at, id"
)


def select_mentions_of(repos: int) -> str:
    """:data:`SELECT_MENTIONS` for ``repos`` repositories at once, each row led by its
    repository's id."""
    marks = ", ".join("?" for _ in range(repos))
    return (
        "SELECT repo_id, kind, event_key, title, occurred_at, url, points, comments, source"
        f" FROM repo_mentions WHERE repo_id IN ({marks}) AND occurred_at >= ?"
        " AND occurred_at < ? ORDER BY occurred_at, id"
    )


_CHANNEL_IS = "channels.platform = ? AND channels.workspace = ? AND channels.channel = ?"
_FEED_COLUMNS = (
    "channel_feeds.id, channel_feeds.url, channel_feeds.title, channel_feeds.added_by,"
    " channel_feeds.added_at, channel_feeds.fetched_at, channel_feeds.etag,"
    " channel_feeds.last_modified, channel_feeds.error, channel_feeds.failures"
)
COUNT_FEEDS = "SELECT COUNT(*) FROM channel_feeds WHERE channel_id = ?"
INSERT_FEED = (
    "INSERT INTO channel_feeds (channel_id, url, title, added_by, added_at)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel_id, url) DO NOTHING"
)
SELECT_FEED = f"SELECT {_FEED_COLUMNS} FROM channel_feeds WHERE channel_id = ? AND url = ?"
DELETE_FEED = (
    "DELETE FROM channel_feeds WHERE url = ? AND channel_id ="
    f" (SELECT id FROM channels WHERE {_CHANNEL_IS})"
)
CHANNEL_FEEDS = (
    f"SELECT {_FEED_COLUMNS} FROM channel_feeds JOIN channels"
    f" ON channels.id = channel_feeds.channel_id WHERE {_CHANNEL_IS} ORDER BY channel_feeds.id"
)
FOLLOWED_FEEDS = (
    f"SELECT {_FEED_COLUMNS}, channels.platform, channels.workspace, channels.channel"
    " FROM channel_feeds JOIN channels ON channels.id = channel_feeds.channel_id"
    " ORDER BY channel_feeds.id"
)
FEED_FETCHED = (
    "UPDATE channel_feeds SET fetched_at = ?, etag = COALESCE(?, etag),"
    " last_modified = COALESCE(?, last_modified), error = NULL, failures = 0 WHERE id = ?"
)
FEED_FAILED = (
    "UPDATE channel_feeds SET fetched_at = ?, error = ?, failures = failures + 1 WHERE id = ?"
)


def mention_rows(
    repo_id: int, mentions: Iterable[RepoEvent], feed_id: int | None, to_db: ToDb
) -> list[tuple[Any, ...]]:
    rows = []
    for m in mentions:
        if m.kind not in MENTION_KINDS:
            raise ValueError(f"{m.kind} is not a mention; releases and PRs are events")
        rows.append((repo_id, m.kind, m.key, m.title, m.url, to_db(m.occurred_at), m.points,
                     m.comments, m.source, feed_id))
    return rows


def mention(row: Sequence[Any], from_db: FromDb) -> RepoEvent:
    return RepoEvent(row[0], row[1], row[2], from_db(row[3]), row[4], row[5], row[6], row[7])


def feed(row: Sequence[Any], from_db: FromDb) -> FeedRecord:
    return FeedRecord(
        id=int(row[0]), url=row[1], title=row[2], added_by=row[3], added_at=from_db(row[4]),
        fetched_at=None if row[5] is None else from_db(row[5]), etag=row[6],
        last_modified=row[7], error=row[8], failures=int(row[9]),
    )


def followed(row: Sequence[Any], from_db: FromDb) -> tuple[ChannelKey, FeedRecord]:
    return ChannelKey(row[10], row[11], row[12]), feed(row, from_db)
