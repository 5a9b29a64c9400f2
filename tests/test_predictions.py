"""Predictions: made from stored weeks, settled from stored days only, scored by hand.

The scenario (as_of Monday 2026-04-13, so the last whole week is Apr 6-12):
acme/rocket  10 stars a day for 12 weeks, then 20 a day Apr 6-12 (140 that week): it
             accelerated most and no repo is ahead of it, so it is asked whether it
             continues: its 4-week pace is (70 + 70 + 70 + 140) / 28 = 12.5 a day, last
             week's 20 is above it, so: keeps running above 12 (12.5 rounded down)?
acme/slow    30 a day, then 15 a day Apr 6-12 (105): it slowed most; its 4-week pace is
             (210 × 3 + 105) / 28 = 26.25 a day, last week's 15 is below it, so: keeps
             running below 27 (26.25 rounded up)?
the list     (140 + 105) / 7 = 35.0 a day: stays above this week's 35/day?
All three are due Apr 19 (the week Apr 13-19). That week rocket gets 21 a day (21 > 12:
true), slow 30 a day (30 is not below 27: false), the list (147 + 210) / 7 = 51 a day
(true).
"""

from __future__ import annotations

import argparse
import math
import re
from datetime import UTC, date, datetime, timedelta
from typing import cast

import pytest

from adapters.text import render_text
from bot.app.cli.backtest import add_arguments, run_backtest
from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.store import PredictionDraft, Store
from bot.features.predictions import briefing_predictions, resolve_due, track_record
from bot.features.predictions.model import FEATURES
from bot.features.predictions.propose import likelihood
from bot.features.predictions.service import make_predictions
from storage.store import SqlStore
from tests.support import CHANNEL, Chat

AS_OF = date(2026, 4, 13)
NOW = datetime(2026, 4, 13, 9, 30, tzinfo=UTC)
NEXT = date(2026, 4, 20)
ROCKET, SLOW = RepoRef("acme", "rocket"), RepoRef("acme", "slow")
OTHER = ChannelKey("slack", "T1", "C2")


def days(first: date, last: date, stars: int) -> dict[date, int]:
    return {first + timedelta(n): stars for n in range((last - first).days + 1)}


async def seed(store: Store, key: ChannelKey = CHANNEL) -> dict[RepoRef, int]:
    await store.add_to_watch_list(key, [ROCKET, SLOW], "U_ALICE", NOW, cap=10)
    ids = {}
    for ref, before, last_week in ((ROCKET, 10, 20), (SLOW, 30, 15)):
        repo = await store.add_repo(ref, NOW)
        history = days(AS_OF - timedelta(weeks=13), date(2026, 4, 5), before)
        history |= days(date(2026, 4, 6), date(2026, 4, 12), last_week)
        await store.put_daily_stars(repo.id, history, NOW)
        ids[ref] = repo.id
    return ids


async def next_week(store: Store, ids: dict[RepoRef, int], reported: datetime) -> None:
    await store.put_daily_stars(ids[ROCKET], days(AS_OF, date(2026, 4, 19), 21), reported)
    await store.put_daily_stars(ids[SLOW], days(AS_OF, date(2026, 4, 19), 30), reported)


def test_track_record_by_hand() -> None:
    # Brier (0.01 + 0.04 + 0.16 + 0.16) / 4 = 0.0925; base rate 0.5, so the reference
    # is 0.25 and the skill 10 x (1 - 0.0925 / 0.25) = 6.3; one kind, so within kind too.
    record = track_record(
        [("k", 0.9, True), ("k", 0.2, False), ("k", 0.6, True), ("k", 0.4, False)]
    )
    assert record.brier == pytest.approx(0.0925)
    assert record.skill == pytest.approx(6.3)
    assert record.within_kind == pytest.approx(6.3)
    assert record.text() == (
        "Track record: 6.3/10 pooled, 6.3/10 within kind across 4 scored predictions "
        "(Brier 0.09)."
    )
    # Worse than always saying the base rate (0.5, Brier 0.25): said so, not shown as 0.
    worse = track_record([("k", 0.9, False), ("k", 0.1, True)])
    assert worse.skill == pytest.approx(10 * (1 - 0.81 / 0.25))
    assert worse.figures() == "below 0/10 pooled, below 0/10 within kind"
    assert track_record([]).text() == "Track record: no prediction has been scored yet."


