-- Radar: young repositories GitHub search found for a theme ('topic:llm', 'language:Rust'),
-- replaced for each theme by the daily refresh. The repositories themselves are ordinary
-- rows of repos (their daily stars and snapshots live where every repo's do).
CREATE TABLE radar_pool (
    theme       TEXT NOT NULL,
    repo_id     INTEGER NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
    search_rank INTEGER NOT NULL,
    found_at    TEXT NOT NULL,
    PRIMARY KEY (theme, repo_id)
);

-- A channel's spike alerts: on while its row exists.
CREATE TABLE channel_alerts (
    channel_id INTEGER PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    factor     REAL NOT NULL CHECK (factor > 1),
    floor      INTEGER NOT NULL CHECK (floor >= 0),
    milestones INTEGER NOT NULL DEFAULT 0 CHECK (milestones IN (0, 1)),
    updated_at TEXT NOT NULL
);

-- Alerts sent and not yet re-armed: a spike's row goes when the repo falls back, so the
-- next spike alerts again; a milestone's stays. The key makes "send once" a claim.
CREATE TABLE sent_alerts (
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    repo_id    INTEGER NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    sent_at    TEXT NOT NULL,
    PRIMARY KEY (channel_id, repo_id, kind)
);
