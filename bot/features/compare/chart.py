"""A PNG of cumulative stars for a comparison (matplotlib, Agg: no display needed).

Drawn 640 px wide with 13 pt text, so that shown 400 px wide on a phone no text is
smaller than 11 px.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from bot.core.message import Chart
from bot.features.compare.figures import CompareRow

WIDTH_INCHES, HEIGHT_INCHES, DPI = 6.4, 4.2, 100
FONT_POINTS = 13
# Colour-blind-safe (Tableau 10) mid-tones that read on dark and light themes alike.
_COLOURS = (
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
_INK = "#8a8f98"


def compare_chart(
    rows: Sequence[CompareRow], *, log_scale: bool, aligned: bool, synthetic: bool = False
) -> Chart | None:
    """None when no repository has two points to draw."""
    drawn = [row for row in rows if len(row.curve) >= 2 and (not aligned or row.start)]
    if not drawn:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import dates as mdates
    from matplotlib import pyplot as plt

    with plt.rc_context({"font.size": FONT_POINTS}):
        figure, axes = plt.subplots(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
        try:
            for colour, row in zip(_COLOURS, drawn, strict=False):
                points = [(day, total) for day, total in row.curve if total > 0 or not log_scale]
                if aligned:
                    xs: list[float] = [float(row.offset(day) or 0) for day, _ in points]
                else:
                    xs = list(mdates.date2num([day for day, _ in points]))  # type: ignore[no-untyped-call]
                axes.plot(
                    xs, [total for _, total in points], color=colour, linewidth=2.2, label=row.name
                )
            if aligned:
                axes.set_xlabel("days since the repo began", color=_INK)
            else:
                axes.xaxis_date()
                locator = mdates.AutoDateLocator(minticks=3, maxticks=6)  # type: ignore[no-untyped-call]
                axes.xaxis.set_major_locator(locator)
                axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
            if log_scale:
                axes.set_yscale("log")
            axes.yaxis.set_major_formatter(_thousands)
            axes.set_title("Stars" + (" (log scale)" if log_scale else ""), color=_INK)
            axes.tick_params(colors=_INK)
            for spine in axes.spines.values():
                spine.set_color(_INK)
            axes.grid(alpha=0.25, color=_INK)
            axes.legend(frameon=False, labelcolor=_INK, loc="best")
            if synthetic:
                figure.text(
                    0.99, 0.01, "DEMO", ha="right", va="bottom", color=_INK, fontsize=FONT_POINTS
                )
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", transparent=True, bbox_inches="tight")
        finally:
            plt.close(figure)
    return Chart(
        buffer.getvalue(), alt_text=alt_text(drawn, log_scale, aligned), filename="compare.png"
    )


def _thousands(value: float, _position: float) -> str:
    if value >= 1000:
        return f"{value / 1000:,.0f}k"
    return f"{value:,.0f}" if value >= 1 or value == 0 else f"{value:g}"


def alt_text(rows: Sequence[CompareRow], log_scale: bool, aligned: bool) -> str:
    axis = "days since each repo began" if aligned else "date"
    parts = [f"{row.name} from {row.curve[0][1]:,} to {row.curve[-1][1]:,}" for row in rows]
    scale = "log-scale " if log_scale else ""
    return (
        f"Line chart of cumulative stars ({scale}y axis) against {axis}: " + "; ".join(parts) + "."
    )
