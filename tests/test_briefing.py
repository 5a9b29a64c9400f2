"""Briefings on a scenario whose figures are worked out by hand below.

as_of is Monday 2026-04-13 and the window 7 days: current = Apr 6-12, prior = Mar 30-Apr 5.

acme/rocket   10/day through Apr 7, 40 on Apr 8 and 9 (release v2.0 at Apr 8 00:00),
              20 on Apr 10-12: current 160 (22.857/day), prior 70 (10/day), +12.857, +128.6%.
              v2.0: 80 stars in the 48 h after, baseline 10/day -> (80/48)/(10/24) = 4.0x.
              PR #77 (Apr 10 12:00): 10 + 20 + 10 = 40 in 48 h; baseline (26x10 + 40 + 40)/28
              = 12.14/day -> 1.65x, less than the release's.
acme/slowpoke 20/day until Mar 29, 30/day Mar 30-Apr 5, 15/day Apr 6-12: current 105 (15/day),
              prior 210 (30/day), -15.0, -50%. Release v1.0 on Mar 31 12:00 in the prior window:
              15 + 30 + 15 = 60 in 48 h; baseline (27x20 + 30)/28 = 20.357/day -> 1.47x.
other/steady  5/day throughout: 5.0 from 5.0, neither list.
net/only      no daily history; totals 880 (Mar 30), 930 (Apr 6), 1,000 (Apr 13), read two
              hours before each midnight: net 70 (10/day) against 50 (7.143/day), +2.857.
ghost/unseen  never collected.

List: velocity (160+105+35+70)/7 = 52.857, prior (70+210+35+50)/7 = 52.143.
Themes: llm (rocket, slowpoke) 265/7 = 37.857 from 280/7 = 40 (-5.36%); the language
        Python (rocket, steady) is shared too, but a topic is, so it is no theme.
Usual swings (the prediction model on the 13 whole weeks Jan 5 … Mar 30-Apr 5 before the
current window): rocket's weeks are all 70, so its spread is the floor
ln(1 + 1/72) × √(7/6) = 0.014898 (±1.5%); slowpoke's are 140 but the last, 210: of the 7
misses only the last is not 0, ln(211/141) = 0.40317, so the spread is
0.40317/√7 × √(7/6) = 0.16459 (±17.9%), and ln(106/211) = -0.688 is beyond it. steady has
no change. net/only has no daily history, so no swing: it is listed, and the list has none.
Lede: rocket's +90/7 = 12.857 is more than the list's +5/7: the others fell by 85/7 = 12.14.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from adapters.markdown import render_markdown
from adapters.text import render_text
from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.store import RepoEvent, RepoMetadata, RepoRecord, Snapshot, Store
from bot.features.briefing import compose
from bot.features.briefing.channel import channel_briefing_parts
from bot.features.briefing.chart import briefing_chart
from bot.features.briefing.export import briefing_json
from bot.features.briefing.message import briefing_message
from storage.sqlite import SqliteStore
from storage.store import SqlStore

AS_OF = date(2026, 4, 13)
NOW = datetime(2026, 4, 13, 6, tzinfo=UTC)
ROCKET, SLOWPOKE, STEADY = RepoRef("acme", "rocket"), RepoRef("acme", "slowpoke"), RepoRef(
    "other", "steady"
)
NET, GHOST = RepoRef("net", "only"), RepoRef("ghost", "unseen")
EVIL_RELEASE = "v2.0 [click](http://evil.example) @everyone <!channel>"


def days(first: date, last: date, stars: int) -> dict[date, int]:
    return {first + timedelta(n): stars for n in range((last - first).days + 1)}


async def add(
    store: Store, ref: RepoRef, topics: tuple[str, ...], language: str
) -> RepoRecord:
    record = await store.add_repo(ref, NOW)
    metadata = RepoMetadata(ref, topics=topics, primary_language=language,
                            created_at=datetime(2024, 1, 1, tzinfo=UTC))
    await store.save_repo_metadata(record.id, metadata, NOW)
    saved = await store.find_repo(ref)
    assert saved is not None
    return saved


async def seed(store: Store) -> list[RepoRecord | RepoRef]:
    rocket = await add(store, ROCKET, ("llm", "inference"), "Python")
    history = days(date(2026, 1, 1), date(2026, 4, 7), 10)
    history |= {date(2026, 4, 8): 40, date(2026, 4, 9): 40}
    history |= days(date(2026, 4, 10), date(2026, 4, 12), 20)
    await store.put_daily_stars(rocket.id, history, NOW)
    await store.add_snapshot(rocket.id, Snapshot(NOW, 12_345, 600))
    await store.add_events(rocket.id, [
        RepoEvent("release", "v2.0", EVIL_RELEASE, datetime(2026, 4, 8, tzinfo=UTC)),
        RepoEvent("pull_request", "77", "Faster sampler", datetime(2026, 4, 10, 12, tzinfo=UTC)),
    ])

    slowpoke = await add(store, SLOWPOKE, ("llm",), "Go")
    history = days(date(2026, 1, 1), date(2026, 3, 29), 20)
    history |= days(date(2026, 3, 30), date(2026, 4, 5), 30)
    history |= days(date(2026, 4, 6), date(2026, 4, 12), 15)
    await store.put_daily_stars(slowpoke.id, history, NOW)
    await store.add_events(slowpoke.id, [
        RepoEvent("release", "v1.0", "v1.0", datetime(2026, 3, 31, 12, tzinfo=UTC)),
    ])

    steady = await add(store, STEADY, (), "Python")
    await store.put_daily_stars(steady.id, days(date(2026, 1, 1), date(2026, 4, 12), 5), NOW)

    net = await add(store, NET, (), "Rust")
    for day, total in ((date(2026, 3, 30), 880), (date(2026, 4, 6), 930), (AS_OF, 1000)):
        taken = datetime.combine(day, datetime.min.time(), UTC) - timedelta(hours=2)
        await store.add_snapshot(net.id, Snapshot(taken, total))
    return [rocket, slowpoke, steady, net, GHOST]


async def test_figures_match_the_hand_computed_scenario(store: Store) -> None:
    briefing = await compose(store, await seed(store), AS_OF, 7)
    data = briefing_json(briefing)
    assert data["as_of"] == "2026-04-13"
    assert data["window_days"] == 7
    assert data["total_velocity"] == pytest.approx(370 / 7)
    assert data["prior_total_velocity"] == pytest.approx(365 / 7)
    assert (data["gained"], data["lost"]) == (4, 0)
    assert data["accelerating"] == ["acme/rocket", "net/only"]
    assert data["decelerating"] == ["acme/slowpoke"]

    repos = {repo["repo"]: repo for repo in data["repos"]}
    rocket = repos["acme/rocket"]
    assert (rocket["stars"], rocket["stars_gained"], rocket["exact"]) == (12_345, 160, True)
    assert rocket["velocity"] == pytest.approx(160 / 7)
    assert rocket["prior_velocity"] == pytest.approx(10)
    assert rocket["acceleration"] == pytest.approx(90 / 7)
    assert rocket["acceleration_pct"] == pytest.approx(100 * 90 / 70)
    assert rocket["coincided"]["key"] == "v2.0"
    assert rocket["coincided"]["lift"] == pytest.approx(4.0)
    assert rocket["coincided"]["baseline_per_day"] == pytest.approx(10)

    slowpoke = repos["acme/slowpoke"]
    assert slowpoke["velocity"] == pytest.approx(15)
    assert slowpoke["acceleration"] == pytest.approx(-15)
    assert slowpoke["acceleration_pct"] == pytest.approx(-50)
    assert slowpoke["coincided"]["key"] == "v1.0"
    assert slowpoke["coincided"]["lift"] == pytest.approx((60 / 48) / ((27 * 20 + 30) / 28 / 24))

    assert repos["other/steady"]["acceleration"] == 0
    net = repos["net/only"]
    assert (net["stars_gained"], net["prior_stars_gained"], net["exact"]) == (70, 50, False)
    assert "net, from snapshots" in net["note"]
    ghost = repos["ghost/unseen"]
    assert ghost["velocity"] is None
    assert ghost["acceleration"] is None
    assert "no data yet" in ghost["note"]

    themes = [(t["name"], t["kind"], t["repos"]) for t in data["themes"]]
    assert themes == [("llm", "topic", ["acme/rocket", "acme/slowpoke"])]
    assert data["themes"][0]["velocity"] == pytest.approx(265 / 7)
    assert data["themes"][0]["change_pct"] == pytest.approx(100 * (265 - 280) / 280)
    assert data["steady"] == ["other/steady"]
    assert rocket["usual_swing_pct"] == pytest.approx(100 * math.expm1(0.014898), abs=1e-3)
    assert slowpoke["usual_swing_pct"] == pytest.approx(100 * math.expm1(0.16459), abs=1e-2)
    assert net["usual_swing_pct"] is None
    assert data["usual_swing_pct"] is None
    json.dumps(data)  # plain JSON, nothing exotic


async def test_a_list_gives_each_repo_the_figures_it_has_alone(store: Store) -> None:
    """Read in bulk, no repo's rows reach another's line."""
    listed = await seed(store)
    together = await compose(store, listed, AS_OF, 7)
    for repo, line in zip(listed, together.repos, strict=True):
        alone = await compose(store, [repo], AS_OF, 7)
        assert alone.repos == (line,)


async def test_a_list_is_read_in_a_few_queries_whatever_its_size(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Daily stars, the star totals, the events and the mentions: one query each; net/only,
    with no daily history, adds one per window edge (3); the last HN outage is one more.
    The ghost is never read: 1 + 1 + 1 + 1 + 3 + 1 = 8."""
    assert isinstance(store, SqlStore)
    listed = await seed(store)
    queries: list[str] = []
    fetch = store.driver.fetch

    async def counted(sql: str, *params: object) -> list[tuple[object, ...]]:
        queries.append(sql)
        return await fetch(sql, *params)

    monkeypatch.setattr(store.driver, "fetch", counted)
    await compose(store, listed, AS_OF, 7)
    assert len(queries) == 8


