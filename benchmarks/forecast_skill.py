"""The predictions' skill on real daily stars the model never saw (issue 19's held-out
sets), each figure printed beside its target.

    python benchmarks/forecast_skill.py [--data DIR] [--resamples 1000]

(a) AI repositories of the yuxiaopeng file not in the evanli file, briefings 2025-11-21 to
2026-08-14; (b) yuxiaopeng, quarterly blocks 2023-09 to 2025-06; (c) evanli's overall top
100, half-year blocks 2019-04 to 2024-09. Lists of five, briefings weekly, replayed by the
bot's own ``replay`` (the live path's questions, model and settling). Skill is
10 × (1 − Brier / Brier of a base-rate forecaster), pooled (one base rate) and within kind
(each kind its own), not floored. The 95% intervals resample briefing weeks (all of a
week's predictions together, since they share the week's news) with a fixed seed.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from stardata import Block, data_dir, held_out

from bot.features.predictions.claims import KINDS
from bot.features.predictions.replay import replay
from bot.features.predictions.score import calibration, track_record

EXTREME = (0.10, 0.90)


@dataclass(frozen=True, slots=True)
class Scored:
    week: str  # block and briefing date: the unit resampled
    kind: str
    probability: float
    outcome: bool


def scored(blocks: Sequence[Block]) -> list[Scored]:
    found = []
    for sample in blocks:
        result = replay(sample.histories, sample.lists, sample.start, sample.end)
        found += [
            Scored(f"{sample.label}:{r.as_of}", r.proposal.kind, r.proposal.probability, r.outcome)
            for r in result.made
            if r.outcome is not None
        ]
    return found


def interval(items: Sequence[Scored], resamples: int) -> tuple[tuple[float, float], ...]:
    """95% intervals of pooled and within-kind skill, resampling whole weeks."""
    weeks = sorted({item.week for item in items})
    index = {week: n for n, week in enumerate(weeks)}
    kinds = {kind: n for n, kind in enumerate(KINDS)}
    # Per week and kind: count, sum of squared errors, count that came true.
    stats = np.zeros((len(weeks), len(KINDS), 3))
    for item in items:
        cell = stats[index[item.week], kinds[item.kind]]
        cell += (1, (item.probability - item.outcome) ** 2, item.outcome)
    draws = np.random.default_rng(1).integers(0, len(weeks), (resamples, len(weeks)))
    totals = stats[draws].sum(axis=1)  # resamples × kinds × 3
    n, sse, hits = totals[..., 0], totals[..., 1], totals[..., 2]
    all_n, all_hits = n.sum(axis=1), hits.sum(axis=1)
    base = all_hits / all_n
    pooled = 10 * (1 - sse.sum(axis=1) / (all_n * base * (1 - base)))
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(n > 0, hits / n, 0.0)
    judged = (rate > 0) & (rate < 1)
    reference = np.where(judged, n * rate * (1 - rate), 0).sum(axis=1)
    within = 10 * (1 - np.where(judged, sse, 0).sum(axis=1) / reference)
    return tuple(
        (float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))) for v in (pooled, within)
    )


def report(name: str, items: Sequence[Scored], resamples: int, targets: dict[str, float]) -> None:
    record = track_record((i.kind, i.probability, i.outcome) for i in items)
    (p_low, p_high), (w_low, w_high) = interval(items, resamples)
    extreme = sum(not EXTREME[0] <= i.probability <= EXTREME[1] for i in items) / len(items)
    weeks = len({i.week for i in items})
    print(f"\n== {name}: {record.count} scored predictions over {weeks} briefing weeks")

    def line(label: str, value: float | None, target: str) -> None:
        shown = "n/a" if value is None else f"{value:5.2f}"
        print(f"  {label:<34} {shown:>6}   target {target}")

    line(f"pooled skill [{p_low:.2f}, {p_high:.2f}]", record.skill, _target(targets, "pooled"))
    line(f"within-kind skill [{w_low:.2f}, {w_high:.2f}]", record.within_kind,
         _target(targets, "within"))
    for kind in KINDS:
        part = track_record((i.kind, i.probability, i.outcome) for i in items if i.kind == kind)
        if part.count:
            label = f"{kind} ({part.count}, base {part.base_rate:.0%})"
            line(label, part.skill, _target(targets, kind))
    print(f"  below 10% or above 90%: {extreme:.1%} of predictions (target < 10%)")
    print("  calibration: predicted   count   mean predicted   came true   gap (target ≤ 5 "
          "points where count ≥ 100)")
    for bucket in calibration([(i.probability, i.outcome) for i in items]):
        gap = 100 * (bucket.observed - bucket.mean_probability)
        flag = "" if bucket.count < 100 or abs(gap) <= 5 else "  ← off"
        print(f"    {bucket.low:4.0%}–{bucket.high:<4.0%} {bucket.count:9d} "
              f"{bucket.mean_probability:14.1%} {bucket.observed:11.1%} {gap:+7.1f}{flag}")


def _target(targets: dict[str, float], key: str) -> str:
    return f"≥ {targets[key]}" if key in targets else "—"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="the stardata folder (default: $MOMENTUM_STARDATA or "
                        "../shared/stardata)")
    parser.add_argument("--resamples", type=int, default=1000)
    options = parser.parse_args()
    sets = held_out(data_dir(options.data))
    every: list[Scored] = []
    per_set = {"a": "(a) AI repos not in evanli, 2025-11 to 2026-08",
               "b": "(b) yuxiaopeng, quarters 2023-09 to 2025-06",
               "c": "(c) evanli top 100, half-years 2019-04 to 2024-09"}
    for key, blocks in sets.items():
        items = scored(blocks)
        every += items
        targets = {"within": 1.3} | ({"continues": 1.0} if key == "b" else {})
        report(per_set[key], items, options.resamples, targets)
    report("(a)+(b)+(c) together", every, options.resamples, {"pooled": 2.5, "within": 1.8})


if __name__ == "__main__":
    main()
