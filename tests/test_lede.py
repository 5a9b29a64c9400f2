"""The briefing's why-cascade and phone layout on a 10-repo list worked out by hand.

as_of Monday 2026-04-13, window 7 days: current = Apr 6-12, prior = Mar 30-Apr 5. Every
repo has daily stars from Mon Jan 5, so the weeks before the current window are the 13
weeks Jan 5-11 … Mar 30-Apr 5 (index 0 … 12); the prediction model levels y = ln(1 + week)
over 6 weeks and takes the RMS of its 7 one-week misses (weeks 6-12), times √(7/6).

lab/swift   100/day (700 a week) throughout; release v3.0 at Apr 8 00:00, then 400 on
            Apr 8 and 9, 200 on Apr 10-12: current 100+100+800+600 = 1600 (228.57/day)
            against 700 (100/day): +128.57/day, +128.6%. Lift: 800 stars in the 48 h
            after, baseline 100/day -> (800/48)/(100/24) = 4.0×. Constant weeks miss by 0,
            so the spread is the floor ln(1 + 1/(1 + 701)) = 0.0014235 -> beyond.
lab/vector  20/day (140 a week), current 50/day (350): +30/day, +150%; no event.
lab/fading  50/day (350 a week), current 45/day (315): -5/day, -10%; beyond its floor.
lab/agentx  40/day throughout: no change.
lab/wobbly  weeks alternate 77 (even index) and 63: every miss is ±(ln 78 - ln 64)/2 =
            ±0.098914, scale 0.098914 × 1.080123 = 0.106839, usual swing e^0.106839 - 1
            = +11.3%. Prior (week 12) 77, current 70: |ln 71 - ln 78| = 0.0940 < 0.1068,
            steady.
lab/s1…s5   weeks alternate 42 and 28; miss ±(ln 43 - ln 29)/2 = 0.19695, scale 0.21273,
            usual swing +23.7%. Prior 42, current 35: |ln 36 - ln 43| = 0.1777, steady.

List: current 1600 + 350 + 315 + 280 + 70 + 5×35 = 2790 (398.57/day), prior 700 + 140 +
350 + 280 + 77 + 5×42 = 1757 (251/day): +1033/7 = +147.57/day, +58.8%.
Its weeks alternate 1470 + 77 + 210 = 1757 and 1470 + 63 + 140 = 1673: miss
ln(1758/1674)/2 = 0.024481, scale 0.026443, usual swing +2.68%; this week's change
ln(2791/1758) = 0.46223 is 17.5 swings: "far beyond".
Shares: swift +900 of +1033 = 87.1% (alone past half).
Themes: topics llm (swift, vector) 1950/7 = 278.57/day from 840/7 = 120, +132.1%; agents
(fading, agentx); every repo is Python, but a language counts only when no topic is shared.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from adapters.discord.render import render as render_discord
from adapters.markdown import render_markdown
from adapters.slack.render import render as render_slack
from adapters.text import render_text
from bot.core.figures import Momentum
from bot.core.message import plain_text
from bot.core.repo_ref import RepoRef
from bot.core.store import RepoEvent, RepoMetadata, Store
from bot.features.briefing import compose
from bot.features.briefing.export import briefing_json
from bot.features.briefing.lede import lede
from bot.features.briefing.message import briefing_message
from bot.features.briefing.model import Briefing, Coincidence, RepoFigures, Theme

AS_OF = date(2026, 4, 13)
NOW = datetime(2026, 4, 13, 6, tzinfo=UTC)
FIRST = date(2026, 1, 5)
PRIOR_END = date(2026, 4, 6)  # weeks before the current window end here


def weekly(high: int, low: int) -> dict[date, int]:
    """Weeks alternating ``high`` (even index from Jan 5) and ``low``, as daily stars."""
    found: dict[date, int] = {}
    for index in range(13):
        start = FIRST + timedelta(weeks=index)
        per_day = (high if index % 2 == 0 else low) // 7
        found |= {start + timedelta(n): per_day for n in range(7)}
    return found


def current(per_day: int) -> dict[date, int]:
    return {PRIOR_END + timedelta(n): per_day for n in range(7)}


def scenario() -> list[tuple[str, tuple[str, ...], dict[date, int]]]:
    swift = weekly(700, 700) | current(100)
    swift |= {date(2026, 4, 8): 400, date(2026, 4, 9): 400}
    swift |= {date(2026, 4, d): 200 for d in (10, 11, 12)}
    repos = [
        ("swift", ("llm", "inference"), swift),
        ("vector", ("llm",), weekly(140, 140) | current(50)),
        ("fading", ("agents",), weekly(350, 350) | current(45)),
        ("agentx", ("agents",), weekly(280, 280) | current(40)),
        ("wobbly", (), weekly(77, 63) | current(10)),
    ]
    repos += [(f"s{n}", (), weekly(42, 28) | current(5)) for n in range(1, 6)]
    return repos


async def seed(store: Store) -> list[object]:
    records = []
    for name, topics, daily in scenario():
        ref = RepoRef("lab", name)
        record = await store.add_repo(ref, NOW)
        await store.save_repo_metadata(record.id, RepoMetadata(
            ref, topics=topics, primary_language="Python",
            created_at=datetime(2024, 1, 1, tzinfo=UTC),
        ), NOW)
        await store.put_daily_stars(record.id, daily, NOW)
        if name == "swift":
            await store.add_events(record.id, [
                RepoEvent("release", "v3.0", "Swift 3", datetime(2026, 4, 8, tzinfo=UTC)),
            ])
        saved = await store.find_repo(ref)
        assert saved is not None
        records.append(saved)
    return records


LEDE = (
    # what: 2790/7 = 398.57, +1033/7 = 147.57 (+58.8%), 17.5 swings of +2.68%
    "The list's 10 repos gained 399 stars/day this week, up 148 stars/day (+59%) "
    "from the week before, far beyond its usual week-to-week swing of ±2.7%. "
    # which: 900/1033 = 87.1%
    "lab/swift alone accounts for 87% of the rise. "
    # why: (800/48)/(100/24) = 4.0
    "Its rise coincides with the v3.0 release (Apr 8), after which stars ran 4.0× their "
    "28-day baseline for 48 h. "
    # so what: llm = swift + vector, 1950/7 = 278.57 from 120, +132.1%
    "lab/swift and lab/vector share the llm topic: together 279 stars/day, up 132%."
)


async def test_the_lede_answers_each_step_with_a_figure(store: Store) -> None:
    briefing = await compose(store, await seed(store), AS_OF, 7)
    assert plain_text(lede(briefing)) == LEDE
    assert briefing.swing_pct == pytest.approx(100 * math.expm1(0.024481 * 1.080123), rel=1e-3)
    assert briefing.swings_beyond == pytest.approx(0.46223 / 0.026443, rel=1e-3)


async def test_only_moves_beyond_the_usual_swing_are_listed(store: Store) -> None:
    briefing = await compose(store, await seed(store), AS_OF, 7)
    data = briefing_json(briefing)
    assert data["accelerating"] == ["lab/swift", "lab/vector"]
    assert data["decelerating"] == ["lab/fading"]
    assert sorted(data["steady"]) == sorted(
        ["lab/agentx", "lab/wobbly", *(f"lab/s{n}" for n in range(1, 6))]
    )
    repos = {repo["repo"]: repo for repo in data["repos"]}
    # e^0.106839 - 1 and e^0.21273 - 1, from the docstring.
    assert repos["lab/wobbly"]["usual_swing_pct"] == pytest.approx(11.275, abs=0.01)
    assert repos["lab/wobbly"]["beyond_usual"] is False
    assert repos["lab/s1"]["usual_swing_pct"] == pytest.approx(23.70, abs=0.01)
    assert repos["lab/fading"]["beyond_usual"] is True
    # A language is a theme only when no topic is shared.
    assert [(t["name"], t["kind"]) for t in data["themes"]] == [
        ("llm", "topic"), ("agents", "topic")
    ]
    text = render_text(briefing_message(briefing))
    assert "7 others steady, within their usual swing." in text
    assert "lab/wobbly" not in text.split("Watch list")[0]
    # 228.57/day from 100 (+128.6%); the floor's swing e^(0.0014235 × 1.080123) - 1.
    assert (
        "lab/swift: 229 stars/day, up from 100 (+129%, usual ±0.2%), sustained: 5 of 7 "
        "days above 100. Coincides with the v3.0 release (Apr 8): stars ran 4.0× baseline "
        "for 48 h." in text
    )
    # vector: 50 a day every day of the window, all 7 above 20; it has no event.
    assert (
        "lab/vector: 50 stars/day, up from 20 (+150%, usual ±0.8%), sustained: 7 of 7 "
        "days above 20. Nothing in the data coincides." in text
    )
    assert "lab/fading: 45 stars/day, down from 50 (-10%, usual ±0.3%)" in text


def visible(mrkdwn: str) -> str:
    """What a reader sees of Slack mrkdwn: a link as its text, entities as characters."""
    shown = re.sub(r"<[^|>]+\|([^>]*)>", r"\1", mrkdwn)
    return shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


async def test_a_ten_repo_briefing_fits_a_phone_screen_down_to_the_movers(store: Store) -> None:
    briefing = await compose(store, await seed(store), AS_OF, 7)
    slack = render_slack(briefing_message(briefing))
    blocks = [*slack.blocks, *(b for a in slack.attachments for b in a["blocks"])]
    end = next(
        n for n, block in enumerate(blocks)
        if "steady, within" in block.get("text", {}).get("text", "")
    )
    assert end < 8
    texts = [block["text"]["text"] for block in blocks[: end + 1] if "text" in block]
    # Within 1,200 characters even counted as sent, link addresses included; a reader sees
    # fewer. (Each mover's line also says how its days made the move and what coincided,
    # or that nothing did.)
    assert sum(len(text) for text in texts) <= 1200
    assert sum(len(visible(text)) for text in texts) < 950
    table = next(block for block in blocks if block["type"] == "table")
    assert {len(row) for row in table["rows"]} == {3}
    assert [cell["text"] for cell in table["rows"][0]] == ["repo", "stars/day", "change"]
    assert "<https://github.com/lab/swift|lab/swift>" in blocks[1]["text"]["text"]
    assert (
        "<https://github.com/lab/swift/releases/tag/v3.0|v3.0>" in blocks[1]["text"]["text"]
    )


async def test_links_render_on_every_platform_and_plain_on_the_terminal(store: Store) -> None:
    message = briefing_message(await compose(store, await seed(store), AS_OF, 7))
    markdown = render_markdown(message)
    assert "[lab/swift](https://github.com/lab/swift) alone accounts" in markdown
    assert "[v3.0](https://github.com/lab/swift/releases/tag/v3.0)" in markdown
    discord = render_discord(message).embeds[0].description or ""
    assert "[lab/swift](https://github.com/lab/swift) alone accounts" in discord
    text = render_text(message)
    assert "lab/swift alone accounts" in text
    assert "https://" not in text


HOSTILE_TAG = "v1]( https://evil.example)<!channel>@everyone|x"


@pytest.mark.parametrize("renderer", ["slack", "discord", "markdown", "text"])
def test_a_hostile_tag_or_title_links_nothing_and_pings_nobody(renderer: str) -> None:
    from bot.core.links import release_link
    from bot.core.message import Message, Section
    from bot.features.briefing.lede import event_spans

    ref = RepoRef("lab", "swift")
    link = release_link(ref, HOSTILE_TAG)
    # The tag is one percent-encoded path segment: nothing in it ends the address.
    assert link.url == (
        "https://github.com/lab/swift/releases/tag/"
        "v1%5D%28%20https%3A%2F%2Fevil.example%29%3C%21channel%3E%40everyone%7Cx"
    )
    title = "fix [click](https://evil.example) <!here> @everyone"
    spans = (*event_spans(ref, RepoEvent("release", HOSTILE_TAG, "", NOW)), "; ",
             *event_spans(ref, RepoEvent("hn_story", "1", title, NOW)))
    message = Message(title="t", sections=(Section(text=spans),))
    if renderer == "slack":
        out = render_slack(message).blocks[1]["text"]["text"]
        assert out.count("<") == 1  # our one link, nothing else Slack would parse
        assert "<!channel>" not in out
        assert "<!here>" not in out
    elif renderer == "discord":
        out = render_discord(message).embeds[0].description or ""
        assert out.count("](") == 1
        assert "](https://evil" not in out
    elif renderer == "markdown":
        out = render_markdown(message)
        assert len(re.findall(r"(?<!\\)\]\(", out)) == 1
        assert "<!channel>" not in out
    else:
        # A terminal pings nobody and links nothing: the text is shown as written.
        assert "https://github.com" not in render_text(message)
        return
    assert "@everyone" not in out


@pytest.mark.parametrize(
    "url", ["https://github.com/a/b|<!channel>", "https://evil.example/a", "javascript:x"]
)
def test_a_link_takes_only_a_safe_github_address(url: str) -> None:
    from bot.core.message import Link

    with pytest.raises(ValueError, match="not a safe link address"):
        Link("x", url)


async def test_the_command_line_prints_the_channels_chat_briefing(store: Store) -> None:
    import json

    from bot.app.cli.briefing import BriefingRequest, print_briefing
    from bot.core.command import ChannelKey
    from bot.features.briefing.channel import channel_briefing

    key = ChannelKey.parse("slack:T1/C1")
    records = await seed(store)
    await store.add_to_watch_list(key, [r.ref for r in records], "U1", NOW, cap=20)
    young = await store.add_repo(RepoRef("new", "kid"), NOW)
    await store.save_repo_metadata(young.id, RepoMetadata(
        young.ref, topics=("llm",), created_at=datetime(2026, 3, 20, tzinfo=UTC)
    ), NOW)
    await store.put_daily_stars(young.id, {AS_OF - timedelta(n): 30 for n in range(1, 8)}, NOW)
    await store.save_radar_pool("topic:llm", [young.id], NOW)

    channel = await store.get_channel(key)
    assert channel is not None
    chat = await channel_briefing(store, channel, as_of=AS_OF, default_window=7, now=NOW)
    assert chat is not None

    async def printed(form: str) -> str:
        request = BriefingRequest(None, key, None, None, form, None, offline=True)
        return await print_briefing(store, request, today=AS_OF, now=NOW, default_window=7)

    text = await printed("text")
    assert text == render_text(chat)
    order = ["Accelerating", "Slowing", "New on the radar", "Predictions", "Watch list"]
    assert [text.index(f"\n{title}\n") for title in order] == sorted(
        text.index(f"\n{title}\n") for title in order
    )
    # 30 a day over the 7 days before Apr 13; created Mar 20.
    assert "1. new/kid (llm): 24 days old, – stars, 30 stars/day" in text
    markdown = await printed("markdown")
    assert "## New on the radar" in markdown
    assert "## Predictions" in markdown
    assert "![" not in markdown  # no --chart: no file for an image link to name
    data = json.loads(await printed("json"))
    assert [pick["repo"] for pick in data["radar"]] == ["new/kid"]
    # 30 a day over the 7 days before Apr 13.
    assert data["radar"][0]["velocity"] == pytest.approx(30)
    assert len(data["predictions"]["new"]) == 3
    assert data["lede"] == LEDE


def figures(ref: RepoRef, prior_per_day: int, per_day: int, **more: object) -> RepoFigures:
    return RepoFigures(ref, None, Momentum(7, 7 * per_day, 7 * prior_per_day, 0), exact=True,
                       **more)  # type: ignore[arg-type]


def test_a_fall_names_its_repos_their_shares_and_what_coincided_only_where_it_did() -> None:
    """A 100 -> 80, B 60 -> 42, C 20 -> 25, D 50 -> 33 stars/day: the list 230 -> 180,
    -50 (-21.7%). Falls, largest first: A -20 (40% of -50: not yet half), B -18 (36%;
    76% together). A's release v1 (Mar 31 12:00) in the window before: 60 stars in 48 h
    on a 20/day baseline, (60/48)/(20/24) = 1.5×. Theme agents: A + B, 122 from 160/day,
    -23.75%. No weekly history, so no usual swing: that step is left out."""
    a, b, c, d = (RepoRef("lab", name) for name in "abcd")
    release = RepoEvent("release", "v1", "One", datetime(2026, 3, 31, 12, tzinfo=UTC))
    repos = (
        figures(a, 100, 80, coincidence=Coincidence(release, 60, 48, 20)),
        figures(b, 60, 42), figures(c, 20, 25), figures(d, 50, 33),
    )
    agents = Theme("agents", "topic", (a, b), 122, 160)
    briefing = Briefing(AS_OF, 7, repos, (repos[2],), (repos[0], repos[1], repos[3]), (agents,))
    text = plain_text(lede(briefing))
    assert text == (
        "The list's 4 repos gained 180 stars/day this week, down 50 stars/day (-22%) "
        "from the week before. lab/a and lab/b account for 76% of the fall (40% and 36%). "
        "lab/a's fall follows the v1 release in the window before (Mar 31), after which stars "
        "ran 1.5× their 28-day baseline for 48 h; nothing in the data coincides with "
        "lab/b's fall. lab/a and lab/b share the agents topic: together 122 stars/day, "
        "down 24%."
    )
    for cause in ("because", "caused", "due to", "drove", "thanks to", "led to"):
        assert cause not in text

    # Without an event or a shared theme, those steps say so or are left out.
    bare = Briefing(AS_OF, 7, repos[1:], (repos[2],), (repos[1], repos[3]), ())
    # B -18, D -17 of the list's -30 (130 -> 100): B 60%, alone past half.
    assert plain_text(lede(bare)).endswith(
        "lab/b alone accounts for 60% of the fall. Nothing in the data coincides with it."
    )


def test_a_language_is_a_theme_only_when_no_topic_is_shared() -> None:
    from bot.features.briefing.themes import find_themes

    a, b = RepoRef("lab", "a"), RepoRef("lab", "b")
    only_language = [
        figures(a, 10, 20, language="Rust", topics=("db",)),
        figures(b, 10, 10, language="Rust", topics=("web",)),
    ]
    assert [(t.name, t.kind, t.repos) for t in find_themes(only_language, {a})] == [
        ("Rust", "language", (a, b))
    ]
    both = [figures(a, 10, 20, language="Rust", topics=("db",)),
            figures(b, 10, 10, language="Rust", topics=("db",))]
    assert [(t.name, t.kind) for t in find_themes(both, {a})] == [("db", "topic")]


def test_a_week_without_news_says_everything_was_steady() -> None:
    a, b = RepoRef("lab", "a"), RepoRef("lab", "b")
    repos = (figures(a, 10, 10), figures(b, 10, 11))
    briefing = Briefing(AS_OF, 7, repos, (), (), (), steady=repos)
    text = render_text(briefing_message(briefing))
    assert "Movers\nAll 2 steady: no move beyond the usual week-to-week swing." in text
    assert "Accelerating" not in text


async def test_a_past_weeks_channel_briefing_prints_its_figures_and_predicts_nothing(
    tmp_path: Path,
) -> None:
    from bot.core.command import ChannelKey
    from storage.sqlite import SqliteStore
    from tests.test_briefing import run_briefing

    key = ChannelKey.parse("slack:T1/C1")
    database = tmp_path / "m.db"
    store = await SqliteStore.open(database)
    records = await seed(store)
    await store.add_to_watch_list(key, [r.ref for r in records], "U1", NOW, cap=20)
    await store.close()
    result = run_briefing(database, "--channel", str(key), "--as-of", "2026-04-13",
                          "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert "[lab/swift](https://github.com/lab/swift) alone accounts for 87% of the rise" in (
        result.stdout
    )
    assert "## Slowing" in result.stdout
    assert "## Predictions" not in result.stdout
    store = await SqliteStore.open(database)
    assert await store.predictions(key) == []
    await store.close()
