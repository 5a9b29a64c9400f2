"""What every Store backend must do. Runs on each backend the ``store`` fixture yields."""

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.store import (
    ChannelSettings,
    PredictionDraft,
    RepoEvent,
    RepoMetadata,
    Snapshot,
    Store,
    WatchListFull,
)

T0 = datetime(2026, 4, 13, 9, 0, tzinfo=UTC)
C1 = ChannelKey("slack", "T1", "C1")
C2 = ChannelKey("discord", "G1", "C1")
VLLM = RepoRef("vllm-project", "vllm")
OLLAMA = RepoRef("ollama", "ollama")
LLAMA = RepoRef("ggml-org", "llama.cpp")


async def test_repos_are_added_once_whatever_the_case(store: Store) -> None:
    first = await store.add_repo(VLLM, T0)
    again = await store.add_repo(RepoRef("VLLM-Project", "VLLM"), T0 + timedelta(hours=1))
    assert again.id == first.id
    assert again.ref.full_name == "vllm-project/vllm"
    assert again.status == "active"
    assert again.added_at == T0
    found = await store.find_repo(RepoRef("vllm-project", "VLLM"))
    assert found is not None
    assert found.id == first.id
    assert await store.find_repo(OLLAMA) is None


async def test_a_rename_keeps_the_history(store: Store) -> None:
    repo = await store.add_repo(RepoRef("jmorganca", "ollama"), T0)
    await store.put_daily_stars(repo.id, {date(2026, 4, 1): 50}, T0)
    metadata = RepoMetadata(
        ref=OLLAMA, node_id="R_kgDOJ", github_id=658928958, description="Get up and running",
        primary_language="Go", topics=("llm", "go"),
        created_at=datetime(2023, 6, 26, tzinfo=UTC), pushed_at=T0,
    )
    await store.save_repo_metadata(repo.id, metadata, T0)
    assert await store.find_repo(RepoRef("jmorganca", "ollama")) is None
    renamed = await store.find_repo(OLLAMA)
    assert renamed is not None
    assert renamed.id == repo.id
    assert renamed.metadata == metadata
    assert renamed.metadata_fetched_at == T0
    assert await store.daily_stars(renamed.id, date(2026, 4, 1), date(2026, 4, 2)) == {
        date(2026, 4, 1): 50
    }


async def test_a_later_report_of_a_day_replaces_the_earlier(store: Store) -> None:
    repo = await store.add_repo(VLLM, T0)
    await store.put_daily_stars(
        repo.id, {date(2026, 4, 10): 120, date(2026, 4, 11): 80, date(2026, 4, 12): 30}, T0
    )
    # Two people unstarred on Apr 11: GitHub now reports 78 for that day.
    await store.put_daily_stars(repo.id, {date(2026, 4, 11): 78, date(2026, 4, 12): 95}, T0)
    stored = await store.daily_stars(repo.id, date(2026, 4, 10), date(2026, 4, 13))
    assert stored == {date(2026, 4, 10): 120, date(2026, 4, 11): 78, date(2026, 4, 12): 95}
    # The range is half-open: the end day is not included.
    assert await store.daily_stars(repo.id, date(2026, 4, 10), date(2026, 4, 11)) == {
        date(2026, 4, 10): 120
    }


async def test_latest_snapshot(store: Store) -> None:
    repo = await store.add_repo(VLLM, T0)
    assert await store.latest_snapshot(repo.id) is None
    await store.add_snapshot(repo.id, Snapshot(T0, 60_000, 10_500))
    await store.add_snapshot(repo.id, Snapshot(T0 + timedelta(hours=6), 60_120, 10_510))
    await store.add_snapshot(repo.id, Snapshot(T0 - timedelta(days=1), 59_000, None))
    assert await store.latest_snapshot(repo.id) == Snapshot(
        T0 + timedelta(hours=6), 60_120, 10_510
    )
    assert await store.latest_snapshot(repo.id, T0) == Snapshot(T0, 60_000, 10_500)
    assert await store.latest_snapshot(repo.id, T0 - timedelta(days=2)) is None


