"""Choose the predictions' model by cross-validation inside the tuning period only
(evanli, briefings 2025-11-21 to 2026-08-14); the held-out sets are never read here.

    python benchmarks/tune_predictions.py [--data DIR] [--weekdays N] [--fit-weekdays N]
        [--only NAME] [--ridges 0.1,1,10,100]

The questions are the bot's own (``propose.questions``, replayed as ``fit_predictions``
replays them); for each, the series it is about, its threshold and its outcome are kept,
and every candidate's features are computed from those. The folds cross time with repos:
the briefing weeks are cut into 5 contiguous blocks and the repos into 5 groups (by a hash
of the name), a question is tested in the fold of its block and of its first repo's group,
and each fold's model is fitted only on questions of the other blocks, at least 14 days
from the test block, that involve no repo of the test group, so no test repo and no test
week is seen in fitting. Every question is tested once; the printed figures are those
out-of-fold predictions, scored on the side the question states, as the benchmark scores
them (10 × (1 − Brier / Brier of the base rate), pooled and within kind), with the widest
calibration gap over buckets of at least 100 and the share beyond 10%/90%.

The shipped model (``model.FEATURES``, ridge 10 in ``fit_predictions``) is the candidate
"/3 + hinges at the threshold". On briefings of every weekday (the default), ridge 10:

| candidate | within kind | pooled |
| --- | --- | --- |
| "... + days + size × 4" (logit-levels-days/2) | 1.09 | 1.47 |
| /2 + 16-week slope, older mean | 1.10 | 1.47 |
| /2 + hinges at the threshold | 1.13 | 1.50 |
| /2 + the series' record (logit-levels-days/3) | 1.12 | 1.50 |
| /3 + hinges (shipped, logit-levels-days/4) | 1.15 | 1.53 |
| /3 fitted on Fridays' briefings only (``--fit-weekdays 1``) | 1.08 | 1.46 |
| /4 + spread × hinged distances | 1.16 | 1.54 |
| /4 + size × every other level (12 more features) | 1.17 | 1.55 |

The last two gain 0.01 and 0.02 for 5 and 12 more weights, too little to ship.

(``--only NAME --ridges 10`` runs one row, about 5 minutes.) On Fridays alone
(``--weekdays 1``, before the folds had their embargo) /2 scored 1.04 against 0.73 for the
first model, /3 1.09, and the hinges 0.02 or less, so the fit on every weekday's
briefings, seven times the questions, is what let the hinges count. Of the record, the
share of weeks above the threshold gave most, the peak and the weeks since it the rest.
Platt recalibration and size times every log ratio moved within kind by 0.02 or less, as
did (tried outside this script, on Fridays) the list's common move (``tune_boost.py``),
days 8-14, twice the shuffles, the repo's total stars (its age, as weeks of its pace) and
its forks' weekly move, so they were left out.
"""

from __future__ import annotations

import argparse
import math
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from fit_predictions import SAMPLES, UNFITTED
from stardata import TUNE_START, data_dir, tuning_block

from bot.features.predictions.claims import KINDS
from bot.features.predictions.model import (
    FEATURES,
    HINGED,
    LEVEL_WEEKS,
    LEVELS,
    MIN_WEEKS,
    RECORD,
    SCALED,
    SIZED,
    WEEK,
    above_features,
    ahead_features,
    spread,
    weekly_stars,
)
from bot.features.predictions.replay import replay

FOLDS = 5
# Questions this close to a test block are not fitted on: with briefings on every weekday
# their weeks overlap the block's (a question's week is the 7 days after it).
EMBARGO = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class Row:
    kind: str
    series: tuple[tuple[int, ...], ...]  # one series, or for overtakes the two repos'
    days: tuple[tuple[int, ...], ...]  # the same series' last 7 days, oldest first
    cut: float  # log(1 + threshold stars per week); overtakes: unused
    below: bool  # the question states the "below" side
    above: bool  # the "above" side (overtakes: the first repo) came out ahead
    block: int
    group: int  # the first repo's
    groups: frozenset[int]  # every repo's
    # Context for the cross-sectional candidates (tune_boost.py): the weekly stars of the
    # list's repos that have enough history, and the median over every repo of the
    # sample of last week's log ratio to its 4-week mean (the universe's common move).
    members: tuple[tuple[int, ...], ...] = ()
    common: float = 0.0
    as_of: date | None = None


