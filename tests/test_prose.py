"""Prose from a model, kept only when every figure in it is one of the briefing's facts.

The scenario (as_of Mon 2026-04-13, 7-day windows: current Apr 6-12, prior Mar 30-Apr 5):
acme/rocket    current 160 stars (160/7 = 22.857/day), prior 70 (10.0/day): +12.857, +128.6%;
               release v2.0 on Apr 8: 80 stars in the 48 h after, baseline 10/day
               -> (80/48)/(10/24) = 4.0x.
acme/slowpoke  current 105 (15.0/day), prior 210 (30.0/day): -15.0/day, -50%.
other/steady   35 and 35 (5.0/day both): not a mover.
List: (160+105+35)/7 = 42.857/day against (70+210+35)/7 = 45.0: -2.143/day, -4.76%.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest

from bot.clients.llm import ChatModel, ModelSettings
from bot.core.figures import Momentum
from bot.core.repo_ref import RepoRef
from bot.core.settings import SettingsError, load_settings
from bot.core.store import RepoEvent
from bot.features.briefing.model import Briefing, Coincidence, RepoFigures
from bot.features.prose import facts_from_briefing, write_prose
from bot.features.prose.facts import ProseFacts
from bot.features.prose.verify import verify_text
from bot.testing.fake_llm import Behaviour, FakeChatServer

ROCKET, SLOWPOKE, STEADY = (
    RepoRef("acme", "rocket"),
    RepoRef("acme", "slowpoke"),
    RepoRef("other", "steady"),
)
RELEASE = RepoEvent("release", "v2.0", "v2.0", datetime(2026, 4, 8, tzinfo=UTC))


def repo(
    ref: RepoRef, stars: int, prior: int, coincidence: Coincidence | None = None
) -> RepoFigures:
    return RepoFigures(
        ref=ref,
        stars=1_000,
        figures=Momentum(window_days=7, stars=stars, prior_stars=prior, missing_days=0),
        exact=True,
        coincidence=coincidence,
    )


def scenario() -> Briefing:
    rocket = repo(ROCKET, 160, 70, Coincidence(RELEASE, 80, 48, 10))
    slowpoke = repo(SLOWPOKE, 105, 210)
    steady = repo(STEADY, 35, 35)
    return Briefing(
        as_of=date(2026, 4, 13),
        window_days=7,
        repos=(rocket, slowpoke, steady),
        accelerating=(rocket,),
        decelerating=(slowpoke,),
        themes=(),
    )


@pytest.fixture
def facts() -> ProseFacts:
    return facts_from_briefing(scenario())


@pytest.fixture
async def server() -> AsyncIterator[FakeChatServer]:
    async with FakeChatServer(api_key="local-key") as fake:
        yield fake


async def prose_from(server: FakeChatServer, behaviour: Behaviour, facts: ProseFacts, **kw: float):  # type: ignore[no-untyped-def]
    server.behaviour = behaviour
    model = ChatModel(
        ModelSettings(server.base_url, "llama3", api_key="local-key", timeout=kw.get("timeout", 5))
    )
    try:
        return await write_prose(model, facts)
    finally:
        await model.close()


def test_facts_hold_the_hand_computed_figures(facts: ProseFacts) -> None:
    data = facts.as_data()
    assert data["list"] == {
        "repos": 3,
        "stars_per_day": 42.9,
        "prior_stars_per_day": 45.0,
        "change_per_day": -2.1,
        "change_pct": -5,
        # The scenario holds no swings: the what-step has no "against the usual swing".
        "usual_swing_pct": None,
        "change_in_usual_swings": None,
        "against_usual_swing": None,
    }
    # Which: only acme/slowpoke moved with the fall: -15.0 of -2.143 is 700% of it, more
    # than the whole list; the others moved -2.143 - (-15.0) = +12.857 -> 12.9.
    assert data["which"] == {
        "direction": "fall",
        "repos": [{
            "repo": "acme/slowpoke",
            "change_per_day": -15.0,
            "share_of_change_pct": 700,
            "coincided_with": None,
            "nothing_coincides": True,
        }],
        "share_of_change_pct": 700,
        "named_moved_more_than_the_list": True,
        "named_change_per_day": -15.0,
        "others_change_per_day": 12.9,
    }
    assert (data["shared_theme"], data["coverage"]) == (None, None)
    movers = data["movers"]
    assert isinstance(movers, list)
    rocket = movers[0]
    assert (rocket["repo"], rocket["stars_per_day"], rocket["change_pct"]) == (
        "acme/rocket",
        22.9,
        129,
    )
    assert rocket["coincided_with"] == {
        "kind": "release",
        "key": "v2.0",
        "title": "v2.0",
        "date": "2026-04-08",
        "timing": "during the rise",
        "lift": 4.0,
        "hours": 48,
        "baseline_days": 28,
    }
    assert rocket["nothing_coincides"] is False
    assert movers[1]["repo"] == "acme/slowpoke"
    assert movers[1]["change_per_day"] == -15.0
    # Exact history and no event: the facts say nothing coincides, so prose may say so.
    assert (movers[1]["coincided_with"], movers[1]["nothing_coincides"]) == (None, True)


async def test_good_prose_is_used(server: FakeChatServer, facts: ProseFacts) -> None:
    prose = await prose_from(server, "good", facts)
    assert prose.source == "model", prose.reason
    # What: 42.857 -> 42.9, down 2.143 -> 2.1, -4.76% -> -5%. Which: acme/slowpoke's -15.0
    # is more than the list's -2.143; the others +12.857 -> 12.9. Why: it has no event.
    assert prose.lede == (
        "The list's 3 repos gained 42.9 stars/day this week, down 2.1 stars/day (-5%) from "
        "the week before. acme/slowpoke fell by 15.0 stars/day, more than the whole list: "
        "the others rose by 12.9 stars/day in sum. Nothing in the data coincides with it."
    )
    # 22.857 -> 22.9 from 10.0, +128.6% -> +129%; the release: (80/48)/(10/24) = 4.0x.
    assert prose.lines["acme/rocket"] == (
        "acme/rocket ran at 22.9 stars/day, up from 10.0 (+129%). It coincided with the "
        "v2.0 release on Apr 8, after which stars ran 4.0× baseline for 48 h."
    )
    assert prose.lines["acme/slowpoke"] == (
        "acme/slowpoke ran at 15.0 stars/day, down from 30.0 (-50%). Nothing in the data "
        "coincides."
    )
    assert set(prose.lines) == {"acme/rocket", "acme/slowpoke"}
    # The key went as a bearer token, and the model saw the facts as data.
    body = server.requests[-1]
    assert body["model"] == "llama3"
    assert body["response_format"] == {"type": "json_object"}
    assert '"title": "v2.0"' in body["messages"][1]["content"]


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        ("wrong_number", "the line for acme/rocket states 41.9"),  # 22.857 x 1.7 + 3 = 41.857
        ("invented_repo", "names someone/madeup-runtime"),
        ("mention", "contains a mention"),
        ("link", "contains a link"),
        ("garbage", "not the JSON asked for"),
        # acme/slowpoke has no event: its line may not claim one.
        ("invented_cause", "the line for acme/slowpoke claims a coincidence, but nothing"),
        ("error", "HTTP 500"),
    ],
)
async def test_bad_answers_fall_back_to_the_template(
    server: FakeChatServer, facts: ProseFacts, behaviour: Behaviour, reason: str
) -> None:
    prose = await prose_from(server, behaviour, facts)
    assert prose.source == "template"
    assert reason in prose.reason
    assert prose.lede == ""
    assert not prose.lines


async def test_a_slow_model_costs_one_timeout(server: FakeChatServer, facts: ProseFacts) -> None:
    server.slow_seconds = 3.0
    started = datetime.now(UTC)
    prose = await prose_from(server, "slow", facts, timeout=0.3)
    elapsed = (datetime.now(UTC) - started).total_seconds()
    assert prose.source == "template"
    assert "within 0.3 s" in prose.reason
    assert elapsed < 2.0


async def test_a_wrong_key_is_a_clear_failure(server: FakeChatServer, facts: ProseFacts) -> None:
    model = ChatModel(ModelSettings(server.base_url, "llama3", api_key="wrong"))
    try:
        prose = await write_prose(model, facts)
    finally:
        await model.close()
    assert (prose.source, prose.reason) == ("template", "the model server answered HTTP 401")


@pytest.mark.parametrize(
    "text",
    [
        "The list ran at 42.9 stars/day, against 45 the week before.",
        "acme/rocket reached 22.9 stars/day, 129% faster, after v2.0 on Apr 8.",
        "acme/slowpoke fell by 15 stars/day (50%) between Mar 30 and April 12, 2026.",
        "Over 48 hours stars ran 4× the 28-day baseline.",
        "The list's 3 repos: about 43 stars/day.",
    ],
)
def test_figures_at_the_stated_precision_pass(facts: ProseFacts, text: str) -> None:
    assert verify_text(text, facts, limit=500).ok, verify_text(text, facts, limit=500).reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("acme/rocket reached 22.8 stars/day.", "states 22.8"),  # 22.857 rounds to 22.9
        ("acme/rocket is up 128%.", "states 128%"),  # 128.57% rounds to 129
        ("The list holds 42.9% of the stars.", "states 42.9%"),  # a rate is not a percentage
        ("acme/rocket gained 1.2k stars.", "states 1.2k"),  # no fact near 1,200
        ("It moved on Apr 9.", "states Apr 9"),
        ("It moved on 2026-04-09.", "states 2026-04-09"),
        ("Like in 2024, it grew.", "the year 2024"),
        ("pytorch/pytorch grew.", "names pytorch/pytorch"),
        ("Read **this**.", "markup"),
        ("ping <!channel>", "mention"),
        ("see acme.io for more", "a link"),
        ("x" * 501, "longer than 500"),
        ("   ", "empty"),
    ],
)
def test_anything_not_in_the_data_is_refused(facts: ProseFacts, text: str, reason: str) -> None:
    verdict = verify_text(text, facts, limit=500)
    assert not verdict.ok
    assert reason in verdict.reason


def test_a_model_url_needs_a_model_name() -> None:
    with pytest.raises(SettingsError, match=r"^MOMENTUM_LLM_MODEL is invalid: is needed with"):
        load_settings(MOMENTUM_LLM_URL="http://127.0.0.1:11434/v1")
    assert not load_settings().llm_configured
