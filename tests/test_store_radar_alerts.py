"""The Store contract for the radar pool and alerts (every backend the fixture yields)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.store import AlertSettings, Store

T0 = datetime(2026, 11, 25, 9, tzinfo=UTC)
C1 = ChannelKey("slack", "T1", "C1")
C2 = ChannelKey("discord", "G1", "C2")


async def test_radar_pools_are_replaced_per_theme(store: Store) -> None:
    a, b, c = [await store.add_repo(RepoRef("o", name), T0) for name in ("a", "b", "c")]
    await store.save_radar_pool("topic:llm", [b.id, a.id], T0)
    await store.save_radar_pool("language:Rust", [c.id], T0)
    later = T0 + timedelta(days=1)
    await store.save_radar_pool("topic:llm", [a.id, c.id, a.id], later)
    found = await store.radar_pool(["language:Rust", "topic:llm", "topic:none"])
    assert [(x.theme, x.repo.ref.name, x.rank, x.found_at) for x in found] == [
        ("language:Rust", "c", 1, T0),
        ("topic:llm", "a", 1, later),
        ("topic:llm", "c", 2, later),
    ]
    assert await store.radar_pool([]) == []


async def test_watching_channels_are_those_with_a_list(store: Store) -> None:
    await store.add_channel(C2, T0)
    await store.add_to_watch_list(C1, [RepoRef("o", "a")], "U", T0, cap=10)
    assert await store.watching_channels() == [C1]


async def test_alert_settings_on_off_and_paused(store: Store) -> None:
    assert await store.alert_settings(C1) is None
    await store.set_alert_settings(C1, AlertSettings(), T0)
    await store.set_alert_settings(C2, AlertSettings(2.5, 20, True), T0)
    await store.set_alert_settings(C1, AlertSettings(4.0, 30, False), T0)
    assert await store.alert_settings(C1) == AlertSettings(4.0, 30, False)
    assert await store.alerting_channels() == [
        (C1, AlertSettings(4.0, 30, False)), (C2, AlertSettings(2.5, 20, True))
    ]
    await store.pause_channel(C2, "gone")
    await store.set_alert_settings(C1, None, T0)
    assert await store.alerting_channels() == []


async def test_an_alert_is_claimed_once_until_rearmed(store: Store) -> None:
    repo = await store.add_repo(RepoRef("o", "a"), T0)
    assert await store.claim_alert(C1, repo.id, "spike", T0)
    assert not await store.claim_alert(C1, repo.id, "spike", T0 + timedelta(hours=6))
    assert await store.claim_alert(C2, repo.id, "spike", T0)  # another channel's own
    assert await store.claim_alert(C1, repo.id, "milestone:10000", T0)
    await store.rearm_alert(C1, repo.id, "spike")
    await store.rearm_alert(C1, repo.id, "spike")  # re-arming twice is harmless
    assert await store.claim_alert(C1, repo.id, "spike", T0 + timedelta(days=2))
    assert not await store.claim_alert(C2, repo.id, "spike", T0 + timedelta(days=2))
