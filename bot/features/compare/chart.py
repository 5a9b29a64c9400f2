"""PNGs of cumulative stars: a comparison's, and one repo's for ``/momentum repo``
(matplotlib, Agg: no display needed).

Size, type and colours: :mod:`bot.features.chart_style`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.core.formatting import day as fmt_day
from bot.core.message import Chart, ChartSeries
from bot.features.chart_style import (
    COLOURS,
    FONT_POINTS,
    HEIGHT_INCHES,
    INK,
    demo_mark,
    new_figure,
    png,
)
from bot.features.compare.figures import CompareRow

# A native line chart takes 20 points a line (Slack's data_visualization).
NATIVE_POINTS = 20


def compare_chart(
    rows: Sequence[CompareRow], *, log_scale: bool, aligned: bool, synthetic: bool = False
) -> Chart | None:
    """None when no repository has two points to draw."""
    drawn = [row for row in rows if len(row.curve) >= 2 and (not aligned or row.start)]
    if not drawn:
        return None
    from matplotlib import dates as mdates

    with new_figure() as figure:
        axes = figure.subplots()
        for colour, row in zip(COLOURS, drawn, strict=False):
            points = [(day, total) for day, total in row.curve if total > 0 or not log_scale]
            if aligned:
                xs: list[float] = [float(row.offset(day) or 0) for day, _ in points]
            else:
                xs = list(mdates.date2num([day for day, _ in points]))  # type: ignore[no-untyped-call]
            axes.plot(
                xs, [total for _, total in points], color=colour, linewidth=2.2, label=row.name
            )
        if aligned:
            axes.set_xlabel("days since the repo began", color=INK)
        else:
            axes.xaxis_date()
            locator = mdates.AutoDateLocator(minticks=3, maxticks=6)  # type: ignore[no-untyped-call]
            axes.xaxis.set_major_locator(locator)
            axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        if log_scale:
            axes.set_yscale("log")
        axes.yaxis.set_major_formatter(_thousands)
        axes.set_title("Stars" + (" (log scale)" if log_scale else ""), color=INK)
        axes.tick_params(colors=INK)
        for spine in axes.spines.values():
            spine.set_color(INK)
        axes.grid(alpha=0.25, color=INK)
        axes.legend(frameon=False, labelcolor=INK, loc="best")
        if synthetic:
            demo_mark(figure)
        picture = png(figure)
    categories, series = native_series(drawn, log_scale=log_scale, aligned=aligned)
    return Chart(
        picture,
        alt_text=alt_text(drawn, log_scale, aligned),
        filename="compare.png",
        title="Cumulative stars",
        categories=categories,
        series=series,
        y_label="stars",
    )


def native_series(
    rows: Sequence[CompareRow], *, log_scale: bool, aligned: bool
) -> tuple[tuple[str, ...], tuple[ChartSeries, ...]]:
    """The curves at up to :data:`NATIVE_POINTS` shared days, for a platform's own chart;
    none (the PNG alone) when the curves do not span the same days, or for a log scale
    or aligned starts, which a native line chart cannot draw."""
    spans = {(row.curve[0][0], row.curve[-1][0]) for row in rows}
    if log_scale or aligned or len(spans) != 1:
        return (), ()
    days = [day for day, _ in rows[0].curve]
    step = (len(days) - 1) / (NATIVE_POINTS - 1) if len(days) > NATIVE_POINTS else 1.0
    picked = sorted({days[round(n * step)] for n in range(min(len(days), NATIVE_POINTS))})
    series = []
    for row in rows:
        totals = dict(row.curve)
        series.append(ChartSeries(row.name, tuple(float(_at(totals, day)) for day in picked)))
    return tuple(fmt_day(day) for day in picked), tuple(series)


def _at(totals: dict[date, int], day: date) -> int:
    """The total on ``day``, else on the last day before it that has one."""
    return totals.get(day, max((total for d, total in totals.items() if d <= day), default=0))


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


def repo_chart(
    name: str,
    curve: Sequence[tuple[date, int]],
    daily: Sequence[tuple[date, int]],
    releases: Sequence[tuple[date, str]],
    *,
    synthetic: bool = False,
) -> Chart | None:
    """One repository: cumulative stars above, daily stars as bars beneath, releases
    marked on both. None with fewer than two days to draw."""
    if len(curve) < 2:
        return None
    from matplotlib import dates as mdates

    with new_figure(HEIGHT_INCHES + 0.6) as figure:
        top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(2, 1))
        days = mdates.date2num([day for day, _ in curve])  # type: ignore[no-untyped-call]
        top.plot(days, [total for _, total in curve], color=COLOURS[0], linewidth=2.2)
        bar_days = mdates.date2num([day for day, _ in daily])  # type: ignore[no-untyped-call]
        bottom.bar(bar_days, [count for _, count in daily], width=0.8, color=COLOURS[1])
        first, last = curve[0][0], curve[-1][0]
        shown = [(day, tag) for day, tag in releases if first <= day <= last]
        for day, tag in shown:
            x = mdates.date2num(day)  # type: ignore[no-untyped-call]
            for axes in (top, bottom):
                axes.axvline(x, color=INK, linestyle="--", linewidth=1)
            top.annotate(
                tag[:16],
                (x, 1),
                xycoords=("data", "axes fraction"),
                rotation=90,
                va="top",
                ha="right",
                color=INK,
                fontsize=FONT_POINTS - 1,
            )
        top.set_title(f"{name}: stars", color=INK)
        bottom.set_ylabel("per day", color=INK)
        locator = mdates.AutoDateLocator(minticks=3, maxticks=6)  # type: ignore[no-untyped-call]
        bottom.xaxis.set_major_locator(locator)
        bottom.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        for axes in (top, bottom):
            axes.yaxis.set_major_formatter(_thousands)
            axes.tick_params(colors=INK)
            axes.grid(alpha=0.25, color=INK)
            for spine in axes.spines.values():
                spine.set_color(INK)
        if synthetic:
            demo_mark(figure)
        picture = png(figure)
    peak_day, peak = max(daily, key=lambda item: item[1]) if daily else (last, 0)
    alt = (
        f"Chart of {name}'s stars from {fmt_day(first)} to {fmt_day(last)}: "
        f"{curve[0][1]:,} to {curve[-1][1]:,} in all, daily stars as bars beneath "
        f"(most on {fmt_day(peak_day)}: {peak:,})"
        + (f", {len(shown)} release{'s' if len(shown) > 1 else ''} marked" if shown else "")
        + "."
    )
    return Chart(picture, alt_text=alt, filename="repo.png")
