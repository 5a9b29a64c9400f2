-- Times are ISO-8601 UTC text ('2026-11-22T09:00:00+00:00'), days are 'YYYY-MM-DD'.

CREATE TABLE repos (
    id                  INTEGER PRIMARY KEY,
    owner               TEXT NOT NULL,
    name                TEXT NOT NULL,
    -- lower('owner/name'): GitHub names are case-insensitive
    name_key            TEXT NOT NULL UNIQUE,
    -- GitHub's ids survive renames and transfers; history hangs off our own id
    node_id             TEXT UNIQUE,
    github_id           INTEGER UNIQUE,
    description         TEXT,
    primary_language    TEXT,
    topics              TEXT NOT NULL DEFAULT '[]',
    created_at          TEXT,
    pushed_at           TEXT,
    status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'gone')),
    added_at            TEXT NOT NULL,
    metadata_fetched_at TEXT
);

-- Totals as read at a moment (stars, forks); differences of two are net stars.
CREATE TABLE star_snapshots (
    repo_id  INTEGER NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
    taken_at TEXT NOT NULL,
    stars    INTEGER NOT NULL CHECK (stars >= 0),
    forks    INTEGER CHECK (forks >= 0),
    PRIMARY KEY (repo_id, taken_at)
);

-- Stars given on each UTC day and still present, as GitHub last reported them.
CREATE TABLE daily_stars (
    repo_id     INTEGER NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
    day         TEXT NOT NULL,
    stars       INTEGER NOT NULL CHECK (stars >= 0),
    reported_at TEXT NOT NULL,
    PRIMARY KEY (repo_id, day)
);

-- Releases and merged pull requests: what coincided with a move.
CREATE TABLE repo_events (
    id          INTEGER PRIMARY KEY,
    repo_id     INTEGER NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('release', 'pull_request')),
    event_key   TEXT NOT NULL,
    title       TEXT NOT NULL,
    url         TEXT,
    occurred_at TEXT NOT NULL,
    UNIQUE (repo_id, kind, event_key)
);
CREATE INDEX repo_events_by_time ON repo_events (repo_id, occurred_at);

CREATE TABLE channels (
    id               INTEGER PRIMARY KEY,
    platform         TEXT NOT NULL,
    workspace        TEXT NOT NULL,
    channel          TEXT NOT NULL,
    -- NULL: the deployment's default (MOMENTUM_WINDOW_DAYS, MOMENTUM_TIMEZONE)
    window_days      INTEGER CHECK (window_days BETWEEN 1 AND 90),
    timezone         TEXT,
    schedule         TEXT NOT NULL DEFAULT 'weekly' CHECK (schedule IN ('weekly', 'daily', 'off')),
    schedule_weekday INTEGER NOT NULL DEFAULT 0 CHECK (schedule_weekday BETWEEN 0 AND 6),
    schedule_time    TEXT NOT NULL DEFAULT '09:00',
    paused_reason    TEXT,
    created_at       TEXT NOT NULL,
    UNIQUE (platform, workspace, channel)
);

CREATE TABLE watch_list (
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    repo_id    INTEGER NOT NULL REFERENCES repos (id),
    added_by   TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (channel_id, repo_id)
);
CREATE INDEX watch_list_by_repo ON watch_list (repo_id);

CREATE TABLE watch_audit (
    id         INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    repo_id    INTEGER NOT NULL REFERENCES repos (id),
    action     TEXT NOT NULL CHECK (action IN ('add', 'remove')),
    user_id    TEXT NOT NULL,
    at         TEXT NOT NULL
);

-- One row per channel and period: claimed before posting, finished after.
CREATE TABLE deliveries (
    channel_id  INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    period      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('claimed', 'done', 'failed', 'skipped')),
    claimed_by  TEXT NOT NULL,
    claimed_at  TEXT NOT NULL,
    finished_at TEXT,
    message_id  TEXT,
    error       TEXT,
    PRIMARY KEY (channel_id, period)
);

CREATE TABLE predictions (
    id          INTEGER PRIMARY KEY,
    channel_id  INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    statement   TEXT NOT NULL,
    -- JSON: what the model saw, so a prediction can be audited later
    inputs      TEXT NOT NULL,
    probability REAL NOT NULL CHECK (probability > 0 AND probability < 1),
    made_at     TEXT NOT NULL,
    due         TEXT NOT NULL,
    outcome     INTEGER CHECK (outcome IN (0, 1)),
    resolved_at TEXT
);
CREATE INDEX predictions_open ON predictions (due) WHERE outcome IS NULL;

-- Per-workspace (Slack team, Discord guild) choices; NULL access: the platform's default.
CREATE TABLE workspaces (
    platform  TEXT NOT NULL,
    workspace TEXT NOT NULL,
    access    TEXT CHECK (access IN ('everyone', 'managers')),
    PRIMARY KEY (platform, workspace)
);

-- Small facts the bot remembers between runs (e.g. the hash of its registered commands).
CREATE TABLE app_state (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
