"""Fit the predictions' logistic model, one per kind of question, on the tuning period
only (evanli, briefings 2025-11-21 to 2026-08-14), and write the package's
``coefficients.json``.

    python benchmarks/fit_predictions.py [--data DIR] [--check]

The questions are the ones the bot asks (``propose.questions``), replayed weekly over lists
of five (``stardata``), with briefings on each day of the week in turn: the bot's fall on
any weekday, and a fit on Fridays' alone scores 1.08 within kind against 1.12
(``tune_predictions --fit-weekdays 1``). The questions do not depend on the model, so the
replay runs with all weights zero (``UNFITTED``, so no shipped file is needed) and
only the features and outcomes are kept. Each kind is fitted by Newton's method on the
log-likelihood with a small ridge penalty on the weights (not the intercept), which keeps
the fit stable where features move together (the means do).
``--check`` refits and says whether the shipped file matches, without writing it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import cast

import numpy as np
from stardata import TUNE_END, TUNE_START, data_dir, tuning_block

from bot.features.predictions.claims import KINDS
from bot.features.predictions.model import FEATURES, WEEK, Coefficients
from bot.features.predictions.replay import replay

OUT = Path(__file__).resolve().parents[1] / "bot" / "features" / "predictions" / "coefficients.json"
VERSION = "logit-levels-days/4"
# Chosen with the features by cross-validation inside the tuning period
# (tune_predictions.py): 10 and 30 score alike, 1 and 100 a little worse on overtakes.
RIDGE = 10.0
SHUFFLES = (1, 2)  # the same repos cut into lists two ways: twice the questions
# Each shuffle's briefings on every weekday: (seed, days after TUNE_START).
SAMPLES = tuple((seed, offset) for seed in SHUFFLES for offset in range(WEEK))
UNFITTED = Coefficients("unfitted", dict.fromkeys(KINDS, (0.0,) * (len(FEATURES) + 1)))


def rows(folder: Path) -> dict[str, tuple[list[list[float]], list[float]]]:
    """Per kind: the features and whether the "above" side (or, for overtakes, the first
    repo) came out ahead."""
    found: dict[str, tuple[list[list[float]], list[float]]] = {k: ([], []) for k in KINDS}
    for seed, offset in SAMPLES:
        sample = tuning_block(folder, seed, offset)
        result = replay(sample.histories, sample.lists, sample.start, sample.end, UNFITTED)
        for item in result.made:
            if item.outcome is None:
                continue
            inputs = item.proposal.inputs
            claim = item.proposal.claim
            above = item.outcome if claim.direction == "above" else not item.outcome
            features, outcomes = found[claim.kind]
            features.append([float(x) for x in cast(list[float], inputs["features"])])
            outcomes.append(float(above))
    return found


def fit(features: list[list[float]], outcomes: list[float]) -> list[float]:
    x = np.column_stack([np.ones(len(features)), np.asarray(features)])
    y = np.asarray(outcomes)
    penalty = np.eye(x.shape[1]) * RIDGE
    penalty[0, 0] = 0.0
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-(x @ w)))
        gradient = x.T @ (y - p) - penalty @ w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hessian, gradient)
        w += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return [round(float(v), 6) for v in w]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="the stardata folder (default: $MOMENTUM_STARDATA or "
                        "../shared/stardata)")
    parser.add_argument("--check", action="store_true")
    options = parser.parse_args()
    found = rows(data_dir(options.data))
    kinds = {kind: fit(*found[kind]) for kind in KINDS}
    shipped = {
        "version": VERSION,
        "fitted_on": f"evanli, briefings {TUNE_START} to {TUNE_END}, lists of 5, "
        f"shuffles {list(SHUFFLES)}, briefings on every weekday; "
        "benchmarks/fit_predictions.py",
        "rows": {kind: len(found[kind][1]) for kind in KINDS},
        "features": list(FEATURES),
        "kinds": kinds,
    }
    text = json.dumps(shipped, indent=1) + "\n"
    for kind in KINDS:
        print(f"{kind}: {len(found[kind][1])} questions, {np.mean(found[kind][1]):.1%} above;"
              f" intercept, {', '.join(FEATURES)} = {kinds[kind]}")
    if options.check:
        same = OUT.read_text() == text
        print("the shipped coefficients match the data" if same else "the shipped file differs")
        return 0 if same else 1
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(OUT.parents[3])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