async def test_bulk_reads_agree_with_reads_one_repo_at_a_time(store: Store) -> None:
    """A thousand ids the store lacks come first, so the real ones fall in a second batch
    of ids (1,000 a query) and the lacking ones are keys with nothing in them."""
    one = await store.add_repo(VLLM, T0)
    two = await store.add_repo(OLLAMA, T0)
    await store.put_daily_stars(one.id, {date(2026, 4, 1): 5, date(2026, 4, 2): 7}, T0)
    await store.put_daily_stars(two.id, {date(2026, 4, 2): 9, date(2026, 4, 3): 11}, T0)
    for hours, stars in ((48, 100), (24, 110), (0, 120)):
        await store.add_snapshot(one.id, Snapshot(T0 - timedelta(hours=hours), stars))
    await store.add_snapshot(two.id, Snapshot(T0, 300))
    await store.add_events(one.id, [
        RepoEvent("release", "v1", "v1", T0 - timedelta(days=3)),
        RepoEvent("release", "v2", "v2", T0 - timedelta(days=1)),
    ])
    await store.add_events(two.id, [RepoEvent("pull_request", "4", "Fix", T0 - timedelta(2))])
    await store.add_mentions(two.id, [RepoEvent("hn_story", "9", "Show HN", T0 - timedelta(1))])
    absent = [10_000 + n for n in range(1000)]
    ids = [*absent, one.id, two.id]
    start, end = date(2026, 4, 2), date(2026, 4, 4)
    daily = await store.daily_stars_many(ids, start, end)
    assert daily[one.id] == {date(2026, 4, 2): 7}
    assert daily[two.id] == {date(2026, 4, 2): 9, date(2026, 4, 3): 11}
    assert all(daily[n] == {} for n in absent)
    # One day back: one's snapshot of 110 (24 h before T0); two has none that old.
    assert await store.latest_snapshots(ids, T0 - timedelta(days=1)) == {
        one.id: Snapshot(T0 - timedelta(hours=24), 110)
    }
    newest = await store.latest_snapshots(ids, T0)
    assert newest == {one.id: Snapshot(T0, 120), two.id: Snapshot(T0, 300)}
    since, until = T0 - timedelta(days=2), T0
    events = await store.events_many(ids, since, until)
    assert events[one.id] == await store.events(one.id, since, until)
    assert [e.key for e in events[one.id]] == ["v2"]
    assert [e.key for e in events[two.id]] == ["4"]
    mentions = await store.mentions_many(ids, since, until)
    assert mentions[two.id] == await store.mentions(two.id, since, until)
    assert [m.key for m in mentions[two.id]] == ["9"]
    assert mentions[one.id] == []
    found = await store.repos_by_id(ids)
    assert set(found) == {one.id, two.id}
    assert found[two.id] == await store.find_repo(OLLAMA)


async def test_events_are_upserted_and_read_by_time(store: Store) -> None:
    repo = await store.add_repo(VLLM, T0)
    release = RepoEvent("release", "v0.9.0", "v0.9.0", T0 - timedelta(days=5))
    pull = RepoEvent("pull_request", "1234", "Faster sampler", T0 - timedelta(days=2),
                     "https://github.com/vllm-project/vllm/pull/1234")
    await store.add_events(repo.id, [pull, release])
    renamed = RepoEvent("release", "v0.9.0", "v0.9.0: speed", T0 - timedelta(days=5))
    await store.add_events(repo.id, [renamed])
    assert await store.events(repo.id, T0 - timedelta(days=7), T0) == [renamed, pull]
    assert await store.events(repo.id, T0 - timedelta(days=2), T0) == [pull]
    assert await store.events(repo.id, T0 - timedelta(days=7), T0 - timedelta(days=2)) == [
        renamed
    ]


