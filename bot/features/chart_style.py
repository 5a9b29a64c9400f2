"""What every Momentum chart shares: size, type, colours, the DEMO mark.

Drawn 640 px wide with 13 pt text (18 px), so that shown 400 px wide on a phone no text
is smaller than 11 px. Mid-tone, colour-blind-safe (Tableau 10) colours and a
transparent background read on Slack's and Discord's dark and light themes alike.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH_INCHES, HEIGHT_INCHES, DPI = 6.4, 4.2, 100
FONT_POINTS = 13
COLOURS = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
INK = "#8a8f98"


@contextmanager
def new_figure(height_inches: float = HEIGHT_INCHES) -> Iterator[Figure]:
    """A figure at the shared width and text size, to fill and pass to :func:`png`.

    A bare ``Figure``, not pyplot's: pyplot keeps every figure in a process-wide registry
    that is not made for threads. On leaving, the figure's artists are cleared and their
    reference cycles collected at once; left to Python's rare full collections, each
    chart's megabyte or so lingers (a bot that drew 40 charts held 136 MiB, 113 MiB
    with this).
    """
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with rc_context({"font.size": FONT_POINTS}):
        figure = Figure(figsize=(WIDTH_INCHES, height_inches), dpi=DPI)
        try:
            yield figure
        finally:
            figure.clear()
            gc.collect()


def warm_up() -> None:
    """Draws a throwaway chart, so the first real one does not pay for importing
    matplotlib and loading its font (about 0.4 s), then freezes what the process holds by
    now: modules live as long as the process, and each chart's collection (see
    :func:`new_figure`) scans only what came after (about 1 ms instead of 25)."""
    with new_figure() as figure:
        figure.subplots().plot([0.0, 1.0], label="warm")
        png(figure)
    gc.freeze()


def png(figure: Figure) -> bytes:
    """The figure as a PNG with a transparent background, cropped to what is drawn."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", transparent=True, bbox_inches="tight")
    return buffer.getvalue()


def demo_mark(figure: Figure) -> None:
    """A DEMO stamp in the top right corner of a chart drawn from synthetic data (the
    bottom holds axis labels and legends)."""
    figure.text(
        0.99, 0.99, "DEMO", ha="right", va="top", color=INK, fontsize=FONT_POINTS,
        fontweight="bold",
    )


def smallest_text_points(figure: Figure) -> float:
    """The size of the smallest visible text on the figure, in points."""
    from matplotlib.text import Text

    sizes = [
        float(text.get_fontsize())
        for text in figure.findobj(Text)
        if text.get_visible() and text.get_text().strip()
    ]
    return min(sizes, default=float(FONT_POINTS))
