"""Which questions a briefing asks, how they read, and what the model makes of them, on
hand-made weekly series (as_of Monday 2026-04-13, due Sunday Apr 19); a series' last week
is spread evenly over its days unless a test says otherwise."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.features.predictions.model import (
    FEATURES,
    HINGED,
    Coefficients,
    above_features,
    ahead_features,
    last_days,
    shipped,
)
from bot.features.predictions.propose import (
    Series,
    likelihood,
    propose,
    questions,
    round_down,
    round_up,
)
from bot.features.predictions.replay import RepoHistory, replay

AS_OF = date(2026, 4, 13)
ZERO = (0.0,) * len(FEATURES)


def series(repo_id: int, name: str, *weeks: int) -> Series:
    return Series(repo_id, name, tuple(weeks), even(weeks[-1]))


def even(week: int) -> tuple[int, ...]:
    """A week's stars over its 7 days, the extra ones last."""
    share, extra = divmod(week, 7)
    return tuple(share + (1 if n >= 7 - extra else 0) for n in range(7))


def named(features: tuple[float, ...]) -> dict[str, float]:
    return dict(zip(FEATURES, features, strict=True))


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
        "this list's velocity stays above its 67 stars/day of Apr 6–Apr 12 through Apr 19."
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
    # Ten weeks of 70 (10 a day) and a threshold of 10/day (70/week): every level sits on
    # the threshold, log(1 + 70) − log(1 + 70) = 0, and so does every spread-scaled
    # distance; no week moved, so the spread is the one-star floor
    # log(1 + 1 / (1 + 70 + 1)) = log(73 / 72). Size: log10(1 + 70 / 7) = log10(11).
    steady = named(above_features([70] * 10, [10] * 7, 10.0))
    floor = {"size": math.log10(11), "log_spread": math.log(math.log(73 / 72))}
    assert steady == pytest.approx(dict.fromkeys(FEATURES, 0.0) | floor)
    # Threshold 5/day (35/week): each level is log(71 / 36) above it, which is
    # log(71 / 36) / log(73 / 72) ≈ 49.3 spreads, clipped at 4; each product with the
    # size is log10(11) × log(71 / 36).
    low = named(above_features([70] * 10, [10] * 7, 5.0))
    gap = math.log(71 / 36)
    assert [low[name] for name in ("week_6", "median_4", "mean_16", "day_7", "last_3_days")] \
        == pytest.approx([gap] * 5)
    assert [low[name] for name in FEATURES if name.startswith("spread_")] == [4.0] * 5
    assert low["size_x_last_day"] == pytest.approx(math.log10(11) * gap)
    # Every week (70) is above 35, the best of them is log(71 / 36) above it, and the
    # best week is the latest (a tie goes to the latest): 0 weeks ago.
    assert (low["share_above"], low["peak"], low["since_peak"]) == pytest.approx((1.0, gap, 0))
    # Above the threshold, each hinge is the distance itself.
    assert [low[f"{name}_above"] for name in HINGED] == pytest.approx([gap] * 5)


def test_levels_and_days_by_hand() -> None:
    # Four weeks of 70, then 56, 63, 70, 77, 84 and last week 140 as 10, 10, 10, 10, 20,
    # 40, 40; threshold 10/day, so each level x is measured as log((1 + x) / 71).
    weeks = [70] * 4 + [56, 63, 70, 77, 84, 140]
    f = named(above_features(weeks, [10, 10, 10, 10, 20, 40, 40], 10.0))
    # The last six weeks: 57, 64, 71, 78, 85, 141 over 71.
    assert [f[name] for name in FEATURES[:6]] == pytest.approx(
        [math.log(x / 71) for x in (57, 64, 71, 78, 85, 141)]
    )
    # Medians: of 70, 77, 84, 140 → (77 + 84) / 2 = 80.5; of the six → (70 + 77) / 2 =
    # 73.5. Mean of all ten: (4 × 70 + 490) / 10 = 77.
    assert (f["median_4"], f["median_6"], f["mean_16"]) == pytest.approx(
        (math.log(81.5 / 71), math.log(74.5 / 71), math.log(78 / 71))
    )
    # Days at their weekly rate: 70 four times (on the threshold), 140, then 280 twice;
    # the last three days (20 + 40 + 40) / 3 × 7 = 233.33….
    assert [f[f"day_{n}"] for n in range(7, 1, -1)] + [f["last_day"]] == pytest.approx(
        [0, 0, 0, 0, math.log(141 / 71), math.log(281 / 71), math.log(281 / 71)]
    )
    assert f["last_3_days"] == pytest.approx(math.log((1 + 700 / 3) / 71))
    # Size log10(1 + 77 / 7) = log10(12), and its products.
    assert f["size"] == pytest.approx(math.log10(12))
    assert f["size_x_last_week"] == pytest.approx(math.log10(12) * math.log(141 / 71))
    assert f["size_x_median_4"] == pytest.approx(math.log10(12) * math.log(81.5 / 71))
    assert f["size_x_last_day"] == pytest.approx(math.log10(12) * math.log(281 / 71))
    # The record: 77, 84 and 140 of the ten weeks are above 70 (70 itself is not), the
    # best week is last week's 140.
    assert (f["share_above"], f["peak"], f["since_peak"]) == pytest.approx(
        (3 / 10, math.log(141 / 71), 0)
    )


