"""``momentum compare`` and ``/momentum compare``, on a world whose figures are worked out
by hand (D is today, UTC; every repo is created at 00:00 of its first day, and a day's
stars are given at its 00:00, so today's count is in each total already):

old/steady   created D-1826, 10 stars every day: total 10 x 1,827 = 18,270; 7-, 28- and
             90-day velocity 10.0, acceleration 0; age 1,826 d = 5.0 y; the curve reaches
             1,000 on its 100th day (index 99) and 10,000 on day index 999.
young/rocket created D-60, 100/day for 53 days, then 300/day from D-7 on: total
             5,300 + 8 x 300 = 7,700; 7-day velocity 300.0, 28-day (21 x 100 + 7 x 300)/28 =
             150.0, no 90-day figure (it is 60 days old); acceleration 300 - 100 = +200;
             1,000 on day index 9; by yesterday 5,300 + 2,100 = 7,400: not yet 10k.
mid/comet    created D-400, 5/day: total 5 x 401 = 2,005; velocities 5.0; 1,000 on day
             index 199.
Aligned offsets from the earliest start (old/steady): young 1,826 - 60 = 1,766, mid 1,426.
History pages for "all" (30 weeks each): old ceil((1,826 + 7) / 210) = 9, young 1, mid 2.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.collection.service import DataService
from bot.core.settings import Settings
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.features.compare.figures import RepoHistory, compare_row
from bot.features.compare.request import CompareRequestError, parse_words
from bot.testing import FakeClock, FakeGitHub, ScenarioRepo
from bot.testing.github_scenario import Scenario
from storage.sqlite import SqliteStore
from tests.github_support import T1
from tests.github_support import github as github_at
from tests.support import Chat, Clock

TODAY = datetime.now(UTC).date()


def created(days_ago: int) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), time(), UTC)


@pytest.fixture
async def github() -> AsyncIterator[FakeGitHub]:
    repos = [
        ScenarioRepo.with_daily("old/steady", 1, created(1826), [10] * 1827),
        ScenarioRepo.with_daily("young/rocket", 2, created(60), [100] * 53 + [300] * 8),
        ScenarioRepo.with_daily("mid/comet", 3, created(400), [5] * 401),
    ]
    async with FakeGitHub(repos) as fake:
        yield fake


async def momentum(tmp_path: Path, github: FakeGitHub, *args: str) -> tuple[int, str, str]:
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("SLACK_", "DISCORD_", "MOMENTUM_", "GITHUB_"))}
    environment |= {
        "GITHUB_API_URL": github.url,
        "GITHUB_GRAPHQL_URL": github.graphql_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=tmp_path, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(90):
        out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_compare_all_matches_the_hand_computed_figures_and_fetches_once(
    tmp_path: Path, github: FakeGitHub
) -> None:
    args = ("compare", "old/steady", "young/rocket", "mid/comet", "--since", "all")
    code, out, err = await momentum(tmp_path, github, *args, "--format", "json")
    assert code == 0, err
    repos = {repo["repo"]: repo for repo in json.loads(out)["repos"]}
    old, young, mid = repos["old/steady"], repos["young/rocket"], repos["mid/comet"]
    assert (old["stars"], young["stars"], mid["stars"]) == (18_270, 7_700, 2_005)
    assert (old["velocity_7d"], old["velocity_28d"], old["velocity_90d"]) == (10.0, 10.0, 10.0)
    assert (young["velocity_7d"], young["velocity_28d"], young["velocity_90d"]) == (
        300.0, 150.0, None
    )
    assert (old["acceleration_7d"], young["acceleration_7d"]) == (0.0, 200.0)
    assert (old["age_days"], young["age_days"], mid["age_days"]) == (1826, 60, 400)
    assert (old["days_to_1k"], old["days_to_10k"]) == (99, 999)
    assert (young["days_to_1k"], young["days_to_10k"]) == (9, None)
    assert (mid["days_to_1k"], mid["days_to_10k"]) == (199, None)
    assert (old["aligned_offset_days"], young["aligned_offset_days"]) == (0, 1766)
    assert mid["aligned_offset_days"] == 1426
    assert all(repo["history_complete"] for repo in repos.values())
    # The curve starts at the creation day and ends yesterday, at the total less today's.
    assert old["curve"][0] == [(TODAY - timedelta(days=1826)).isoformat(), 10]
    assert old["curve"][-1] == [(TODAY - timedelta(days=1)).isoformat(), 18_260]
    assert github.stats.calls["history"] == 9 + 1 + 2

    chart = tmp_path / "compare.png"
    again = await momentum(tmp_path, github, *args, "--log", "--chart", str(chart))
    assert again[0] == 0, again[2]
    assert github.stats.calls["history"] == 12  # the stored pages are not asked for again
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert "Compare: old/steady, young/rocket, mid/comet (all time, log scale)" in again[1]
    assert "young/rocket" in again[1]
    assert "300.0" in again[1]


async def test_an_unknown_repo_is_named_and_the_rest_compared(
    tmp_path: Path, github: FakeGitHub
) -> None:
    code, out, err = await momentum(
        tmp_path, github, "compare", "old/steady", "no/such-repo", "--format", "json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert [repo["repo"] for repo in data["repos"]] == ["old/steady"]
    assert data["unknown"] == ["no/such-repo"]
    # 90 days (the default) are within page 1: one history call.
    assert github.stats.calls["history"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([f"o/r{n}" for n in range(11)], "That names 11 repos; a comparison holds at most 10."),
        (["a/b"], "Name at least 2 repos to compare."),
        (["a/b", "c/d", "since", "0d"], "A span is at least 2 days"),
        (["a/b", "c/d", "since", "soon"], "“soon” is not a span"),
        (["a/b", "c/d", "since"], "“since” needs a span"),
        (["a/b", "c/d", "bars"], "“bars” is neither a repo (owner/name) nor an option"),
        (["a/b", "a/b/c"], "“a/b/c” is not a repo name: expected owner/name"),
    ],
)
def test_bad_requests_say_what_is_wrong(args: list[str], message: str) -> None:
    with pytest.raises(CompareRequestError) as caught:
        parse_words(args)
    assert message in str(caught.value)


def test_words_in_any_order() -> None:
    request = parse_words(["log", "a/b", "since", "1y", "C/D", "aligned", "a/b", "share"])
    assert [str(ref) for ref in request.refs] == ["a/b", "C/D"]
    assert (request.span_days, request.log_scale, request.aligned, request.share) == (
        365, True, True, True
    )
    assert parse_words(["a/b", "c/d"]).span_days == 90
    assert parse_words(["a/b", "c/d", "since", "all"]).span_days is None


def test_history_that_stops_short_starts_the_curve_at_the_rest_of_the_total() -> None:
    # 3 stored days of 100 before as_of, a total of 5,000: 4,700 stars came before them,
    # so the curve reads 4,800, 4,900, 5,000 and 1k was passed before the stored days.
    as_of = date(2026, 12, 2)
    daily = {as_of - timedelta(days=n): 100 for n in (1, 2, 3)}
    row = compare_row(
        RepoHistory("a/b", daily, total=5_000, created=date(2020, 1, 1), complete=False),
        as_of,
        None,
    )
    assert [total for _, total in row.curve] == [4_800, 4_900, 5_000]
    assert row.milestones[0].reached
    assert row.milestones[0].days is None
    assert not row.milestones[1].reached


async def test_in_chat_the_history_is_fetched_behind_the_answer_and_kept(
    tmp_path: Path, settings: Settings
) -> None:
    # T1 is Wed 2026-11-25 12:00 UTC. Both repos were created at 00:00, 400 days before
    # T1's day, with 5 stars a day: 7-day velocity 5.0; all of it takes
    # ceil((400 + 7) / 210) = 2 history pages each.
    created = datetime.combine(T1.date() - timedelta(days=400), time(), UTC)
    world = Scenario([
        ScenarioRepo.with_daily(name, number, created, [5] * 401)
        for number, name in enumerate(("a/one", "b/two"), start=1)
    ])
    clock = FakeClock(T1)
    store = await SqliteStore.open(tmp_path / "m.db")
    try:
        async with github_at(world, clock, token=None) as (fake, client):
            data = DataService(store, client, clock)
            chat = Chat(Router(Context(store, settings, clock, data=data)), Clock(T1))
            first = await chat.say_text("compare a/one b/two since all")
            assert "History is still being fetched for a/one, b/two" in first
            await data.wait_idle()
            assert fake.stats.calls["history"] == 2 + 2
            again = await chat.say("compare a/one b/two since all")
            text = await chat.say_text("compare a/one b/two since all")
            assert "still being fetched" not in text
            assert again.chart is not None
            assert again.chart.png.startswith(b"\x89PNG")
            assert fake.stats.calls["history"] == 4  # kept: nothing asked again
            # stars 5 x 401 = 2,005; 7-day velocity 5.0; age 400 d = 400 / 365.25 = 1.1 y
            assert "2,005" in text
            assert "5.0" in text
            assert "1.1 y" in text
            await data.close()
    finally:
        await store.close()
