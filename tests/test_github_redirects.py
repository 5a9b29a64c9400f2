"""Redirects: the token goes only to GitHub's own origin, and another host's 404 never
marks a repository gone."""

from __future__ import annotations

from pathlib import Path

from bot.collection.collector import collect
from bot.testing import FakeClock, OtherHost
from storage.sqlite import SqliteStore
from tests.github_support import BIG, MID, T1, TOKEN, github, scenario, watch


async def test_a_redirect_to_another_host_gets_no_token_and_marks_nothing_gone(
    tmp_path: Path,
) -> None:
    store = await SqliteStore.open(tmp_path / "m.db")
    try:
        await watch(store, [BIG, MID], T1)
        async with OtherHost() as other, github(scenario(), FakeClock(T1), TOKEN) as (
            fake, client,
        ):
            fake.redirect(f"/repos/{BIG}/stargazers/history",
                          f"{other.url}/repos/{BIG}/stargazers/history?per_page=30")
            summary = await collect(store, client, T1)
        # The other host was asked once, without the token; its 404 is a failure of this
        # repository's refresh, not news that it was deleted.
        assert [path for path, _ in other.seen] == [f"/repos/{BIG}/stargazers/history"]
        assert "authorization" not in other.seen[0][1]
        assert summary.gone == []
        assert BIG in summary.failed
        assert "redirected to" in summary.failed[BIG]
        assert summary.refreshed == [MID]
        big = await store.find_repo(BIG)
        assert big is not None
        assert big.status == "active"
    finally:
        await store.close()


async def test_a_redirect_within_github_keeps_the_token() -> None:
    world = scenario()
    world.rename("mid/comet", "mid/meteor")
    async with github(world, FakeClock(T1), TOKEN) as (fake, client):
        history = await client.star_history(MID)
        # The 301 and the page it points to were both charged to the token's hour: both
        # requests carried it. Anonymous requests would have been charged to the 60.
        assert history.moved
        assert fake.remaining(TOKEN) == 5000 - 2
        assert fake.remaining(None) == 60