async def test_channels_watching_the_same_list_share_one_drawn_chart(store: Store) -> None:
    listed = await seed(store)
    keys = [ChannelKey("slack", "T1", name) for name in ("C1", "C2")]
    charts = []
    for key in keys:
        refs = [repo if isinstance(repo, RepoRef) else repo.ref for repo in listed]
        await store.add_to_watch_list(key, refs, "U1", NOW, cap=10)
        channel = await store.get_channel(key)
        assert channel is not None
        parts = await channel_briefing_parts(
            store, channel, as_of=AS_OF, default_window=7, now=NOW, current=False
        )
        assert parts is not None
        charts.append(parts.chart)
    assert charts[0] is not None
    assert charts[1] is charts[0]  # the same drawing, not a second one
    # Another window is another briefing: drawn for itself.
    other = await channel_briefing_parts(
        store, channel, as_of=AS_OF, default_window=7, now=NOW, current=False, window_days=6
    )
    assert other is not None
    assert other.chart is not charts[0]


async def test_text_figures_are_the_json_figures_rounded_for_reading(store: Store) -> None:
    briefing = await compose(store, await seed(store), AS_OF, 7)
    data = briefing_json(briefing)
    text = render_text(briefing_message(briefing))
    rows = {line.split()[0]: line.split() for line in text.splitlines()
            if line.startswith("  ") and "/" in line.split()[0]}
    # stars/day whole from 10 up, tenths below; the change in whole percent.
    assert rows["acme/rocket"][1:] == ["23", "+129%"]
    assert rows["other/steady"][1:] == ["5.0", "±0%"]
    assert rows["ghost/unseen"][1:] == ["–", "–"]
    assert data["lede"] in text
    assert data["lede"].startswith(
        # 370/7 = 52.86 from 365/7 = 52.14: +0.714/day, +1.4%.
        "The list's 4 repos gained 53 stars/day this week, up 0.7 stars/day (+1%) "
        "from the week before. acme/rocket rose by 13 stars/day, more than the whole list: "
        "the others fell by 12 in sum. Its rise coincides with the v2.0 release (Apr 8), "
        "after which stars ran 4.0× their 28-day baseline for 48 h."
    )
    # rocket's days Apr 6-12: 10, 10, 40, 40, 20, 20, 20: five above last week's 10/day;
    # slowpoke's seven 15s are all below its 30.
    assert ("acme/rocket: 23 stars/day, up from 10 (+129%, usual ±1.5%), sustained: 5 "
            "of 7 days above 10. Coincides with the v2.0 release (Apr 8)") in text
    assert ("sustained: 7 of 7 days below 30. The window before held the v1.0 release "
            "(Mar 31)") in text
    assert "The window before held the v1.0 release (Mar 31): stars ran 1.5× baseline" in text
    assert "acme/slowpoke: 15 stars/day, down from 30 (-50%, usual ±18%)" in text
    assert "1 other steady, within its usual swing." in text
    assert "net/only: 10 stars/day, up from 7.1 (+40%) [net, from snapshots]" in text
    assert "net/only: net, from snapshots" in text
    assert "Apr 6–Apr 12, change against Mar 30–Apr 5" in text
    assert "/momentum help figures" in text


