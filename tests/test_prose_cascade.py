"""The prose facts carry every step of the lede's why-cascade, the verifier accepts those
figures at their rounding, and no line may claim a coincidence its facts do not hold.

Scenario, as of Mon 2026-04-13, 7-day windows (current Apr 6-12, prior Mar 30-Apr 5):
acme/engine  daily 50, 50, 50, 330, 50, 50, 50 = 630 (90.0/day) from 350 (50.0/day):
             +40.0/day, +80%. Apr 9 holds 330/630 = 52.38% of the week: a spike.
             A Hacker News story (412 points, 138 comments) on Apr 9: 360 stars in the 48 h
             after it against a 60/day baseline: (360/48) / (60/24) = 7.5 / 2.5 = 3.0x.
             Usual swing log(1.2): +20%.
acme/wheel   50 a day, 350 (50.0/day) from 140 (20.0/day): +30.0/day, +150%; 7 of 7 days
             above 20: sustained. Nothing coincides.
other/flat   210 (30.0/day) from 70 (10.0/day): +20.0/day, within its swing (steady).
List: (630 + 350 + 210)/7 = 170.0/day from (350 + 140 + 70)/7 = 80.0/day: +90.0/day,
+112.5%. Usual swing log(1.25): +25%; the change is |ln(1191) - ln(561)| / ln(1.25) =
0.75283 / 0.22314 = 3.37 swings: "far beyond" (3 or more).
Which: engine 40/90 = 44.4% (under half), then wheel 30/90 = 33.3%: together 70/90 = 77.8%.
So what: both share the llm topic, 140.0/day from 70.0: +100%.
Coverage: 5 items (1 HN story, 4 feed items) against 1,190 stars; llm holds 980/1190 =
82.4% of the stars and 1/5 = 20% of the items; database/vector-search 210/1190 = 17.6%
of the stars and 3/5 = 60% of the items.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.clients.llm import ChatModel, ModelSettings
from bot.core.figures import Momentum, window
from bot.core.repo_ref import RepoRef
from bot.core.store import RepoEvent
from bot.features.briefing.model import (
    Briefing,
    Coincidence,
    Coverage,
    RepoFigures,
    Theme,
    ThemeCoverage,
)
from bot.features.briefing.move import classify
from bot.features.prose import facts_from_briefing, write_prose
from bot.features.prose.facts import ProseFacts
from bot.features.prose.verify import verify_causes, verify_text
from bot.testing.fake_llm import FakeChatServer

AS_OF = date(2026, 4, 13)
ENGINE, WHEEL, FLAT = RepoRef("acme", "engine"), RepoRef("acme", "wheel"), RepoRef("other", "flat")
STORY = RepoEvent(
    "hn_story", "4242", "Show HN: a coincidence engine", datetime(2026, 4, 9, 6, tzinfo=UTC),
    points=412, comments=138,
)


def line(
    ref: RepoRef, daily: list[int], prior: int, *, swing: float, found: Coincidence | None = None
) -> RepoFigures:
    span = window(AS_OF, 7)
    days = dict(zip(span.dates(), daily, strict=True))
    return RepoFigures(
        ref=ref, stars=5_000,
        figures=Momentum(window_days=7, stars=sum(daily), prior_stars=prior, missing_days=0),
        exact=True, coincidence=found, topics=("llm",), swing=swing,
        move=classify(days, span, prior / 7),
    )


def scenario() -> Briefing:
    engine = line(ENGINE, [50, 50, 50, 330, 50, 50, 50], 350, swing=math.log(1.2),
                  found=Coincidence(STORY, 360, 48, 60))
    wheel = line(WHEEL, [50] * 7, 140, swing=math.log(1.1))
    flat = line(FLAT, [30] * 7, 70, swing=math.log(3))
    return Briefing(
        as_of=AS_OF, window_days=7, repos=(engine, wheel, flat),
        accelerating=(engine, wheel), decelerating=(), steady=(flat,),
        themes=(Theme("llm", "topic", (ENGINE, WHEEL), 140.0, 70.0),),
        swing=math.log(1.25),
        coverage=Coverage(
            stars=1190, items=5, hn_stories=1, feed_items=4, themes=(),
            stars_ahead=(ThemeCoverage("llm", "topic", 980, 1, 980 / 1190, 1 / 5),),
            coverage_ahead=(
                ThemeCoverage("database/vector-search", "topic", 210, 3, 210 / 1190, 3 / 5),
            ),
        ),
    )


@pytest.fixture
def facts() -> ProseFacts:
    return facts_from_briefing(scenario())


@pytest.fixture
async def server() -> AsyncIterator[FakeChatServer]:
    async with FakeChatServer() as fake:
        yield fake


def test_the_facts_hold_each_step_of_the_cascade(facts: ProseFacts) -> None:
    data = facts.as_data()
    listed = data["list"]
    assert isinstance(listed, dict)
    assert (listed["stars_per_day"], listed["change_per_day"], listed["change_pct"]) == (
        170.0, 90.0, 112  # round(112.5) is 112: Python rounds halves to even
    )
    assert (listed["usual_swing_pct"], listed["change_in_usual_swings"]) == (25.0, 3.4)
    assert listed["against_usual_swing"] == "far beyond its usual week-to-week swing of ±25%"
    assert data["which"] == {
        "direction": "rise",
        "repos": [
            {"repo": "acme/engine", "change_per_day": 40.0, "share_of_change_pct": 44,
             "coincided_with": {
                 "kind": "hn_story", "key": "4242", "title": "Show HN: a coincidence engine",
                 "date": "2026-04-09", "timing": "during the rise", "lift": 3.0, "hours": 48,
                 "baseline_days": 28, "points": 412, "comments": 138,
             },
             "nothing_coincides": False},
            {"repo": "acme/wheel", "change_per_day": 30.0, "share_of_change_pct": 33,
             "coincided_with": None, "nothing_coincides": True},
        ],
        "share_of_change_pct": 78,
    }
    assert data["shared_theme"] == {
        "name": "llm", "kind": "topic", "repos": ["acme/engine", "acme/wheel"],
        "stars_per_day": 140.0, "change_pct": 100,
    }
    movers = data["movers"]
    assert isinstance(movers, list)
    engine, wheel = movers
    assert engine["usual_swing_pct"] == 20.0
    # Apr 9's 330 of 630 is 52.38%; the first and last two days ran 50/day.
    assert engine["move"] == {
        "kind": "spike", "words": "a one-day spike: 52% of the week's stars came on Apr 9",
        "days": 7, "days_beyond_prior_pace": 1, "prior_stars_per_day": 50.0,
        "start_stars_per_day": 50.0, "end_stars_per_day": 50.0, "edge_days": 2,
        "peak_day": "2026-04-09", "peak_share_pct": 52,
    }
    assert wheel["move"]["words"] == "sustained: 7 of 7 days above 20"
    assert (wheel["coincided_with"], wheel["nothing_coincides"]) == (None, True)
    assert data["coverage"] == {
        "items": 5, "hacker_news_stories": 1, "feed_items": 4, "list_stars_in_window": 1190,
        "stars_ahead_of_coverage": [{"theme": "llm", "kind": "topic",
                                     "share_of_stars_pct": 82, "share_of_coverage_pct": 20}],
        "coverage_ahead_of_stars": [{"theme": "database/vector-search", "kind": "topic",
                                     "share_of_stars_pct": 18, "share_of_coverage_pct": 60}],
        "gap_named_from_points": 10,
    }


async def test_the_fakes_good_prose_writes_the_whole_cascade(
    server: FakeChatServer, facts: ProseFacts
) -> None:
    model = ChatModel(ModelSettings(server.base_url, "m"))
    try:
        prose = await write_prose(model, facts)
    finally:
        await model.close()
    assert prose.source == "model", prose.reason
    assert prose.lede == (
        "The list's 3 repos gained 170.0 stars/day this week, up 90.0 stars/day (+112%) from "
        "the week before, far beyond its usual week-to-week swing of ±25%. acme/engine and "
        "acme/wheel account for 78% of the rise (44% and 33%). acme/engine's rise coincided "
        "with a Hacker News story (412 points, 138 comments) “Show HN: a coincidence engine” "
        "on Apr 9, after which stars ran 3.0× their 28-day baseline for 48 h; nothing in the "
        "data coincides with acme/wheel's rise. acme/engine and acme/wheel share the llm "
        "topic: together 140.0 stars/day, up 100%."
    )
    assert prose.lines["acme/engine"] == (
        "acme/engine ran at 90.0 stars/day, up from 50.0 (+80%, usual ±20.0%); a one-day "
        "spike: 52% of the week's stars came on Apr 9. It coincided with a Hacker News story "
        "(412 points, 138 comments) “Show HN: a coincidence engine” on Apr 9, after which "
        "stars ran 3.0× baseline for 48 h."
    )
    assert prose.lines["acme/wheel"] == (
        "acme/wheel ran at 50.0 stars/day, up from 20.0 (+150%, usual ±10.0%); sustained: 7 "
        "of 7 days above 20. Nothing in the data coincides."
    )


@pytest.mark.parametrize(
    "text",
    [
        "The change is 3.4 times the list's usual swing of ±25%.",
        "acme/engine and acme/wheel account for 78% of the rise (44% and 33%).",
        "acme/engine: 44.4% of it, after a story with 412 points and 138 comments.",
        "52% of acme/engine's week came on April 9; acme/wheel ran 7 of 7 days above 20.",
        "llm draws 82% of the stars and 20% of the 5 coverage items; database/vector-search "
        "draws 60% of the coverage.",
        "Nothing in the data coincides with acme/wheel's rise.",
        "acme/engine's rise coincided with the story; acme/wheel's had no event near it.",
    ],
)
def test_cascade_figures_pass_at_their_rounding(facts: ProseFacts, text: str) -> None:
    verdict = verify_text(text, facts, limit=500)
    assert verdict.ok, verdict.reason
    assert verify_causes(text, facts).ok


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("acme/engine holds 45% of the rise.", "states 45%"),  # 44.44% is 44, not 45
        ("The story had 413 points.", "states 413"),
        ("The spike came on Apr 10.", "states Apr 10"),
        ("It is 3.5 times the usual swing.", "states 3.5"),  # 3.37 is 3.4
    ],
)
def test_cascade_figures_off_by_a_step_are_refused(
    facts: ProseFacts, text: str, reason: str
) -> None:
    verdict = verify_text(text, facts, limit=500)
    assert not verdict.ok
    assert reason in verdict.reason


@pytest.mark.parametrize(
    ("text", "repo"),
    [
        # A mover line for acme/wheel, whose facts hold no event.
        ("acme/wheel ran at 50.0 stars/day. It coincided with a story.", "acme/wheel"),
        # A lede clause naming acme/wheel; the other clause names acme/engine rightly.
        ("acme/engine rose with the story; acme/wheel's rise coincides with it too.", None),
    ],
)
def test_a_coincidence_the_facts_do_not_hold_is_refused(
    facts: ProseFacts, text: str, repo: str | None
) -> None:
    verdict = verify_causes(text, facts, repo=repo)
    assert not verdict.ok
    assert verdict.reason == (
        "claims a coincidence, but nothing in the data coincides with acme/wheel"
    )


def test_a_lede_without_any_event_may_not_claim_one() -> None:
    briefing = scenario()
    engine = briefing.repos[0]
    quiet = replace(engine, coincidence=None)
    facts = facts_from_briefing(replace(
        briefing, repos=(quiet, *briefing.repos[1:]), accelerating=(quiet, briefing.repos[1]),
    ))
    # Unnamed ("Its rise"), it is about the which-step's repos: neither holds an event.
    verdict = verify_causes("Its rise coincides with a release.", facts)
    assert not verdict.ok
    assert "nothing in the data coincides with acme/engine, acme/wheel" in verdict.reason
    # A negated clause claims nothing.
    assert verify_causes("Nothing in the data coincides with these moves.", facts).ok


def test_a_quoted_title_is_no_claim(facts: ProseFacts) -> None:
    # The story's title is quoted data and is left out before looking for claims.
    text = "acme/wheel was talked about beside “Show HN: a coincidence engine”."
    assert verify_causes(text, facts, repo="acme/wheel").ok
