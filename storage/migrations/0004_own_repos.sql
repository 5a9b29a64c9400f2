-- Whether a token may read a repository's stargazer list (closed to all but its admins and
-- collaborators), learned with one call and kept so the call is not repeated. ``viewer``
-- is a fingerprint of the API URL and token, never the token: instances may run with
-- different tokens, and what one may read another may not.
CREATE TABLE stargazer_access (
    repo_id    INTEGER NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
    viewer     TEXT NOT NULL,
    listable   INTEGER NOT NULL CHECK (listable IN (0, 1)),
    checked_at TEXT NOT NULL,
    PRIMARY KEY (repo_id, viewer)
);

-- Stars given in each whole UTC hour (``hour_at``: the hour's start), counted from the
-- stargazer list of a repository the token may read. Only the latest report's hours are
-- kept: spike alerts need a day of them, and daily figures come from daily_stars.
CREATE TABLE hourly_stars (
    repo_id     INTEGER NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
    hour_at     TEXT NOT NULL,
    stars       INTEGER NOT NULL CHECK (stars >= 0),
    reported_at TEXT NOT NULL,
    PRIMARY KEY (repo_id, hour_at)
);