async def test_channels_have_default_settings_until_changed(store: Store) -> None:
    assert await store.get_channel(C1) is None
    created = await store.add_channel(C1, T0)
    assert created.settings == ChannelSettings()
    assert created.key == C1
    assert (await store.add_channel(C1, T0 + timedelta(days=1))).id == created.id
    chosen = ChannelSettings(window_days=14, timezone="Europe/Berlin", schedule="daily",
                             schedule_weekday=4, schedule_time="08:30")
    await store.save_channel_settings(C1, chosen)
    reread = await store.get_channel(C1)
    assert reread is not None
    assert reread.settings == chosen
    with pytest.raises(LookupError):
        await store.save_channel_settings(C2, chosen)


async def test_watch_lists_belong_to_their_channel(store: Store) -> None:
    change = await store.add_to_watch_list(C1, [VLLM, OLLAMA, VLLM], "U1", T0, cap=10)
    assert change.changed == [VLLM, OLLAMA]
    assert change.unchanged == []
    later = T0 + timedelta(minutes=5)
    change = await store.add_to_watch_list(C1, [LLAMA, OLLAMA], "U2", later, cap=10)
    assert change.changed == [LLAMA]
    assert change.unchanged == [OLLAMA]
    await store.add_to_watch_list(C2, [OLLAMA], "U9", T0, cap=10)

    listed = await store.watch_list(C1)
    assert [item.repo.ref for item in listed] == [VLLM, OLLAMA, LLAMA]
    assert [item.added_by for item in listed] == ["U1", "U1", "U2"]
    assert listed[2].added_at == later
    assert [item.repo.ref for item in await store.watch_list(C2)] == [OLLAMA]
    assert {repo.ref for repo in await store.watched_repos()} == {VLLM, OLLAMA, LLAMA}

    change = await store.remove_from_watch_list(C1, [OLLAMA, RepoRef("a", "b")], "U3", later)
    assert change.changed == [OLLAMA]
    assert change.unchanged == [RepoRef("a", "b")]
    assert [item.repo.ref for item in await store.watch_list(C1)] == [VLLM, LLAMA]
    # Still watched by C2.
    assert OLLAMA in {repo.ref for repo in await store.watched_repos()}


async def test_a_full_list_takes_nothing(store: Store) -> None:
    await store.add_to_watch_list(C1, [VLLM, OLLAMA], "U1", T0, cap=3)
    newcomers = [LLAMA, RepoRef("janhq", "jan")]
    with pytest.raises(WatchListFull) as full:
        await store.add_to_watch_list(C1, [*newcomers, VLLM], "U1", T0, cap=3)
    assert (full.value.size, full.value.adding, full.value.cap) == (2, 2, 3)
    assert [item.repo.ref for item in await store.watch_list(C1)] == [VLLM, OLLAMA]
    assert await store.find_repo(LLAMA) is None
    assert len(await store.watch_audit(C1)) == 2
    # Re-adding what is already listed needs no room.
    change = await store.add_to_watch_list(C1, [VLLM, LLAMA], "U1", T0, cap=3)
    assert change.changed == [LLAMA]


async def test_every_change_to_a_list_is_audited(store: Store) -> None:
    await store.add_to_watch_list(C1, [VLLM], "U1", T0, cap=10)
    await store.add_to_watch_list(C1, [VLLM], "U1", T0 + timedelta(minutes=1), cap=10)
    await store.remove_from_watch_list(C1, [VLLM], "U2", T0 + timedelta(minutes=2))
    await store.remove_from_watch_list(C1, [VLLM], "U2", T0 + timedelta(minutes=3))
    audit = await store.watch_audit(C1)
    assert [(e.action, e.user, e.ref, e.at) for e in audit] == [
        ("add", "U1", VLLM, T0),
        ("remove", "U2", VLLM, T0 + timedelta(minutes=2)),
    ]