def test_within_kind_skill_and_n_a_by_hand() -> None:
    # Kind a: both came true (base rate 1), so it cannot be judged within kind.
    # Kind b: base rate 0.5, reference 2 x 0.25 = 0.5, squared errors 0.09 + 0.04 = 0.13:
    # within kind 10 x (1 - 0.13 / 0.5) = 7.4.
    # Pooled: base rate 3/4, reference 0.1875; Brier (0.01 + 0.01 + 0.13) / 4 = 0.0375:
    # 10 x (1 - 0.0375 / 0.1875) = 8.0.
    record = track_record(
        [("a", 0.9, True), ("a", 0.9, True), ("b", 0.7, True), ("b", 0.2, False)]
    )
    assert record.skill == pytest.approx(8.0)
    assert record.within_kind == pytest.approx(7.4)
    assert record.text() == (
        "Track record: 8.0/10 pooled, 7.4/10 within kind across 4 scored predictions "
        "(Brier 0.04)."
    )
    # Every one came true: always saying so is perfect, so there is no skill to show;
    # Brier (0.09 + 0.01) / 2 = 0.05.
    alike = track_record([("a", 0.7, True), ("b", 0.9, True)])
    assert alike.skill is None
    assert alike.within_kind is None
    assert alike.text() == (
        "Track record: skill n/a (every one came true) across 2 scored predictions "
        "(Brier 0.05)."
    )
    assert "n/a (none came true)" in track_record([("a", 0.3, False)]).text()


async def test_predictions_follow_the_scenario_and_settle_by_hand(store: Store) -> None:
    ids = await seed(store)
    news = await briefing_predictions(store, CHANNEL, as_of=AS_OF, now=NOW)
    assert [p.kind for p in news.new] == ["list_velocity", "continues", "continues"]
    assert {p.due for p in news.new} == {date(2026, 4, 19)}
    statements = [re.sub(r"^[A-Z][a-z -]+, \d+%: ", "", p.statement) for p in news.new]
    assert statements == [
        "this list's velocity stays above its 35 stars/day of Apr 6–Apr 12 through Apr 19.",
        "acme/rocket keeps running above its 4-week pace of 12 stars/day through Apr 19.",
        "acme/slow keeps running below its 4-week pace of 27 stars/day through Apr 19.",
    ]
    # The model reads the stored days: rocket's threshold 12/day is 84 a week, so each
    # level x is log((1 + x) / 85). Last week and its last day (20 × 7) are 140; the
    # 4-week median of 70, 70, 70, 140 is 70; the store holds 13 whole weeks, a mean of
    # (12 × 70 + 140) / 13.
    rocket = dict(zip(FEATURES, cast(list[float], news.new[1].inputs["features"]), strict=True))
    assert [rocket[name] for name in ("last_week", "last_day", "median_4", "mean_16")] == \
        pytest.approx([math.log(141 / 85), math.log(141 / 85), math.log(71 / 85),
                       math.log((1 + 980 / 13) / 85)], abs=1e-6)
    for p in news.new:
        pct = round(p.probability * 100)
        assert p.statement.startswith(f"{likelihood(pct)}, {pct}%: ")
        assert p.inputs["as_of"] == "2026-04-13"
    assert news.scored == ()
    assert news.record.count == 0

    # Asked for again the same day: the same set, not a second one.
    again = await briefing_predictions(store, CHANNEL, as_of=AS_OF, now=NOW + timedelta(hours=1))
    assert [p.id for p in again.new] == [p.id for p in news.new]
    assert len(await store.predictions(CHANNEL)) == 3

    # Not due before the week is over, whatever the data.
    await next_week(store, ids, datetime(2026, 4, 20, 6, tzinfo=UTC))
    assert await resolve_due(store, CHANNEL, as_of=date(2026, 4, 19), now=NOW) == []

    later = datetime(2026, 4, 20, 9, tzinfo=UTC)
    settled = await resolve_due(store, CHANNEL, as_of=NEXT, now=later)
    assert [p.outcome for p in settled] == [True, True, False]
    stored = await store.predictions(CHANNEL)
    assert [p.outcome for p in stored] == [True, True, False]
    brier = sum((p.probability - o) ** 2 for p, o in zip(stored, (1, 1, 0), strict=True)) / 3
    record = (await briefing_predictions(store, CHANNEL, as_of=NEXT, now=NOW)).record
    assert record.count == 3
    assert record.brier == pytest.approx(brier)
    assert record.skill == pytest.approx(10 * (1 - brier / (2 / 3 * 1 / 3)))


