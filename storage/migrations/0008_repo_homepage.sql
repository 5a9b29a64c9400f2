-- The homepage GitHub lists for a repository: Hacker News stories linking there are
-- about the repository too.
ALTER TABLE repos ADD COLUMN homepage TEXT;
