-- Receipts for predictions: each briefing's set, with the SHA-256 of its canonical JSON
-- (``digest``), which holds the digest of the channel's set before it (``previous``), so
-- an edit to any stored prediction breaks the chain. One set per channel and ISO week,
-- so two instances cannot both make one.
CREATE TABLE prediction_sets (
    id         INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    week       TEXT NOT NULL,
    made_at    TEXT NOT NULL,
    digest     TEXT NOT NULL,
    previous   TEXT,
    message_id TEXT
);
CREATE UNIQUE INDEX prediction_sets_week ON prediction_sets (channel_id, week);

ALTER TABLE predictions ADD COLUMN set_id INTEGER REFERENCES prediction_sets (id) ON DELETE CASCADE;