async def test_settling_reads_the_channels_repos_not_the_install(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other channels watch 20 repos; settling this channel's 3 predictions reads its 3
    open predictions, its 2 repos' records and their 7 days each: 3 + 2 + 14 = 19 rows,
    none of the others'."""
    assert isinstance(store, SqlStore)
    ids = await seed(store)
    await briefing_predictions(store, CHANNEL, as_of=AS_OF, now=NOW)
    others = [RepoRef("other", f"repo{n}") for n in range(20)]
    await store.add_to_watch_list(OTHER, others, "U_BOB", NOW, cap=20)
    await next_week(store, ids, datetime(2026, 4, 20, 6, tzinfo=UTC))
    rows: list[tuple[object, ...]] = []
    fetch = store.driver.fetch

    async def counted(sql: str, *params: object) -> list[tuple[object, ...]]:
        found = await fetch(sql, *params)
        rows.extend(found)
        return found

    monkeypatch.setattr(store.driver, "fetch", counted)
    later = datetime(2026, 4, 20, 9, tzinfo=UTC)
    settled = await resolve_due(store, CHANNEL, as_of=NEXT, now=later)
    assert len(settled) == 3
    assert len(rows) == 19


async def test_never_settled_before_the_weeks_data_is_in(store: Store) -> None:
    ids = await seed(store)
    await make_predictions(store, CHANNEL, as_of=AS_OF, now=NOW)
    final = datetime(2026, 4, 20, 6, tzinfo=UTC)
    # rocket: reported while Apr 19 was still running, so that day's count is not final;
    # slow: final, but Apr 19 is missing.
    await store.put_daily_stars(
        ids[ROCKET], days(AS_OF, date(2026, 4, 19), 21), datetime(2026, 4, 19, 18, tzinfo=UTC)
    )
    await store.put_daily_stars(ids[SLOW], days(AS_OF, date(2026, 4, 18), 30), final)
    assert await resolve_due(store, CHANNEL, as_of=NEXT, now=final) == []
    await store.put_daily_stars(ids[ROCKET], days(AS_OF, date(2026, 4, 19), 21), final)
    settled = await resolve_due(store, CHANNEL, as_of=NEXT, now=final)
    assert [p.kind for p in settled] == ["continues"]  # rocket's alone is complete
    assert [p.outcome for p in await store.predictions(CHANNEL)] == [None, True, None]


async def test_too_little_history_makes_none(store: Store) -> None:
    await store.add_to_watch_list(CHANNEL, [ROCKET], "U_ALICE", NOW, cap=10)
    repo = await store.add_repo(ROCKET, NOW)
    # Nine whole weeks: one short of the six-week level and four weeks of its misses.
    nine_weeks = days(AS_OF - timedelta(weeks=9), date(2026, 4, 12), 9)
    await store.put_daily_stars(repo.id, nine_weeks, NOW)
    news = await briefing_predictions(store, CHANNEL, as_of=AS_OF, now=NOW)
    assert news.new == ()
    tenth_week = days(AS_OF - timedelta(weeks=10), AS_OF - timedelta(weeks=9, days=1), 9)
    await store.put_daily_stars(repo.id, tenth_week, NOW)
    assert len(await make_predictions(store, CHANNEL, as_of=AS_OF, now=NOW)) == 1


async def test_a_channels_record_counts_its_own_predictions_only(store: Store) -> None:
    ids = await seed(store)
    await store.add_to_watch_list(OTHER, [ROCKET], "U_BOB", NOW, cap=10)
    await make_predictions(store, CHANNEL, as_of=AS_OF, now=NOW)
    mine = await make_predictions(store, OTHER, as_of=AS_OF, now=NOW)
    assert [p.kind for p in mine] == ["continues"]
    later = datetime(2026, 4, 20, 9, tzinfo=UTC)
    await next_week(store, ids, datetime(2026, 4, 20, 6, tzinfo=UTC))
    other = await briefing_predictions(store, OTHER, as_of=NEXT, now=later)
    assert other.record.count == 1
    assert [p.outcome for p in other.scored] == [True]
    # The first channel's predictions are still open until its own briefing settles them.
    assert [p.outcome for p in await store.predictions(CHANNEL)] == [None, None, None]
    first = await briefing_predictions(store, CHANNEL, as_of=NEXT, now=later)
    assert first.record.count == 3


async def test_briefing_and_command_show_predictions(store: Store, chat: Chat) -> None:
    ids = await seed(store)
    text = await chat.say_text("/momentum predictions")
    assert "No predictions here yet" in text
    first = await chat.say_text("/momentum briefing")
    assert "Predictions\nNew, due Apr 19:" in first
    assert "acme/slow keeps running below its 4-week pace of 27 stars/day" in first
    assert "Track record: no prediction has been scored yet." in first

    await next_week(store, ids, datetime(2026, 4, 20, 6, tzinfo=UTC))
    chat.clock.now = datetime(2026, 4, 20, 9, 30, tzinfo=UTC)
    second = await chat.say_text("/momentum briefing")
    stored = [p for p in await store.predictions(CHANNEL) if p.outcome is not None]
    brier = sum((p.probability - o) ** 2 for p, o in zip(stored, (1, 1, 0), strict=True)) / 3
    skill = shown(10 * (1 - brier / (2 / 9)))
    # Last week's outcomes first (1, 1, 0: two of three came true), then the new set.
    assert "Predictions\nLast week: 2 of 3 came true.\n✓ came true" in second
    assert second.index("came true:") < second.index("New, due Apr 26:")
    assert f"✓ came true: {stored[0].statement}" in second
    assert f"✗ did not: {stored[2].statement}" in second
    # One kind of question (continues) holds both judged-within-kind predictions: base
    # rate 1/2, reference 2 x 1/4; the list's (the only one of its kind) cannot be judged.
    within = shown(10 * (1 - sum(
        (p.probability - o) ** 2 for p, o in zip(stored[1:], (1, 0), strict=True)
    ) / 0.5))
    record = (
        f"Track record: {skill} pooled, {within} within kind across 3 scored "
        f"predictions (Brier {brier:.2f})."
    )
    assert record in second

    listing = await chat.say_text("/momentum predictions")
    assert listing.index("Last week: 2 of 3 came true.") < listing.index("Track record")
    sets = await store.prediction_sets(CHANNEL)
    assert [s.week for s in sets] == ["2026-W16", "2026-W17"]
    assert f"Receipt: 2 sets chained; the latest (2026-W17) has SHA-256 {sets[1].digest[:16]}" \
        in listing
    assert "Open" in listing
    assert "(due Apr 26)" in listing
    assert "Scored, newest first" in listing
    assert f"✗ did not: {stored[2].statement}" in listing
    assert f"Track record: {skill} pooled" in listing
    assert "takes no arguments" in await chat.say_text("/momentum predictions all")
    # Asked for the ledger in chat: where it is printed, with this channel's key.
    export = await chat.say_text("/momentum predictions export")
    assert "The ledger is exported on the bot's host" in export
    assert f"momentum predictions export --channel {CHANNEL} --verify" in export
    assert f"--channel {CHANNEL.platform}:{CHANNEL.workspace}/{CHANNEL.channel} " in export
    assert len(await store.prediction_sets(CHANNEL)) == 2  # nothing changed


def shown(skill: float) -> str:
    """Skill as the track record words it: worse than the base rate is "below 0/10"."""
    return "below 0/10" if round(skill, 1) < 0 else f"{skill:.1f}/10"


async def test_ad_hoc_briefings_have_no_predictions_section(store: Store) -> None:
    from bot.features.briefing import compose
    from bot.features.briefing.message import briefing_message

    await seed(store)
    repos = [item.repo for item in await store.watch_list(CHANNEL)]
    message = briefing_message(await compose(store, repos, AS_OF, 7))
    assert "Predictions" not in render_text(message)


async def test_backtest_replays_and_scores(store: Store) -> None:
    ids = await seed(store)
    await next_week(store, ids, datetime(2026, 4, 20, 6, tzinfo=UTC))
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(
        ["--repos", "acme/rocket,acme/slow", "--from", "2026-04-13", "--to", "2026-04-13"]
    )
    output = await run_backtest(store, args)
    # One briefing (Apr 13), the scenario's three predictions, settled as above.
    assert "1 weekly briefings of 1 list" in output
    assert "3 predictions made, 3 scored" in output
    assert "Base rate: 66.7% came true." in output
    # The list's one prediction came true: a base rate of 1 leaves nothing to judge.
    assert "  list_velocity: n/a (every one came true) across 1 scored prediction" in output
    assert "0.0/10 (Brier 0.00)" not in output
    continues = [p for p in (await store.predictions(CHANNEL)) if p.kind == "continues"]
    assert continues == []  # a backtest stores nothing
    assert "Calibration" in output


async def test_predictions_made_before_continues_still_settle(store: Store) -> None:
    # A "repo_velocity" prediction from before: rocket above 20 a day through Apr 19;
    # that week it gets 21 a day, so it came true.
    ids = await seed(store)
    rocket = [{"id": ids[ROCKET], "name": "acme/rocket"}]
    old = {"claim": {"kind": "repo_velocity", "repos": rocket, "start": "2026-04-13",
                     "due": "2026-04-19", "threshold_per_day": 20.0}, "as_of": "2026-04-13"}
    draft = PredictionDraft("repo_velocity", "60%: acme/rocket stays above 20/day.", old, 0.6,
                            date(2026, 4, 19))
    await store.add_prediction_set(CHANNEL, "2026-W16", NOW, "ab" * 32, None, [draft])
    await next_week(store, ids, datetime(2026, 4, 20, 6, tzinfo=UTC))
    later = datetime(2026, 4, 20, 9, tzinfo=UTC)
    settled = await resolve_due(store, CHANNEL, as_of=NEXT, now=later)
    assert [(p.kind, p.outcome) for p in settled] == [("repo_velocity", True)]
