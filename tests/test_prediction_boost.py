"""The boosted trees tried for the predictions (``benchmarks/boost.py``): a split and its
leaves worked out by hand, and scoring a stored tree row by row and in bulk."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from boost import NO_SPLIT, Settings, Tree, fit, margin, predict_margin


def test_one_split_and_its_newton_leaves_by_hand() -> None:
    # x = 0, 1, 2, 3 with outcomes 0, 0, 1, 1, from margin 0 (p = 0.5 each):
    # gradients p - y = .5, .5, -.5, -.5; hessians p(1 - p) = .25 each.
    # 4 bins: cut points at the 25/50/75% quantiles = 0.75, 1.5, 2.25.
    # Gain G_L²/(H_L+1) + G_R²/(H_R+1) - G²/(H+1), G = 0, H = 1:
    #   at 0.75: .25/1.25 + .25/1.75 = 0.343;  at 1.5: 1/1.5 + 1/1.5 = 1.333 (best);
    #   at 2.25: same as 0.75 by symmetry.
    # Leaves -G/(H+1) times the rate 1: left -1/1.5 = -2/3, right 1/1.5 = 2/3.
    x = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    settings = Settings(depth=1, rate=1.0, trees=1, min_leaf=1, l2=1.0, bins=4)
    (tree,) = fit(x, y, np.zeros(4), settings)
    assert tree.splits == ((0, 1.5),)
    assert tree.leaves == pytest.approx((-2 / 3, 2 / 3))


def test_a_node_too_small_to_split_sends_every_row_left() -> None:
    # min_leaf 3 of 4 rows: no cut leaves 3 on each side. Outcomes 0, 0, 0, 1 from
    # margin 0: G = .5 + .5 + .5 - .5 = 1, H = 4 × .25 = 1, left leaf -1/(1+1) = -0.5,
    # the right leaf sees no row: 0.
    x = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0.0, 0.0, 0.0, 1.0])
    settings = Settings(depth=1, rate=1.0, trees=1, min_leaf=3, l2=1.0, bins=4)
    (tree,) = fit(x, y, np.zeros(4), settings)
    assert tree.splits == ((NO_SPLIT, 0.0),)
    assert tree.leaves == pytest.approx((-0.5, 0.0))


def test_a_stored_depth_two_tree_scores_rows_as_read_by_hand() -> None:
    # Root: feature 0 at 1.0; left child: feature 1 at 5.0; right child: no split.
    tree = Tree(((0, 1.0), (1, 5.0), (NO_SPLIT, 0.0)), (0.1, 0.2, 0.3, 0.4))
    rows = [
        [0.5, 4.0],  # left (0.5 <= 1), then left (4 <= 5): leaf 0 = 0.1
        [1.0, 6.0],  # left (1 <= 1), then right (6 > 5): leaf 1 = 0.2
        [2.0, 9.0],  # right, then always left: leaf 2 = 0.3
    ]
    assert [tree.value(row) for row in rows] == [0.1, 0.2, 0.3]
    # Two copies add up, row by row and in bulk alike.
    assert [margin([tree, tree], row) for row in rows] == pytest.approx([0.2, 0.4, 0.6])
    assert predict_margin([tree, tree], np.array(rows)) == pytest.approx([0.2, 0.4, 0.6])
