"""Which questions a briefing asks, how they read, and what the model makes of them, on
hand-made weekly series (as_of Monday 2026-04-13, due Sunday Apr 19)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from bot.features.predictions.model import Coefficients, above_features, shipped
from bot.features.predictions.propose import (
    Series,
    likelihood,
    propose,
    questions,
    round_down,
    round_up,
)

AS_OF = date(2026, 4, 13)
ZERO = (0.0,) * 6


def series(repo_id: int, name: str, *weeks: int) -> Series:
    return Series(repo_id, name, tuple(weeks))


def steady(repo_id: int, name: str, level: int, last: int) -> Series:
    """Nine weeks at ``level`` stars, then ``last``: ten weeks, the fewest that count."""
    return series(repo_id, name, *([level] * 9), last)


def test_the_questions_follow_the_rules() -> None:
    # Changes on the week before: a +30 (rose most), b 0, c -40 (fell most), d +5.
    # The list: all four have ten weeks, so its velocity is asked first:
    # (100 + 140 + 160 + 75) / 7 = 67.857… → 67 (two figures, rounded down).
    # a: nearest ahead is b (140 ≤ 1.5 × 100 = 150), so "a overtakes b".
    # c: continues; its 4-week pace is (200 × 3 + 160) / 28 = 27.142…, last week
    # 160 / 7 = 22.9 is below it, so "below 28" (rounded up). Three asked: d is not.
    a, b = steady(1, "acme/a", 70, 100), steady(2, "acme/b", 140, 140)
    c, d = steady(3, "acme/c", 200, 160), steady(4, "acme/d", 70, 75)
    asked = questions([a, b, c, d], AS_OF, 4)
    assert [q.claim.kind for q in asked] == ["list_velocity", "overtakes", "continues"]
    assert asked[0].claim.threshold == 67
    assert asked[0].wording == (
        "this list's velocity stays above this week's 67 stars/day through Apr 19."
    )
    assert asked[1].claim.repo_ids() == [1, 2]
    assert asked[1].wording == (
        "acme/a overtakes acme/b in velocity through Apr 19 (this week 14.3 against 20.0 "
        "stars/day)."
    )
    assert (asked[2].claim.threshold, asked[2].claim.direction) == (28, "below")
    assert asked[2].wording == (
        "acme/c keeps running below its 4-week pace of 28 stars/day through Apr 19."
    )


def test_overtakes_only_within_one_and_a_half_times() -> None:
    # b is 151 against a's 100: more than 1.5× ahead, so a is asked whether it continues:
    # 4-week pace (70 × 3 + 100) / 28 = 11.07…, last week 14.3 is above it: "above 11".
    a, b = steady(1, "acme/a", 70, 100), steady(2, "acme/b", 151, 151)
    first = questions([a, b], AS_OF, 2)[1]
    assert first.claim.kind == "continues"
    assert (first.claim.threshold, first.claim.direction) == (11, "above")
    # Exactly 1.5× (150 against 100) still counts.
    b = steady(2, "acme/b", 150, 150)
    assert questions([a, b], AS_OF, 2)[1].claim.kind == "overtakes"


def test_too_little_history_or_an_incomplete_list() -> None:
    # Nine weeks are one short; with one of two repos unknown the list is not asked about,
    # and only the known repo gets a question.
    short = series(1, "acme/short", *([50] * 8), 60)
    full = steady(2, "acme/full", 70, 90)
    asked = questions([short, full], AS_OF, 2)
    assert [(q.claim.kind, q.claim.repo_ids()) for q in asked] == [("continues", [2])]


def test_probabilities_come_from_the_coefficients_and_read_as_words() -> None:
    # Intercept 1, no weights: P(above) = 1 / (1 + e^-1) = 0.731 → 73%; a "below"
    # question is the other side: 27%.
    kinds = ("list_velocity", "continues", "overtakes")
    model = Coefficients("test/1", dict.fromkeys(kinds, (1.0, *ZERO)))
    a, c = steady(1, "acme/a", 70, 100), steady(3, "acme/c", 200, 160)
    made = propose([a, c], AS_OF, 2, model)
    # a rose (+30) with c ahead at 1.6× (160 > 150): continues above; c fell: below.
    assert [p.statement.split(":")[0] for p in made] == [
        "Likely, 73%", "Likely, 73%", "Unlikely, 27%"
    ]
    assert made[2].probability == pytest.approx(0.27)
    assert made[2].inputs["model"] == "test/1"
    assert made[2].claim.direction == "below"


def test_extremes_say_so_in_words() -> None:
    assert [likelihood(p) for p in (99, 98, 97, 85, 60, 50, 41, 40, 16, 15, 3, 2, 1)] == [
        "Almost certain", "Almost certain", "Very likely", "Very likely", "Likely",
        "Toss-up", "Toss-up", "Unlikely", "Unlikely", "Very unlikely", "Very unlikely",
        "Almost certainly not", "Almost certainly not",
    ]


def test_features_by_hand() -> None:
    # Ten weeks of 70 and a threshold of 10/day (70/week): every mean sits on the
    # threshold, distance 0; no week moved, so the spread is the one-star floor
    # log(1 + 1 / (1 + 71)). Size: log10(1 + 70 / 7) = log10(11).
    assert above_features([70] * 10, 10.0) == pytest.approx((0, 0, 0, 0, 0, math.log10(11)))
    # Threshold 5/day (35/week): each distance is log(71 / 36) / log(73 / 72) ≈ 49.3
    # spreads, clipped at 4.
    assert above_features([70] * 10, 5.0)[:5] == pytest.approx((4.0,) * 5)


def test_rounding_keeps_the_claim_true_of_last_week() -> None:
    assert (round_down(67.857), round_up(27.142)) == (67, 28)
    assert (round_down(135.6), round_up(135.6), round_down(4.26), round_up(4.21)) == (
        130, 140, 4.2, 4.3
    )


def test_the_shipped_coefficients_cover_every_kind() -> None:
    model = shipped()
    assert model.version == "logit-means/1"
    assert set(model.weights) == {"list_velocity", "continues", "overtakes"}
    assert all(len(weights) == 7 for weights in model.weights.values())