def rows(folder: Path, weekdays: int = WEEK) -> list[Row]:
    """The questions of ``fit_predictions.SAMPLES``: both shuffles, briefings on each of
    the first ``weekdays`` days of the week from TUNE_START's (all seven, as the fit)."""
    found: list[tuple[str, tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...], float,
                      bool, bool, date, list[str], tuple[tuple[int, ...], ...], float]] = []
    for seed, offset in SAMPLES:
        if offset >= weekdays:
            continue
        sample = tuning_block(folder, seed, offset)
        made = replay(sample.histories, sample.lists, sample.start, sample.end, UNFITTED).made
        common: dict[date, float] = {}
        for item in made:
            if item.outcome is None:
                continue
            claim = item.proposal.claim
            histories = [sample.histories[i] for i in claim.repo_ids()]
            weeks = [weekly_stars(h.daily, item.as_of) for h in histories]
            days = [last_days(h.daily, item.as_of) for h in histories]
            if claim.kind == "list_velocity":
                depth = min(len(w) for w in weeks)
                weeks = [tuple(sum(w[-depth + n] for w in weeks) for n in range(depth))]
                days = [tuple(sum(d[n] for d in days) for n in range(WEEK))]
            cut = math.log1p(7 * (claim.threshold or 0.0))
            below = claim.direction == "below"
            above = item.outcome != below
            names = [h.name for h in histories]
            members = tuple(
                w for w in (weekly_stars(sample.histories[i].daily, item.as_of)
                            for i in sample.lists[item.list_number - 1])
                if len(w) >= MIN_WEEKS
            )
            if item.as_of not in common:
                common[item.as_of] = _common_move(
                    [weekly_stars(h.daily, item.as_of) for h in sample.histories.values()])
            found.append((claim.kind, tuple(weeks), tuple(days), cut, below, above, item.as_of,
                          names, members, common[item.as_of]))
    dates = sorted({found_row[6] for found_row in found})
    block = {day: n * FOLDS // len(dates) for n, day in enumerate(dates)}

    def group(name: str) -> int:
        return zlib.crc32(name.encode()) % FOLDS

    return [
        Row(kind, weeks, days, cut, below, above, block[as_of], group(names[0]),
            frozenset(group(n) for n in names), members, move, as_of)
        for kind, weeks, days, cut, below, above, as_of, names, members, move in found
    ]


def _common_move(series: Sequence[Sequence[int]]) -> float:
    moves = [math.log1p(w[-1]) - math.log1p(float(np.mean(w[-4:])))
             for w in series if len(w) >= MIN_WEEKS]
    return float(np.median(moves)) if moves else 0.0


def last_days(daily: Mapping[date, int], as_of: date) -> tuple[int, ...]:
    return tuple(daily[as_of - timedelta(days=n)] for n in range(WEEK, 0, -1))


# Candidate features. Each gets the row and returns its features on the "above" side.
def means(weeks: Sequence[int]) -> list[float]:
    return [math.log1p(m) for m in (
        weeks[-1], weeks[-2], np.mean(weeks[-3:]), np.mean(weeks[-LEVEL_WEEKS:]),
        np.mean(weeks[-16:]))]


def size(weeks: Sequence[int]) -> float:
    return math.log10(1 + float(np.mean(weeks[-16:])) / 7)


def shipped(row: Row) -> list[float]:
    """The shipped model's (``model.FEATURES``)."""
    if row.kind == "overtakes":
        (a, b), (a_days, b_days) = row.series, row.days
        return list(ahead_features(a, a_days, b, b_days))
    threshold = math.expm1(row.cut) / 7
    return list(above_features(row.series[0], row.days[0], threshold))


def sized(row: Row) -> list[float]:
    """The shipped model's but the series' record and the hinges (logit-levels-days/2)."""
    return shipped(row)[: len(FEATURES) - len(RECORD) - len(HINGED)]


def recorded(row: Row) -> list[float]:
    """The shipped model's but the hinges (logit-levels-days/3)."""
    return shipped(row)[: len(FEATURES) - len(HINGED)]


def current(row: Row) -> list[float]:
    """The first model's (logit-means/1): spread-scaled clipped distances, size."""
    features = shipped(row)
    return [features[FEATURES.index(name)] for name in (*SCALED, "size")]


def log_ratio(row: Row) -> list[float]:
    """Each recent mean's log ratio to the threshold (or the other repo), and size."""
    if row.kind == "overtakes":
        a, b = row.series
        both = (np.mean(a[-16:]) + np.mean(b[-16:])) / 2
        return [x - y for x, y in zip(means(a), means(b), strict=True)] + [
            math.log10(1 + float(both) / 7)]
    weeks = row.series[0]
    return [m - row.cut for m in means(weeks)] + [size(weeks)]


def log_ratio_side(row: Row) -> list[float]:
    """Log ratios, size and the stated side (below = 1): a slowing repo's question may
    differ from a rising one's beyond what the means say."""
    return [*log_ratio(row), float(row.below)]


def log_ratio_scaled(row: Row) -> list[float]:
    """Log ratios, size, and the log ratios divided by the spread (unclipped below 4)."""
    scaled = current(row)[:5]
    return log_ratio(row) + scaled


def _levels(weeks: Sequence[int]) -> list[float]:
    """log(1 + stars) of each of the last six weeks, the 4- and 6-week medians, the
    16-week mean."""
    last = [float(w) for w in weeks[-6:]]
    return [math.log1p(w) for w in last] + [
        math.log1p(float(np.median(weeks[-4:]))), math.log1p(float(np.median(weeks[-6:]))),
        math.log1p(float(np.mean(weeks[-16:])))]


def weekly(row: Row) -> list[float]:
    """Log ratios of each of the last six weeks, the 4- and 6-week medians and the
    16-week mean to the threshold (or the other repo), and size."""
    if row.kind == "overtakes":
        a, b = row.series
        return [x - y for x, y in zip(_levels(a), _levels(b), strict=True)] + [log_ratio(row)[-1]]
    weeks = row.series[0]
    return [m - row.cut for m in _levels(weeks)] + [size(weeks)]


def weekly_scaled(row: Row) -> list[float]:
    """``weekly`` and the current spread-scaled distances."""
    return weekly(row) + current(row)[:5]


def weekly_scaled_spread(row: Row) -> list[float]:
    """``weekly_scaled`` and log of the spread."""
    if row.kind == "overtakes":
        a, b = row.series
        s = math.hypot(spread(a), spread(b))
    else:
        s = spread(row.series[0])
    return [*weekly_scaled(row), math.log(s)]


def _spread(row: Row) -> float:
    if row.kind == "overtakes":
        a, b = row.series
        return math.hypot(spread(a), spread(b))
    return spread(row.series[0])


def bent(row: Row) -> list[float]:
    """``weekly_scaled_spread`` and last week's and the 6-week median's log ratios split
    at the threshold (their parts above it), and their products with the log spread."""
    base = weekly_scaled_spread(row)
    last, median = base[5], base[7]
    s = math.log(_spread(row))
    return [*base, max(last, 0.0), max(median, 0.0), last * s, median * s]


def _days(days: Sequence[int]) -> list[float]:
    """log(1 + stars per week) of each of the last seven days and of the last three."""
    return [math.log1p(7 * d) for d in days] + [math.log1p(sum(days[-3:]) * 7 / 3)]


def daily(row: Row) -> list[float]:
    """``weekly_scaled_spread`` and each of the last seven days' and the last three days'
    log ratios (at their weekly rate) to the threshold (or the other repo)."""
    if row.kind == "overtakes":
        a, b = row.days
        gaps = [x - y for x, y in zip(_days(a), _days(b), strict=True)]
    else:
        gaps = [m - row.cut for m in _days(row.days[0])]
    return weekly_scaled_spread(row) + gaps


def daily_sized_all(row: Row) -> list[float]:
    """``daily`` and size times every log ratio."""
    base = daily(row)
    size = base[9]
    return [*base, *(size * x for x in base[:9] + base[16:])]


# The shipped model's features, by name, for the variants below.
KEY = [FEATURES.index(name) for name in HINGED]


def hinged(row: Row) -> list[float]:
    """logit-levels-days/2's and the parts above the threshold of its key log ratios."""
    features = sized(row)
    return [*features, *(max(0.0, features[n]) for n in KEY)]


def spread_interactions(row: Row) -> list[float]:
    """The shipped model's and the hinged distances times the log spread: how far a
    distance reaches may depend on how much the series swings."""
    features = shipped(row)
    log_spread = features[FEATURES.index("log_spread")]
    return [*features, *(features[n] * log_spread for n in KEY)]


def sized_every(row: Row) -> list[float]:
    """The shipped model's and the size times every level's distance not yet sized."""
    features = shipped(row)
    size = features[FEATURES.index("size")]
    rest = [FEATURES.index(name) for name in LEVELS if name not in SIZED]
    return [*features, *(features[n] * size for n in rest)]


def _slope(weeks: Sequence[int]) -> float:
    y = np.log1p(np.asarray(weeks[-16:], dtype=float))
    x = np.arange(len(y)) - (len(y) - 1) / 2
    return float((x * y).sum() / (x * x).sum())


def _older(weeks: Sequence[int]) -> float:
    return math.log1p(float(np.mean(weeks[-16:-6])))


def longer(row: Row) -> list[float]:
    """logit-levels-days/2's, the 16-week slope of log(1 + weekly stars) and the log ratio
    of the mean of the weeks before the last six."""
    if row.kind == "overtakes":
        a, b = row.series
        extra = [_slope(a) - _slope(b), _older(a) - _older(b)]
    else:
        weeks = row.series[0]
        extra = [_slope(weeks), _older(weeks) - row.cut]
    return sized(row) + extra


CANDIDATES: dict[str, Callable[[Row], list[float]]] = {
    "current (spread-scaled, clipped)": current,
    "log ratios": log_ratio,
    "log ratios + side": log_ratio_side,
    "log ratios + spread-scaled": log_ratio_scaled,
    "weekly log ratios, medians": weekly,
    "weekly + spread-scaled": weekly_scaled,
    "weekly + spread-scaled + log spread": weekly_scaled_spread,
    "... + bends and spread interactions": bent,
    "weekly + spread-scaled + log spread + days": daily,
    "... + days + size × every log ratio": daily_sized_all,
    "... + days + size × 4 (logit-levels-days/2)": sized,
    "/2 + hinges at the threshold": hinged,
    "/2 + 16-week slope, older mean": longer,
    "/2 + the series' record (logit-levels-days/3)": recorded,
    "/3 + hinges at the threshold (shipped, model.FEATURES)": shipped,
    "/4 + spread × hinged distances": spread_interactions,
    "/4 + size × every other level": sized_every,
}


def fit(x: np.ndarray, y: np.ndarray, ridge: float) -> np.ndarray:
    x = np.column_stack([np.ones(len(x)), x])
    penalty = np.eye(x.shape[1]) * ridge
    penalty[0, 0] = 0.0
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-(x @ w)))
        step = np.linalg.solve((x * (p * (1 - p))[:, None]).T @ x + penalty,
                               x.T @ (y - p) - penalty @ w)
        w += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return np.asarray(w)


def predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.asarray(1 / (1 + np.exp(-(w[0] + x @ w[1:]))))


def out_of_fold(data: list[Row], features: Callable[[Row], list[float]], ridge: float,
                platt: bool, fit_weekdays: int = WEEK) -> np.ndarray:
    """P(above) for each row from the models that never saw its block or its group,
    fitted on the briefings of the first ``fit_weekdays`` weekdays only."""
    p = np.zeros(len(data))
    for kind in KINDS:
        index = np.array([n for n, r in enumerate(data) if r.kind == kind])
        mine = [data[n] for n in index]
        x = np.array([features(r) for r in mine])
        y = np.array([r.above for r in mine], dtype=float)
        block = np.array([r.block for r in mine])
        fitted = np.array([weekday(r) < fit_weekdays for r in mine])
        for train, test in folds(mine):
            train &= fitted
            w = fit(x[train], y[train], ridge)
            scores = predict(w, x[test])
            if platt:
                scores = _platt(x[train], y[train], block[train], ridge, scores)
            p[index[test]] = scores
    return p


def weekday(row: Row) -> int:
    """Days from TUNE_START's weekday to the row's briefing's (0 to 6)."""
    assert row.as_of is not None
    return (row.as_of - TUNE_START).days % WEEK


def folds(mine: Sequence[Row]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(train, test) masks over ``mine``: each week block crossed with each repo group;
    training leaves out the block, the ``EMBARGO`` days either side of it, and every
    question that involves a repo of the group."""
    block = np.array([r.block for r in mine])
    group = np.array([r.group for r in mine])
    touches = np.array([[g in r.groups for g in range(FOLDS)] for r in mine])
    day = np.array([(r.as_of or date.min).toordinal() for r in mine])
    for b in range(FOLDS):
        inside = day[block == b]
        if not len(inside):
            continue
        near = (day >= inside.min() - EMBARGO.days) & (day <= inside.max() + EMBARGO.days)
        for g in range(FOLDS):
            test = (block == b) & (group == g)
            if test.any():
                yield ~near & ~touches[:, g], test


def _platt(x: np.ndarray, y: np.ndarray, block: np.ndarray, ridge: float,
           scores: np.ndarray) -> np.ndarray:
    """Recalibrate with a logistic on the logit, fitted on the training rows' own
    out-of-block predictions (an inner split by block)."""
    inner = np.zeros(len(y))
    for b in np.unique(block):
        w = fit(x[block != b], y[block != b], ridge)
        inner[block == b] = predict(w, x[block == b])
    a = fit(_logit(inner)[:, None], y, 0.0)
    return predict(a, _logit(scores)[:, None])


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.asarray(np.log(p / (1 - p)))


def scores(data: list[Row], p_above: np.ndarray) -> dict[str, float]:
    # Scored on the stated side, at the whole percent the statement shows.
    below = np.array([r.below for r in data])
    stated = np.where(below, 1 - p_above, p_above)
    stated = np.clip(np.round(100 * stated), 1, 99) / 100
    outcome = np.array([r.above != r.below for r in data], dtype=float)
    kinds = np.array([r.kind for r in data])
    err = (stated - outcome) ** 2
    base = outcome.mean()
    found = {"pooled": 10 * (1 - err.mean() / (base * (1 - base)))}
    reference = 0.0
    for kind in KINDS:
        mine = kinds == kind
        rate = outcome[mine].mean()
        reference += mine.sum() * rate * (1 - rate)
        found[kind] = 10 * (1 - err[mine].mean() / (rate * (1 - rate)))
    found["within"] = 10 * (1 - err.sum() / reference)
    gaps = []
    for low in np.arange(0, 1, 0.1):
        inside = (stated >= low) & ((stated < low + 0.1) | (low >= 0.9))
        if inside.sum() >= 100:
            gaps.append(abs(outcome[inside].mean() - stated[inside].mean()))
    found["gap"] = 100 * max(gaps)
    found["extreme"] = 100 * float(((stated < 0.1) | (stated > 0.9)).mean())
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="the stardata folder (default: $MOMENTUM_STARDATA or "
                        "../shared/stardata)")
    parser.add_argument("--weekdays", type=int, default=WEEK, choices=range(1, WEEK + 1),
                        help="briefings on this many weekdays from TUNE_START's (default 7, "
                        "as the fit; 1: Fridays only)")
    parser.add_argument("--fit-weekdays", type=int, default=WEEK, choices=range(1, WEEK + 1),
                        help="fit on the first this many weekdays' briefings only, test on "
                        "all (1: what a fit on Fridays alone does on the other days)")
    parser.add_argument("--only", default="", help="the candidates whose name holds this")
    parser.add_argument("--ridges", default="0.1,1,10,100", help="comma-separated")
    options = parser.parse_args()
    data = rows(data_dir(options.data), options.weekdays)
    counts = {kind: sum(r.kind == kind for r in data) for kind in KINDS}
    print(f"tuning questions: {counts}; folds: {FOLDS} week blocks × {FOLDS} repo groups")
    print(f"{'candidate':<48} {'ridge':>5} {'platt':>5} {'pooled':>7} {'within':>7} "
          f"{'list':>6} {'cont.':>6} {'overt.':>6} {'gap':>5} {'>10/90':>6}")
    ridges = [float(r) for r in options.ridges.split(",")]
    for name, features in CANDIDATES.items():
        if options.only not in name:
            continue
        for ridge in ridges:
            for platt in (False, True) if ridge == 1.0 else (False,):
                s = scores(data, out_of_fold(data, features, ridge, platt,
                                             options.fit_weekdays))
                print(f"{name:<48} {ridge:5g} {'yes' if platt else 'no':>5} "
                      f"{s['pooled']:7.2f} {s['within']:7.2f} {s['list_velocity']:6.2f} "
                      f"{s['continues']:6.2f} {s['overtakes']:6.2f} {s['gap']:5.1f} "
                      f"{s['extreme']:5.1f}%", flush=True)


if __name__ == "__main__":
    main()
