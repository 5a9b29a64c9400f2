"""The Store contract for hourly stars and stargazer-list access (every backend)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.repo_ref import RepoRef
from bot.core.store import StargazerAccess, Store

T0 = datetime(2026, 11, 25, 9, tzinfo=UTC)
H = timedelta(hours=1)


async def test_hourly_stars_replace_their_hours_and_forget_older_ones(store: Store) -> None:
    repo = await store.add_repo(RepoRef("o", "a"), T0)
    other = await store.add_repo(RepoRef("o", "b"), T0)
    await store.put_hourly_stars(repo.id, {T0 - 3 * H: 4, T0 - 2 * H: 0, T0 - H: 7}, T0)
    await store.put_hourly_stars(other.id, {T0 - 3 * H: 1}, T0)
    # An hour later: a star of T0 - 2 h was taken back, and T0 - 3 h is out of the window.
    await store.put_hourly_stars(repo.id, {T0 - 2 * H: 0, T0 - H: 6, T0: 5}, T0 + H)
    assert await store.hourly_stars(repo.id, T0 - 5 * H, T0 + 2 * H) == {
        T0 - 2 * H: 0, T0 - H: 6, T0: 5
    }
    # Half-open, and one repo's hours are its own.
    assert await store.hourly_stars(repo.id, T0 - H, T0) == {T0 - H: 6}
    assert await store.hourly_stars(other.id, T0 - 5 * H, T0) == {T0 - 3 * H: 1}
    await store.put_hourly_stars(repo.id, {}, T0)  # nothing to say changes nothing
    assert len(await store.hourly_stars(repo.id, T0 - 5 * H, T0 + 2 * H)) == 3


async def test_stargazer_access_is_kept_per_viewer(store: Store) -> None:
    a = await store.add_repo(RepoRef("o", "a"), T0)
    b = await store.add_repo(RepoRef("o", "b"), T0)
    assert await store.stargazer_access("viewer1") == {}
    await store.set_stargazer_access(a.id, "viewer1", True, T0)
    await store.set_stargazer_access(b.id, "viewer1", False, T0)
    await store.set_stargazer_access(a.id, "viewer2", False, T0)
    later = T0 + timedelta(days=30)
    await store.set_stargazer_access(b.id, "viewer1", True, later)
    assert await store.stargazer_access("viewer1") == {
        a.id: StargazerAccess(True, T0), b.id: StargazerAccess(True, later)
    }
    assert await store.stargazer_access("viewer2") == {a.id: StargazerAccess(False, T0)}


async def test_an_empty_daily_report_still_marks_the_repo_refreshed(store: Store) -> None:
    # A refresh from a snapshot alone (no star history on the server) reports no day.
    repo = await store.add_repo(RepoRef("o", "a"), T0)
    await store.put_daily_stars(repo.id, {}, T0)
    found = await store.find_repo(RepoRef("o", "a"))
    assert found is not None
    assert found.stars_fetched_at == T0
