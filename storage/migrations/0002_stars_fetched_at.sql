-- When GitHub last reported a repository's daily stars: the collector refreshes the
-- stalest first, and backfills a repository that has never been reported.
ALTER TABLE repos ADD COLUMN stars_fetched_at TEXT;
UPDATE repos SET stars_fetched_at =
    (SELECT MAX(reported_at) FROM daily_stars WHERE daily_stars.repo_id = repos.id);
