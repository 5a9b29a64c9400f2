from datetime import date, timedelta

import pytest

from bot.core.figures import (
    Momentum,
    momentum,
    prior_window,
    rank_movers,
    total_velocity,
    velocity,
    window,
)

AS_OF = date(2026, 4, 13)


def days_before(as_of: date, counts: list[int]) -> dict[date, int]:
    """Counts for the days just before ``as_of``, oldest first."""
    start = as_of - timedelta(days=len(counts))
    return {start + timedelta(days=i): n for i, n in enumerate(counts)}


def test_worked_example_from_design() -> None:
    # 191 stars in the 7 days before Apr 13 (Apr 6-12), 156 in the 7 before (Mar 30-Apr 5).
    prior, current = [22, 22, 22, 22, 22, 23, 23], [27, 27, 27, 27, 27, 28, 28]
    daily = days_before(AS_OF, [*prior, *current])
    figure = momentum(daily, AS_OF, 7)
    assert (figure.stars, figure.prior_stars) == (191, 156)
    assert round(figure.velocity, 1) == 27.3
    assert round(figure.prior_velocity, 1) == 22.3
    assert round(figure.acceleration, 1) == 5.0
    assert figure.acceleration_pct == pytest.approx(100 * 35 / 156)
    assert figure.complete


def test_windows_hold_whole_days_before_as_of() -> None:
    assert window(AS_OF, 7).start == date(2026, 4, 6)
    assert window(AS_OF, 7).end == AS_OF
    assert prior_window(AS_OF, 7).start == date(2026, 3, 30)
    assert prior_window(AS_OF, 7).end == date(2026, 4, 6)
    # as_of itself is not finished, so its stars count in no window; Apr 5 is prior.
    daily = {AS_OF: 1000, date(2026, 4, 12): 3, date(2026, 4, 5): 7}
    figure = momentum(daily, AS_OF, 7)
    assert (figure.stars, figure.prior_stars) == (3, 7)


@pytest.mark.parametrize("days", [1, 90])
def test_any_window_from_one_to_ninety_days(days: int) -> None:
    daily = days_before(AS_OF, [2] * days + [5] * days)
    figure = momentum(daily, AS_OF, days)
    assert figure.velocity == 5
    assert figure.prior_velocity == 2
    assert figure.acceleration == 3
    assert figure.acceleration_pct == 150


@pytest.mark.parametrize("days", [0, 91, -7])
def test_windows_outside_one_to_ninety_days_are_refused(days: int) -> None:
    with pytest.raises(ValueError, match="1 to 90 days"):
        velocity({}, AS_OF, days)


def test_days_without_data_are_counted_not_hidden() -> None:
    daily = days_before(AS_OF, [4] * 14)
    del daily[date(2026, 4, 10)]
    del daily[date(2026, 4, 1)]
    figure = momentum(daily, AS_OF, 7)
    assert figure.missing_days == 2
    assert not figure.complete
    assert figure.stars == 24


def test_no_percentage_without_a_prior_velocity() -> None:
    figure = momentum(days_before(AS_OF, [0] * 7 + [3] * 7), AS_OF, 7)
    assert figure.acceleration == 3
    assert figure.acceleration_pct is None


def test_ranking_and_total_velocity() -> None:
    figures = {
        "steady": Momentum(7, stars=70, prior_stars=70, missing_days=0),  # 10 -> 10
        "cooling": Momentum(7, stars=21, prior_stars=42, missing_days=0),  # 6 -> 3, -3
        "rising": Momentum(7, stars=35, prior_stars=0, missing_days=0),  # 0 -> 5, +5
        "rocket": Momentum(7, stars=140, prior_stars=70, missing_days=0),  # 10 -> 20, +10
        "sinking": Momentum(7, stars=0, prior_stars=56, missing_days=0),  # 8 -> 0, -8
    }
    movers = rank_movers(figures)
    assert [name for name, _ in movers.accelerating] == ["rocket", "rising"]
    assert [name for name, _ in movers.decelerating] == ["sinking", "cooling"]
    assert total_velocity(figures.values()) == pytest.approx(10 + 3 + 5 + 20 + 0)
