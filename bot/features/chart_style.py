"""What every Momentum chart shares: size, type, colours, the DEMO mark.

Drawn 640 px wide with 13 pt text (18 px), so that shown 400 px wide on a phone no text
is smaller than 11 px. Mid-tone, colour-blind-safe (Tableau 10) colours and a
transparent background read on Slack's and Discord's dark and light themes alike.
"""

from __future__ import annotations

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