async def test_a_period_is_delivered_once(store: Store) -> None:
    assert await store.claim_delivery(C1, "2026-W16", "instance-a", T0)
    assert not await store.claim_delivery(C1, "2026-W16", "instance-b", T0)
    assert await store.claim_delivery(C2, "2026-W16", "instance-b", T0)
    claimed = await store.get_delivery(C1, "2026-W16")
    assert claimed is not None
    assert (claimed.status, claimed.claimed_by, claimed.finished_at) == (
        "claimed", "instance-a", None
    )
    done_at = T0 + timedelta(seconds=3)
    await store.finish_delivery(C1, "2026-W16", "done", done_at, message_id="1713.0001")
    done = await store.get_delivery(C1, "2026-W16")
    assert done is not None
    assert (done.status, done.finished_at, done.message_id, done.error) == (
        "done", done_at, "1713.0001", None
    )
    with pytest.raises(LookupError):
        await store.finish_delivery(C1, "2026-W17", "done", done_at)
    assert await store.get_delivery(C1, "2026-W17") is None


async def test_predictions_are_kept_and_resolved(store: Store) -> None:
    drafts = [
        PredictionDraft(
            "list_velocity", "Likely, 70%: velocity stays above 150 stars/day through Apr 27.",
            {"threshold": 150, "weekly_velocities": [160.5, 171.0]}, 0.7, date(2026, 4, 27),
        ),
        PredictionDraft(
            "continues", "Unlikely, 40%: ollama/ollama keeps running above 170/day.",
            {"stars": 168_000}, 0.4, date(2026, 5, 4),
        ),
    ]
    assert await store.add_prediction_set(C1, "2026-W16", T0, "ab" * 32, None, drafts)
    # The same channel and week again (a second instance): refused, nothing stored.
    assert not await store.add_prediction_set(C1, "2026-W16", T0, "cd" * 32, None, drafts[:1])
    every = await store.predictions(C1)
    assert [p.statement for p in every] == [d.statement for d in drafts]
    (made,) = await store.prediction_sets(C1)
    assert (made.week, made.made_at, made.digest, made.previous, made.message_id) == (
        "2026-W16", T0, "ab" * 32, None, None
    )
    assert {p.set_id for p in every} == {made.id}
    first, second = (p.id for p in every)
    await store.resolve_prediction(first, True, T0 + timedelta(days=15))
    every = await store.predictions(C1)
    assert every[0].outcome is True
    assert every[0].resolved_at == T0 + timedelta(days=15)
    assert every[0].inputs == {"threshold": 150, "weekly_velocities": [160.5, 171.0]}
    assert every[0].probability == 0.7
    assert every[0].due == date(2026, 4, 27)
    assert every[0].made_at == T0
    assert [p.id for p in await store.predictions(C1, open_only=True)] == [second]
    assert await store.predictions(C2) == []
    with pytest.raises(LookupError):
        await store.resolve_prediction(9999, False, T0)
    # The next week chains to this one; the message id lands on its own week only.
    assert await store.add_prediction_set(C1, "2026-W17", T0, "ef" * 32, "ab" * 32, drafts)
    await store.set_prediction_message(C1, "2026-W17", "1713.0002")
    sets = await store.prediction_sets(C1)
    assert [(s.week, s.previous, s.message_id) for s in sets] == [
        ("2026-W16", None, None), ("2026-W17", "ab" * 32, "1713.0002")
    ]
    assert await store.prediction_sets(C2) == []


async def test_times_without_a_zone_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="time zone"):
        await store.add_repo(VLLM, datetime(2026, 4, 13, 9))
    assert await store.find_repo(VLLM) is None


async def test_a_gone_repo_is_marked(store: Store) -> None:
    repo = await store.add_repo(VLLM, T0)
    await store.mark_repo_gone(repo.id)
    found = await store.find_repo(VLLM)
    assert found is not None
    assert found.status == "gone"


async def test_a_channel_can_be_paused_with_a_reason(store: Store) -> None:
    await store.add_channel(C1, T0)
    await store.pause_channel(C1, "channel_not_found: the channel was deleted")
    paused = await store.get_channel(C1)
    assert paused is not None
    assert paused.paused_reason == "channel_not_found: the channel was deleted"
    await store.pause_channel(C1, None)
    resumed = await store.get_channel(C1)
    assert resumed is not None
    assert resumed.paused_reason is None
    with pytest.raises(LookupError):
        await store.pause_channel(C2, "gone")


