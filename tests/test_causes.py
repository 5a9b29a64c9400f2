"""Causes from every source, spikes told from sustained moves, and coverage against stars,
on a scenario worked out by hand.

as_of is Monday 2026-11-30, the window 7 days: current = Nov 23-29, prior = Nov 16-22.
Every repo has daily stars from Jun 1 at one level until the current window, so each has
the floor of the usual swing, ln(1 + 1/(week + 2)) × √(7/6), and every change below is
beyond it: weeks of 70 -> 0.014898 (±1.5%), 140 -> 0.0075798 (±0.8%), 210 -> 0.0050830
(±0.5%), 350 -> 0.0030642 (±0.3%).

hn/spiky   (topic llm) 10/day; Nov 23-26 10, Nov 27 40, Nov 28 200, Nov 29 24: current
           40 + 40 + 200 + 24 = 304 (43.43/day) against 70 (10/day): +234/7 = +33.43/day,
           +334.3%. Nov 28 holds 200/304 = 65.8%: a one-day spike.
           HN story 4242 (412 points, 138 comments) Nov 27 18:00: the 48 h to Nov 29 18:00
           hold 40×6/24 + 200 + 24×18/24 = 10 + 200 + 18 = 228 stars; baseline Oct 30-Nov 26
           = 10/day -> (228/48)/(10/24) = 11.4×.
           PR #7 merged Nov 28 09:00: 48 h cut at Nov 30 00:00 = 39 h, 200×15/24 + 24 = 149;
           baseline Oct 31-Nov 27 = (27×10 + 40)/28 = 11.071 -> (149/39)/(11.071/24) =
           8.28×. Feed item Nov 28 12:00: 36 h, 100 + 24 = 124 -> (124/36)/(11.071/24) =
           7.47×. Both are within 48 h of the story (15 h and 18 h after): "2 more events".
rel/riser  (topic database) 20/day; release v2.0 Nov 23 00:00, then 40 every day: current
           280 (40/day) against 140 (20/day): +20/day, +100%; all 7 days above 20: a
           sustained rise. v2.0: 80 stars in 48 h, baseline 20/day -> (80/48)/(20/24) =
           2.0×. A feed item Nov 25 12:00: 20 + 40 + 20 = 80 in 48 h, baseline Oct 28-Nov 24
           = (26×20 + 2×40)/28 = 21.43/day -> (80/48)/(21.43/24) = 1.87×: the release leads.
no/cause   (topic llm) 30/day, 15 in the window: current 105 (15/day), prior 210 (30/day):
           -15/day, -50%, all 7 days below 30: sustained; no event in either window.
pace/turn  (topic cli) 50/day; current 63, 63, 63, 50, 50, 35, 35 = 359 (51.29/day) against
           350 (50/day): +9/7 = +1.29/day, +2.6%; only 3 days above 50 (not most), and the
           first two days ran 63/day, the last two 35/day (63/35 = 1.8 >= 1.5): a change of
           pace, "ended the week at about 35/day, down from 63".

List: +(234 + 140 - 105 + 9)/7 = +278/7 = +39.71/day; spiky's 234/278 = 84% alone passes
half, so the lede names it and its story.
Coverage in the window: the story and the feed item about spiky, the feed item about
riser: 3 items (1 HN story, 2 feed items); stars 304 + 280 + 105 + 359 = 1048.
  llm (spiky, cause): stars 409/1048 = 39.0%, items 2/3 = 66.7%: coverage ahead by 27.6.
  cli (turn): 359/1048 = 34.3% of stars, 0 of 3 items: stars ahead by 34.3.
  database (riser): 280/1048 = 26.7% against 1/3 = 33.3%: a gap of 6.6, under 10, unnamed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from adapters.markdown import render_markdown
from adapters.slack.render import render as render_slack
from adapters.text import render_text
from bot.core.repo_ref import RepoRef
from bot.core.settings import Settings
from bot.core.store import AlertSettings, RepoEvent, RepoMetadata, RepoRecord, Store
from bot.features.alerts import pending_alerts
from bot.features.commands import Router
from bot.features.commands.context import Context
from storage.sqlite import SqliteStore
from tests.support import CHANNEL, Chat, Clock

AS_OF = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
SPIKY, RISER = RepoRef("hn", "spiky"), RepoRef("rel", "riser")
CAUSELESS, TURN = RepoRef("no", "cause"), RepoRef("pace", "turn")
STORY_TITLE = "Spiky: tokenizing at the speed of light"
FEED = "https://news.example/feed.xml"


def level(stars: int, last: date = date(2026, 11, 22)) -> dict[date, int]:
    first = date(2026, 6, 1)
    return {first + timedelta(n): stars for n in range((last - first).days + 1)}


def window_days(*counts: int) -> dict[date, int]:
    return {date(2026, 11, 23) + timedelta(n): count for n, count in enumerate(counts)}


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


async def repo(store: Store, ref: RepoRef, topic: str) -> RepoRecord:
    record = await store.add_repo(ref, NOW)
    await store.save_repo_metadata(
        record.id, RepoMetadata(ref, topics=(topic,), created_at=datetime(2024, 1, 1, tzinfo=UTC)),
        NOW,
    )
    return record


def story(points: int = 412) -> RepoEvent:
    return RepoEvent("hn_story", "4242", STORY_TITLE, at(27, 18),
                     "https://news.ycombinator.com/item?id=4242", points, 138, "Hacker News")


async def seed(store: Store) -> None:
    """The scenario above, as a refresh leaves it: daily stars, events and mentions."""
    await store.add_to_watch_list(CHANNEL, [SPIKY, RISER, CAUSELESS, TURN], "U_ALICE",
                                  NOW - timedelta(days=30), cap=10)
    feed = await store.add_feed(CHANNEL, FEED, "News Example", "U_ALICE", NOW, cap=20)
    assert feed is not None

    spiky = await repo(store, SPIKY, "llm")
    await store.put_daily_stars(spiky.id, level(10) | window_days(10, 10, 10, 10, 40, 200, 24),
                                NOW)
    await store.add_events(spiky.id, [
        RepoEvent("pull_request", "7", "Faster merges", at(28, 9)),
    ])
    await store.add_mentions(spiky.id, [story()])
    await store.add_mentions(spiky.id, [
        RepoEvent("feed_item", "n-1", "Three tokenizers to watch", at(28, 12),
                  "https://news.example/1", source="News Example"),
    ], feed_id=feed.id)

    riser = await repo(store, RISER, "database")
    await store.put_daily_stars(riser.id, level(20) | window_days(*[40] * 7), NOW)
    await store.add_events(riser.id, [RepoEvent("release", "v2.0", "v2.0", at(23, 0))])
    await store.add_mentions(riser.id, [
        RepoEvent("feed_item", "n-2", "Riser 2.0 is out", at(25, 12), "https://news.example/2",
                  source="News Example"),
    ], feed_id=feed.id)

    causeless = await repo(store, CAUSELESS, "llm")
    await store.put_daily_stars(causeless.id, level(30) | window_days(*[15] * 7), NOW)

    turn = await repo(store, TURN, "cli")
    await store.put_daily_stars(turn.id, level(50) | window_days(63, 63, 63, 50, 50, 35, 35),
                                NOW)


@pytest.fixture
async def database(tmp_path: Path) -> Path:
    path = tmp_path / "causes.db"
    store = await SqliteStore.open(path)
    try:
        await seed(store)
    finally:
        await store.close()
    return path


def briefing_json_from_cli(database: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOMENTUM_", "GITHUB_"))}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "briefing", "--offline", "--format", "json",
         "--as-of", AS_OF.isoformat(), "--repos", "hn/spiky,rel/riser,no/cause,pace/turn"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert isinstance(data, dict)
    return data


def test_the_json_names_each_cause_and_shape_as_worked_out(database: Path) -> None:
    data = briefing_json_from_cli(database)
    assert data["accelerating"] == ["hn/spiky", "rel/riser", "pace/turn"]
    assert data["decelerating"] == ["no/cause"]
    repos = {r["repo"]: r for r in data["repos"]}  # type: ignore[attr-defined]

    spiky = repos["hn/spiky"]
    assert spiky["stars_gained"] == 304
    cause = spiky["coincided"]
    assert (cause["kind"], cause["key"], cause["when"]) == ("hn_story", "4242", "2026-11-27")
    assert cause["size"] == {"points": 412, "comments": 138}
    assert cause["stars_after"] == pytest.approx(228)  # 10 + 200 + 18
    assert cause["hours"] == pytest.approx(48)
    assert cause["baseline_per_day"] == pytest.approx(10)
    assert cause["lift"] == pytest.approx(11.4)  # (228/48)/(10/24)
    assert cause["others_within_48h"] == 2  # PR #7 (15 h after), the feed item (18 h)
    move = spiky["move"]
    assert (move["kind"], move["peak_day"]) == ("spike", "2026-11-28")
    assert move["peak_share"] == pytest.approx(200 / 304)

    riser = repos["rel/riser"]
    cause = riser["coincided"]
    assert (cause["kind"], cause["key"], cause["size"]) == ("release", "v2.0", None)
    assert cause["lift"] == pytest.approx(2.0)  # (80/48)/(20/24); the feed item's 1.87 is less
    assert cause["others_within_48h"] == 0  # the feed item came 60 h later
    assert riser["move"]["kind"] == "sustained"
    assert riser["move"]["days_beyond_prior_average"] == 7

    causeless = repos["no/cause"]
    assert causeless["coincided"] is None
    assert (causeless["move"]["kind"], causeless["move"]["days_beyond_prior_average"]) == (
        "sustained", 7
    )

    turn = repos["pace/turn"]["move"]
    assert turn["kind"] == "pace_change"
    assert turn["days_beyond_prior_average"] == 3  # the three 63s
    assert (turn["start_pace"], turn["end_pace"], turn["edge_days"]) == (63, 35, 2)

    coverage = data["coverage"]
    assert isinstance(coverage, dict)
    assert (coverage["items"], coverage["hn_stories"], coverage["feed_items"]) == (3, 1, 2)
    assert coverage["stars"] == 1048  # 304 + 280 + 105 + 359
    themes = {t["name"]: t for t in coverage["themes"]}
    assert (themes["llm"]["stars"], themes["llm"]["items"]) == (409, 2)
    assert themes["llm"]["star_share"] == pytest.approx(409 / 1048)
    assert themes["llm"]["item_share"] == pytest.approx(2 / 3)
    assert (themes["cli"]["stars"], themes["cli"]["items"]) == (359, 0)
    assert themes["database"]["item_share"] == pytest.approx(1 / 3)
    assert coverage["stars_ahead"] == ["cli"]
    assert coverage["coverage_ahead"] == ["llm"]


async def test_the_chat_briefing_says_the_same(database: Path, settings: Settings) -> None:
    store = await SqliteStore.open(database)
    try:
        chat = Chat(Router(Context(store, settings, Clock(NOW))), Clock(NOW))
        text = await chat.say_text("/momentum briefing")
        markdown = render_markdown(chat.replies[-1])
        slack = render_slack(chat.replies[-1])
    finally:
        await store.close()
    # 304/7 = 43.4 from 10, +334%; 200/304 = 66%.
    assert (
        "hn/spiky: 43 stars/day, up from 10 (+334%, usual ±1.5%), a one-day spike: 66% "
        "of the week's stars came on Nov 28. Coincides with a Hacker News story (412 points, "
        f"138 comments) “{STORY_TITLE}” (Nov 27): stars ran 11.4× baseline for 48 h, and 2 "
        "more events within 48 h of it."
    ) in text
    assert (
        "rel/riser: 40 stars/day, up from 20 (+100%, usual ±0.8%), sustained: 7 of 7 days "
        "above 20. Coincides with the v2.0 release (Nov 23): stars ran 2.0× baseline for "
        "48 h."
    ) in text
    assert (
        "no/cause: 15 stars/day, down from 30 (-50%, usual ±0.5%), sustained: 7 of 7 days "
        "below 30. Nothing in the data coincides."
    ) in text
    # 359/7 = 51.3 from 50, +2.6%.
    assert (
        "pace/turn: 51 stars/day, up from 50 (+3%, usual ±0.3%), ended the week at about "
        "35/day, down from 63. Nothing in the data coincides."
    ) in text
    # The lede: spiky alone accounts for 234/278 = 84% of the rise.
    assert (
        "hn/spiky alone accounts for 84% of the rise. Its rise coincides with a Hacker News "
        f"story (412 points, 138 comments) “{STORY_TITLE}” (Nov 27), after which stars ran "
        "11.4× their 28-day baseline for 48 h (2 more events fell within 48 h of it)."
    ) in text
    coverage = text.split("Attention and coverage")[1]
    assert (
        "3 coverage items about the list's repos this week (1 Hacker News story and 2 feed "
        "items), against 1,048 stars." in coverage
    )
    # cli 359/1048 = 34%; llm 2/3 = 67% of items, 409/1048 = 39% of stars.
    assert ("Stars ahead of coverage: cli: 34% of the list's stars, 0% of the 3 coverage "
            "items.") in coverage
    assert ("Coverage concentrates on llm: 67% of the 3 coverage items, 39% of the list's "
            "stars.") in coverage
    assert "database" not in coverage.split("Watch list")[0]  # 6.6 points apart: unnamed
    assert "## Attention and coverage\n\n3 coverage items about the list's repos" in markdown
    assert any(
        block.get("text", {}).get("text", "").startswith(
            "*Attention and coverage*\n3 coverage items about the list's repos")
        for block in slack.blocks
    )


async def test_no_coverage_section_without_coverage_items(tmp_path: Path) -> None:
    from bot.features.briefing import compose
    from bot.features.briefing.export import briefing_json
    from bot.features.briefing.message import briefing_message

    store = await SqliteStore.open(tmp_path / "plain.db")
    try:
        causeless = await repo(store, CAUSELESS, "llm")
        await store.put_daily_stars(causeless.id, level(30) | window_days(*[15] * 7), NOW)
        briefing = await compose(store, [causeless], AS_OF, 7)
    finally:
        await store.close()
    assert briefing.coverage is None
    assert "coverage" not in briefing_json(briefing)
    assert "Attention and coverage" not in render_text(briefing_message(briefing))


async def test_a_spike_alert_names_the_hn_story_with_its_lift(tmp_path: Path) -> None:
    """At Nov 28 12:00: today's 100 so far and half of Nov 27's 40 are the 24 hours, 120,
    against the 10/day of Oct 30-Nov 26: 12.0×. The story (Nov 27 06:00) has the 18 h left
    of Nov 27 measured: 40×18/24 = 30 stars, (30/18)/(10/24) = 4.0×."""
    moment = datetime(2026, 11, 28, 12, tzinfo=UTC)
    store = await SqliteStore.open(tmp_path / "alert.db")
    try:
        await store.add_to_watch_list(CHANNEL, [SPIKY], "U_ALICE", moment, cap=10)
        await store.set_alert_settings(CHANNEL, AlertSettings(), moment)
        spiky = await repo(store, SPIKY, "llm")
        history = level(10, date(2026, 11, 26)) | {date(2026, 11, 27): 40,
                                                   date(2026, 11, 28): 100}
        await store.put_daily_stars(spiky.id, history, moment)
        await store.add_mentions(spiky.id, [
            RepoEvent("hn_story", "4242", STORY_TITLE, at(27, 6), None, 412, 138),
        ])
        due = await pending_alerts(store, moment)
    finally:
        await store.close()
    assert [message.title for _, message in due] == ["Star spike: hn/spiky"]
    text = render_text(due[0][1])
    assert "gained 120 stars in the 24 hours to Nov 28 12:00 UTC, 12.0×" in text
    assert (
        f"a Hacker News story (412 points, 138 comments) “{STORY_TITLE}”, Nov 27 06:00 UTC; "
        "stars ran 4.0× baseline for 18 h after it"
    ) in text


async def test_an_hn_outage_leaves_the_briefing_whole_and_is_named(
    database: Path, settings: Settings
) -> None:
    """Every search of the last refresh answered 503: the stored causes still stand, and
    the footnote says HN could not be checked for the 4 watched repos."""
    from bot.clients.hackernews import HackerNewsClient
    from bot.collection.mentions import Sources, collect_mentions
    from bot.testing.fake_hn import FakeHackerNews, HNFault

    store = await SqliteStore.open(database)
    try:
        async with FakeHackerNews([]) as hn:
            hn.inject(HNFault(503, times=10))
            sources = Sources(HackerNewsClient(api_url=hn.api_url, clock=Clock(NOW)))
            try:
                await collect_mentions(store, sources, await store.watched_repos(), NOW)
            finally:
                await sources.close()
        chat = Chat(Router(Context(store, settings, Clock(NOW))), Clock(NOW))
        text = await chat.say_text("/momentum briefing")
    finally:
        await store.close()
    assert "stars ran 11.4× baseline for 48 h" in text
    assert "Attention and coverage" in text
    assert ("Hacker News could not be checked for 4 repositories at the last refresh "
            "(2026-11-30 09:30 UTC): HN Search is unavailable (server_error: 503)") in text
