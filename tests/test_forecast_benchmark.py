"""The forecast-skill benchmark's own arithmetic, on hand-made data (it never reads the
real data at test time)."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from forecast_skill import Scored, interval
from stardata import daily_counts, months_after

from bot.features.predictions.score import track_record

D0 = date(2026, 1, 1)


def test_snapshots_become_daily_stars() -> None:
    # 100 → 105 the next day: 5 on Jan 1. 105 → 114 over 3 days: 9 spread 3, 3, 3 on
    # Jan 2-4. 114 → 110: a net loss counts as 0 on Jan 5. 110 → 200 over 16 days: too
    # long a gap to guess at, so Jan 6-21 stay missing.
    snapshots = {D0: 100, D0 + timedelta(1): 105, D0 + timedelta(4): 114,
                 D0 + timedelta(5): 110, D0 + timedelta(21): 200}
    counts = daily_counts(snapshots)
    assert counts == {D0: 5, D0 + timedelta(1): 3, D0 + timedelta(2): 3, D0 + timedelta(3): 3,
                      D0 + timedelta(4): 0}
    # An uneven spread puts the extra stars first: 10 over 3 days is 4, 3, 3.
    assert list(daily_counts({D0: 0, D0 + timedelta(3): 10}).values()) == [4, 3, 3]


def test_quarters_and_half_years() -> None:
    assert months_after(date(2023, 9, 1), 3) == date(2023, 12, 1)
    assert months_after(date(2024, 10, 1), 6) == date(2025, 4, 1)


def test_the_interval_resamples_whole_weeks() -> None:
    # Every week alike (one of each outcome per kind, the same probabilities): any
    # resample of weeks gives the point estimate itself. Pooled: base rate 1/2, Brier
    # (0.04 + 0.09 + 0.16 + 0.25) / 4 = 0.135, skill 10 × (1 − 0.135 / 0.25) = 4.6.
    week = [("continues", 0.8, True), ("continues", 0.3, False), ("overtakes", 0.6, True),
            ("overtakes", 0.5, False)]
    items = [Scored(f"w{n}", kind, p, o) for n in range(5) for kind, p, o in week]
    (pooled_low, pooled_high), (within_low, within_high) = interval(items, 50)
    assert pooled_low == pytest.approx(4.6)
    assert pooled_high == pytest.approx(4.6)
    record = track_record((i.kind, i.probability, i.outcome) for i in items)
    assert record.skill == pytest.approx(4.6)
    assert within_low == pytest.approx(record.within_kind)
    assert within_high == pytest.approx(record.within_kind)