async def test_strangers_text_is_escaped_in_markdown(store: Store) -> None:
    briefing = await compose(store, await seed(store), AS_OF, 7)
    markdown = render_markdown(briefing_message(briefing))
    # A release is named by its tag, linked from trusted parts; its stranger-written name
    # is not shown, so it cannot form a link or a mention.
    assert "[v2.0](https://github.com/acme/rocket/releases/tag/v2.0)" in markdown
    assert "evil.example" not in markdown
    assert "@everyone" not in markdown
    assert "<!channel>" not in markdown


async def test_the_chart_is_a_png_with_alt_text(store: Store) -> None:
    briefing = await compose(store, await seed(store), AS_OF, 7)
    chart = briefing_chart(briefing)
    assert chart is not None
    assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
    for name in ("acme/rocket", "acme/slowpoke", "net/only"):
        assert name in chart.alt_text
    assert "other/steady" not in chart.alt_text


async def test_a_28_day_window_draws_both_of_its_windows(store: Store) -> None:
    # Windows of 28 days before Apr 13: current Mar 16-Apr 12, prior Feb 16-Mar 15, so the
    # lines run over the 56 days Feb 16 … Apr 12. acme/rocket's last 8 days: 10 on Apr 5-7,
    # 40 on Apr 8-9, 20 on Apr 10-12.
    briefing = await compose(store, await seed(store), AS_OF, 28)
    chart = briefing_chart(briefing)
    assert chart is not None
    assert len(chart.categories) == 56
    assert (chart.categories[0], chart.categories[-1]) == ("Feb 16", "Apr 12")
    rocket = next(series for series in chart.series if series.name == "acme/rocket")
    assert rocket.values[-8:] == (10, 10, 10, 40, 40, 20, 20, 20)
    assert chart.title == "Stars/day; this window from Mar 16"