def test_weeks_since_the_peak_by_hand() -> None:
    # Twelve weeks with the best (90) the third of them: 9 whole weeks since, as 9/16.
    # b's best is its last week, so a's lead in the count is 9/16 − 0. Of the twelve
    # paired weeks a is ahead only in its peak week; its best lies log(91 / 41) above b's.
    a = [20, 30, 90, 30, 30, 30, 30, 30, 30, 30, 30, 30]
    b = [40] * 12
    f = named(ahead_features(a, [4] * 7, b, [6] * 7))
    assert (f["share_above"], f["peak"], f["since_peak"]) == pytest.approx(
        (1 / 12, math.log(91 / 41), 9 / 16)
    )
    # Twenty weeks: only the last 16 count, so an older, higher peak is not seen.
    older = [500] * 4 + a + [30] * 4
    g = named(above_features(older, [4] * 7, 10.0))
    assert (g["share_above"], g["since_peak"]) == pytest.approx((1 / 16, 13 / 16))


def test_overtaking_features_by_hand() -> None:
    # a: ten weeks of 70 (10 a day); b: ten of 140 (20 a day). Every level of a lies
    # log(71 / 141) below b's; the spreads are the floors log(73 / 72) and
    # log(143 / 142), combined as their hypotenuse (≈ 0.0165), so every scaled distance
    # is clipped at −4. Size: of the mean pace (70 + 140) / 2 / 7 = 15, log10(16).
    f = named(ahead_features([70] * 10, [10] * 7, [140] * 10, [20] * 7))
    gap = math.log(71 / 141)
    scale = math.hypot(math.log(73 / 72), math.log(143 / 142))
    assert [f[name] for name in ("week_6", "last_week", "median_6", "day_4", "last_3_days")] \
        == pytest.approx([gap] * 5)
    assert [f[name] for name in FEATURES if name.startswith("spread_")] == [-4.0] * 5
    assert (f["size"], f["log_spread"]) == pytest.approx((math.log10(16), math.log(scale)))
    assert f["size_x_last_3_days"] == pytest.approx(math.log10(16) * gap)
    # a is never ahead of b; its best week (70) lies as far below b's as every level.
    assert (f["share_above"], f["peak"], f["since_peak"]) == pytest.approx((0, gap, 0))
    # Every distance is below 0, so every hinge is 0.
    assert [f[f"{name}_above"] for name in HINGED] == [0.0] * 5


def test_the_lists_days_are_its_repos_days_summed() -> None:
    # a's last week 0, 0, 0, 0, 0, 50, 50 and b's 10 a day: the list's last day is
    # 50 + 10 = 60, 420 at its weekly rate; its last week (100 + 70) / 7 = 24.28… → 24
    # (rounded down), so the threshold is 24 × 7 = 168 a week.
    a = Series(1, "acme/a", (70,) * 9 + (100,), (0, 0, 0, 0, 0, 50, 50))
    b = steady(2, "acme/b", 70, 70)
    first = questions([a, b], AS_OF, 2)[0]
    assert first.claim.threshold == 24
    f = named(first.features)
    assert f["last_day"] == pytest.approx(math.log(421 / 169))
    assert f["day_7"] == pytest.approx(math.log(71 / 169))


def test_days_come_from_the_store_or_not_at_all() -> None:
    # The 7 days before Monday Apr 13 are Apr 6-12; with Apr 9 missing there are none.
    daily = {date(2026, 4, day): day for day in range(1, 13)}
    assert last_days(daily, AS_OF) == (6, 7, 8, 9, 10, 11, 12)
    del daily[date(2026, 4, 9)]
    assert last_days(daily, AS_OF) == ()
    assert Series.of(1, "acme/a", daily, AS_OF) == Series(1, "acme/a", (), ())


def test_rounding_keeps_the_claim_true_of_last_week() -> None:
    assert (round_down(67.857), round_up(27.142)) == (67, 28)
    assert (round_down(135.6), round_up(135.6), round_down(4.26), round_up(4.21)) == (
        130, 140, 4.2, 4.3
    )


def test_the_shipped_coefficients_cover_every_kind() -> None:
    model = shipped()
    assert model.version == "logit-levels-days/4"
    assert set(model.weights) == {"list_velocity", "continues", "overtakes"}
    # An intercept and 17 levels, 5 scaled distances, size, log spread, 4 products, the
    # 3 figures of the series' record and 5 hinges.
    assert all(
        len(weights) == 1 + 17 + 5 + 2 + 4 + 3 + 5 for weights in model.weights.values()
    )


def test_a_year_of_noisy_series_keeps_off_the_extremes() -> None:
    # 40 made-up repos (seeded): a pace between 3 and 300 stars a day drifting by about
    # 15% a week, each day's stars that pace with Poisson-like noise; briefings every week
    # of 2026 over lists of five. The rule: fewer than 10% of the predictions
    # below 10% or above 90%, and any past 3%/97% worded "Almost certain(ly not)".
    rng = random.Random(19)
    first = date(2025, 9, 1)
    histories = {}
    for n in range(40):
        level = math.log(3) + rng.random() * math.log(100)
        daily = {}
        for day in range(7 * 70):
            if day % 7 == 0:
                level += rng.gauss(0, 0.15)
            pace = math.exp(level)
            daily[first + timedelta(day)] = max(0, round(rng.gauss(pace, math.sqrt(pace))))
        histories[n] = RepoHistory(f"acme/r{n}", daily, datetime(2027, 1, 1, tzinfo=UTC))
    lists = [list(range(n, n + 5)) for n in range(0, 40, 5)]
    made = replay(histories, lists, date(2026, 1, 5), date(2026, 12, 14)).made
    assert len(made) > 300
    extreme = [r for r in made if not 0.10 <= r.proposal.probability <= 0.90]
    assert len(extreme) < 0.10 * len(made)
    for r in made:
        pct = round(100 * r.proposal.probability)
        if pct > 97 or pct < 3:
            assert r.proposal.statement.startswith(("Almost certain,", "Almost certainly not,"))
