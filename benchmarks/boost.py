"""Gradient-boosted shallow trees on the logistic loss, tried for the predictions by
``tune_boost.py``: fitting and bulk scoring (numpy) and scoring one row (plain Python,
what the bot would need: a few hundred trees of depth 2 score in well under a millisecond).

A tree of depth d is stored in heap order: ``splits[i]`` is internal node i's (feature,
threshold), its children are 2i + 1 and 2i + 2, and a row goes left when its feature is
at most the threshold; ``leaves`` holds the 2**d values from the left. A node that could
not be split sends every row left (feature -1). Fitting bins each feature at its
quantiles so a split search is a histogram sum (``np.bincount``), and each leaf takes a
Newton step with an L2 penalty, shrunk by the learning rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

NO_SPLIT = -1


@dataclass(frozen=True, slots=True)
class Tree:
    splits: tuple[tuple[int, float], ...]
    leaves: tuple[float, ...]

    def value(self, features: Sequence[float]) -> float:
        node = 0
        while node < len(self.splits):
            feature, threshold = self.splits[node]
            right = feature != NO_SPLIT and features[feature] > threshold
            node = 2 * node + (2 if right else 1)
        return self.leaves[node - len(self.splits)]


def margin(trees: Sequence[Tree], features: Sequence[float]) -> float:
    return sum(tree.value(features) for tree in trees)


@dataclass(frozen=True, slots=True)
class Settings:
    depth: int
    rate: float
    trees: int
    min_leaf: int
    l2: float = 1.0
    bins: int = 32


def fit(
    x: NDArray[np.float64], y: NDArray[np.float64], start: NDArray[np.float64],
    settings: Settings,
) -> list[Tree]:
    """Trees that add to the margin ``start`` (one per row) to fit the 0/1 ``y``."""
    edges = [_edges(x[:, j], settings.bins) for j in range(x.shape[1])]
    codes = np.column_stack(
        [np.searchsorted(edges[j], x[:, j], side="left") for j in range(x.shape[1])]
    )
    z = start.astype(float).copy()
    trees: list[Tree] = []
    for _ in range(settings.trees):
        p = 1 / (1 + np.exp(-z))
        tree, leaf_of = _tree(codes, edges, p - y, p * (1 - p), settings)
        trees.append(tree)
        z += np.asarray(tree.leaves)[leaf_of]
    return trees


def predict_margin(trees: Sequence[Tree], x: NDArray[np.float64]) -> NDArray[np.float64]:
    """The trees' summed margin for each row of ``x`` (vectorised ``margin``)."""
    total = np.zeros(len(x))
    for tree in trees:
        features = np.array([feature for feature, _ in tree.splits])
        thresholds = np.array([threshold for _, threshold in tree.splits])
        node = np.zeros(len(x), dtype=int)
        for _ in range(_depth(tree)):
            feature, threshold = features[node], thresholds[node]
            values = x[np.arange(len(x)), np.maximum(feature, 0)]
            right = (feature != NO_SPLIT) & (values > threshold)
            node = 2 * node + np.where(right, 2, 1)
        total += np.asarray(tree.leaves)[node - len(tree.splits)]
    return total


def _depth(tree: Tree) -> int:
    return (len(tree.leaves) - 1).bit_length()


def _edges(column: NDArray[np.float64], bins: int) -> NDArray[np.float64]:
    return np.unique(np.quantile(column, np.linspace(0, 1, bins + 1)[1:-1]))


def _tree(
    codes: NDArray[np.int64], edges: Sequence[NDArray[np.float64]], g: NDArray[np.float64],
    h: NDArray[np.float64], settings: Settings,
) -> tuple[Tree, NDArray[np.int64]]:
    """One tree grown level by level; returns it and each row's leaf."""
    rows, width = codes.shape
    span = settings.bins  # codes run 0 .. len(edges) <= bins - 1
    node = np.zeros(rows, dtype=int)
    splits: list[tuple[int, float]] = []
    offsets = np.arange(width) * span
    for level in range(settings.depth):
        nodes = 2**level
        flat = (node[:, None] * width * span + offsets[None, :] + codes).ravel()
        size = nodes * width * span
        shape = (nodes, width, span)
        sums = [
            np.bincount(flat, np.repeat(w, width), size).reshape(shape)
            for w in (g, h, np.ones(rows))
        ]
        left = [np.cumsum(s, axis=2) for s in sums]
        total = [s.sum(axis=2, keepdims=True) for s in sums]
        right = [t - lt for t, lt in zip(total, left, strict=True)]
        lam = settings.l2
        gain = (
            left[0] ** 2 / (left[1] + lam) + right[0] ** 2 / (right[1] + lam)
            - total[0] ** 2 / (total[1] + lam)
        )
        allowed = (left[2] >= settings.min_leaf) & (right[2] >= settings.min_leaf)
        for j, cut in enumerate(edges):
            allowed[:, j, len(cut):] = False
        gain = np.where(allowed, gain, -np.inf)
        chosen = np.zeros(nodes, dtype=int)
        thresholds = np.zeros(nodes)
        features = np.full(nodes, NO_SPLIT)
        for n in range(nodes):
            best = int(np.argmax(gain[n]))
            j, k = divmod(best, span)
            if np.isfinite(gain[n, j, k]) and gain[n, j, k] > 0:
                features[n], chosen[n], thresholds[n] = j, k, float(edges[j][k])
            splits.append((int(features[n]), float(thresholds[n])))
        feature = features[node]
        right_side = (feature != NO_SPLIT) & (
            codes[np.arange(rows), np.maximum(feature, 0)] > chosen[node]
        )
        node = 2 * node + np.where(right_side, 1, 0)
    leaves = 2**settings.depth
    g_sum = np.bincount(node, g, leaves)
    h_sum = np.bincount(node, h, leaves)
    values = -settings.rate * g_sum / (h_sum + settings.l2)
    return Tree(tuple(splits), tuple(float(v) for v in values)), node
