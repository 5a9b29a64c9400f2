"""Store contract additions the collector relies on (every backend must pass them)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.core.repo_ref import RepoRef
from bot.core.store import RepoMetadata, Store

T0 = datetime(2026, 11, 18, 12, tzinfo=UTC)


async def test_stars_fetched_at_follows_the_latest_report(store: Store) -> None:
    repo = await store.add_repo(RepoRef("a", "b"), T0)
    assert repo.stars_fetched_at is None
    await store.put_daily_stars(repo.id, {date(2026, 11, 17): 5}, T0)
    found = await store.find_repo(repo.ref)
    assert found is not None
    assert found.stars_fetched_at == T0
    # A late writer with an older report does not make the repository look fresher.
    await store.put_daily_stars(repo.id, {date(2026, 11, 16): 4}, T0 - timedelta(hours=1))
    found = await store.find_repo(repo.ref)
    assert found is not None
    assert found.stars_fetched_at == T0


async def test_find_repo_by_github_id_survives_a_rename(store: Store) -> None:
    repo = await store.add_repo(RepoRef("old", "name"), T0)
    assert await store.find_repo_by_github_id(42) is None
    await store.save_repo_metadata(
        repo.id, RepoMetadata(RepoRef("new", "name"), node_id="R_1", github_id=42), T0
    )
    found = await store.find_repo_by_github_id(42)
    assert found is not None
    assert (found.id, found.ref) == (repo.id, RepoRef("new", "name"))