async def test_an_empty_list_says_so(store: Store) -> None:
    briefing = await compose(store, [GHOST], AS_OF, 7)
    assert "No repo on this list has data" in render_text(briefing_message(briefing))
    assert briefing_chart(briefing) is None


def run_briefing(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOMENTUM_", "GITHUB_"))}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    return subprocess.run(
        # The data is seeded in the store; collection is tested against the fake GitHub.
        [sys.executable, "-m", "bot", "briefing", "--offline", *args],
        capture_output=True, text=True,
        env=env, timeout=120, check=False,
    )


async def test_the_command_prints_json_and_reproduces_a_past_week(tmp_path: Path) -> None:
    database = tmp_path / "m.db"
    store = await SqliteStore.open(database)
    await seed(store)
    await store.close()
    repos = "--repos=acme/rocket,acme/slowpoke"
    now = run_briefing(database, repos, "--format", "json", "--as-of", "2026-04-13")
    assert now.returncode == 0, now.stderr
    figures = {r["repo"]: r for r in json.loads(now.stdout)["repos"]}
    assert figures["acme/rocket"]["stars_gained"] == 160
    # The week to Apr 6: rocket 70 against 70, slowpoke 210 (Mar 30-Apr 5) against 140.
    past = run_briefing(database, repos, "--format", "json", "--as-of", "2026-04-06")
    assert past.returncode == 0, past.stderr
    data = json.loads(past.stdout)
    figures = {r["repo"]: r for r in data["repos"]}
    assert (figures["acme/rocket"]["stars_gained"], figures["acme/rocket"]["acceleration"]) == (
        70, 0
    )
    assert figures["acme/slowpoke"]["stars_gained"] == 210
    assert figures["acme/slowpoke"]["prior_stars_gained"] == 140
    assert data["accelerating"] == ["acme/slowpoke"]

    chart = tmp_path / "chart.png"
    text = run_briefing(database, repos, "--as-of", "2026-04-13", "--chart", str(chart))
    assert text.returncode == 0, text.stderr
    assert "Momentum briefing: the 7 days to Apr 12" in text.stdout
    assert chart.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--repos", "not-a-repo"], "'not-a-repo' is not a GitHub repository"),
        (["--repos", "a/b", "--as-of", "yesterday"], "is not a date like 2026-04-13"),
        (["--repos", "a/b", "--window", "91"], "--window must be 1 to 90 days"),
        ([], "exactly one of --repos or --channel"),
        (["--channel", "irc:x/y"], "is not a channel"),
        (["--channel", "slack:T1/C1"], "slack:T1/C1 watches no repos"),
    ],
)
def test_bad_options_get_one_clear_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_briefing(tmp_path / "m.db", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