async def test_a_workspace_lists_its_own_channels_paused_or_not(store: Store) -> None:
    assert await store.workspace_channels("slack", "T1") == []
    general = ChannelKey("slack", "T1", "C_GENERAL")
    elsewhere = ChannelKey("slack", "T2", "C_GENERAL")
    same_id_on_discord = ChannelKey("discord", "T1", "C_OTHER")
    for key in (general, elsewhere, same_id_on_discord, C1):
        await store.add_channel(key, T0)
    await store.pause_channel(C1, "is_archived")
    listed = await store.workspace_channels("slack", "T1")
    assert [record.key for record in listed] == [general, C1]
    assert [record.paused_reason for record in listed] == [None, "is_archived"]


async def test_workspace_access_defaults_to_none_until_chosen(store: Store) -> None:
    assert await store.workspace_access("slack", "T1") is None
    await store.set_workspace_access("slack", "T1", "managers")
    assert await store.workspace_access("slack", "T1") == "managers"
    assert await store.workspace_access("discord", "T1") is None
    await store.set_workspace_access("slack", "T1", "everyone")
    assert await store.workspace_access("slack", "T1") == "everyone"


async def test_named_state_is_kept(store: Store) -> None:
    assert await store.get_state("discord.commands_hash") is None
    await store.set_state("discord.commands_hash", "abc", T0)
    await store.set_state("discord.commands_hash", "def", T0 + timedelta(days=1))
    assert await store.get_state("discord.commands_hash") == "def"


async def test_an_abandoned_claim_can_be_taken_over_once(store: Store) -> None:
    assert await store.claim_delivery(C1, "2026-W16", "crashed", T0)
    fresh = T0 + timedelta(minutes=1)
    assert not await store.take_over_delivery(C1, "2026-W16", "b", fresh, stale_before=T0)
    later = T0 + timedelta(minutes=20)
    stale_before = later - timedelta(minutes=10)
    assert await store.take_over_delivery(C1, "2026-W16", "b", later, stale_before)
    assert not await store.take_over_delivery(C1, "2026-W16", "c", later, stale_before)
    taken = await store.get_delivery(C1, "2026-W16")
    assert taken is not None
    assert (taken.claimed_by, taken.claimed_at) == ("b", later)
    await store.finish_delivery(C1, "2026-W16", "done", later, message_id="m1")
    much_later = later + timedelta(days=1)
    assert not await store.take_over_delivery(C1, "2026-W16", "d", much_later, much_later)


async def test_recent_deliveries_newest_first(store: Store) -> None:
    for n, period in enumerate(("2026-W14", "2026-W15", "2026-W16")):
        await store.claim_delivery(C1, period, "a", T0 + timedelta(weeks=n))
    await store.finish_delivery(C1, "2026-W16", "failed", T0, error="not_in_channel")
    recent = await store.recent_deliveries(C1, 2)
    assert [(d.period, d.status, d.error) for d in recent] == [
        ("2026-W16", "failed", "not_in_channel"),
        ("2026-W15", "claimed", None),
    ]
    assert await store.recent_deliveries(C2, 5) == []


async def test_scheduled_channels_have_lists_and_no_pause(store: Store) -> None:
    await store.add_to_watch_list(C1, [VLLM], "U1", T0, cap=10)
    await store.add_to_watch_list(C2, [VLLM], "U1", T0, cap=10)
    empty = ChannelKey("slack", "T1", "EMPTY")
    await store.add_channel(empty, T0)
    off = ChannelKey("slack", "T1", "OFF")
    await store.add_to_watch_list(off, [VLLM], "U1", T0, cap=10)
    await store.save_channel_settings(off, ChannelSettings(schedule="off"))
    await store.pause_channel(C2, "is_archived")
    assert [channel.key for channel in await store.scheduled_channels()] == [C1]
