-- The RSS and Atom feeds a channel follows, with the validators of the last good fetch
-- (a 304 costs no parsing) and the last failure, which /momentum status reports.
CREATE TABLE channel_feeds (
    id            INTEGER PRIMARY KEY,
    channel_id    INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    url           TEXT NOT NULL,
    title         TEXT NOT NULL,
    added_by      TEXT NOT NULL,
    added_at      TEXT NOT NULL,
    fetched_at    TEXT,
    etag          TEXT,
    last_modified TEXT,
    error         TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (channel_id, url)
);

-- Hacker News stories and feed items that link to or name a repository: candidate causes
-- of a move beside its releases and merged pull requests, with their size (a story's
-- points and comments, which grow, so a later sighting updates them).
CREATE TABLE repo_mentions (
    id          INTEGER PRIMARY KEY,
    repo_id     INTEGER NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('hn_story', 'feed_item')),
    event_key   TEXT NOT NULL,
    title       TEXT NOT NULL,
    url         TEXT,
    occurred_at TEXT NOT NULL,
    points      INTEGER,
    comments    INTEGER,
    source      TEXT,
    feed_id     INTEGER REFERENCES channel_feeds (id) ON DELETE CASCADE,
    UNIQUE (repo_id, kind, event_key)
);
CREATE INDEX repo_mentions_by_time ON repo_mentions (repo_id, occurred_at);
