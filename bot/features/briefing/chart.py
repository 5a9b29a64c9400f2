"""A PNG of daily stars for a briefing's top movers (matplotlib, Agg: no display needed).

The prior window is shaded and the boundary drawn, so the two windows the briefing
compares read at a glance; the events the briefing names as coinciding with a move are
marked on their repo's line with a short label built from trusted parts (a tag, a PR
number). When the lines' velocities differ more than 30-fold the y axis is logarithmic
(symmetric, so days without stars still show), else the small ones would lie flat on
the axis. Size, type and colours: :mod:`bot.features.chart_style`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.core import formatting as fmt
from bot.core.message import Chart, ChartSeries
from bot.core.store import RepoEvent
from bot.features.briefing.model import Briefing, RepoFigures
from bot.features.chart_style import (
    COLOURS,
    FONT_POINTS,
    INK,
    demo_mark,
    new_figure,
    png,
    smallest_text_points,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

MAX_LINES = 5
# Past this ratio between the fastest and the slowest line, a linear axis flattens the
# slow ones.
LOG_SCALE_RATIO = 30.0
_LABEL_CHARS = 12


@dataclass(frozen=True, slots=True)
class Drawn:
    """A drawn chart and the size of its smallest text, in points (for the check that
    it stays readable on a phone)."""

    png: bytes
    smallest_points: float


def top_movers(briefing: Briefing) -> list[RepoFigures]:
    movers = sorted(
        (*briefing.accelerating, *briefing.decelerating),
        key=lambda repo: -abs(repo.acceleration or 0),
    )
    return movers[:MAX_LINES]


def log_scale(repos: list[RepoFigures]) -> bool:
    """Whether the drawn lines' velocities differ more than :data:`LOG_SCALE_RATIO`-fold
    (a line without stars counts as differing from any with some)."""
    velocities = [max(repo.velocity or 0.0, 0.0) for repo in repos]
    fastest, slowest = max(velocities, default=0.0), min(velocities, default=0.0)
    return fastest > 0 and fastest > LOG_SCALE_RATIO * slowest


def chart_days(briefing: Briefing, repos: list[RepoFigures]) -> list[date]:
    """The days the lines cover, oldest first; the last is the day before ``as_of``."""
    days = len(repos[0].recent_daily)
    return [briefing.as_of - timedelta(days=days - n) for n in range(days)]


def marked_events(
    repos: list[RepoFigures], days: list[date]
) -> list[tuple[int, RepoEvent]]:
    """(line index, event) for each coinciding event that falls within the drawn days."""
    first, last = days[0], days[-1]
    return [
        (number, repo.coincidence.event)
        for number, repo in enumerate(repos)
        if repo.coincidence is not None
        and first <= repo.coincidence.event.occurred_at.date() <= last
    ]


def event_label(event: RepoEvent) -> str:
    """A short name from trusted parts: a release's tag, a PR's number, else the kind."""
    if event.kind == "release":
        tag = event.key
        return tag if len(tag) <= _LABEL_CHARS else tag[: _LABEL_CHARS - 1] + "…"
    if event.kind == "pull_request" and event.key.isdigit():
        return f"PR #{event.key}"
    return {"hn_story": "HN story", "feed_item": "feed item"}.get(
        event.kind, event.kind.replace("_", " ")
    )


def briefing_chart(briefing: Briefing) -> Chart | None:
    """Daily stars of the repos that moved most; None when nothing moved."""
    repos = top_movers(briefing)
    if not repos or not repos[0].recent_daily:
        return None
    days = chart_days(briefing, repos)
    start = briefing.as_of - timedelta(days=briefing.window_days)
    return Chart(
        draw(briefing).png,
        alt_text=alt_text(briefing, repos),
        filename="momentum.png",
        title=f"Stars/day; this window from {fmt.day(start)}",
        categories=tuple(fmt.day(day) for day in days),
        series=tuple(
            ChartSeries(str(repo.ref), tuple(float(n) for n in repo.recent_daily))
            for repo in repos
        ),
        y_label="stars / day",
    )


def draw(briefing: Briefing) -> Drawn:
    """The PNG of :func:`briefing_chart` (which must have lines to draw)."""
    repos = top_movers(briefing)
    days = chart_days(briefing, repos)
    logarithmic = log_scale(repos)
    from matplotlib import dates as mdates

    def x(moment: date | datetime) -> float:
        return float(mdates.date2num(moment))  # type: ignore[no-untyped-call]

    with new_figure() as figure:
        axes = figure.subplots()
        xs = [x(day) for day in days]
        for colour, repo in zip(COLOURS, repos, strict=False):
            axes.plot(xs, repo.recent_daily, label=str(repo.ref), color=colour, linewidth=2.2)
        if logarithmic:
            axes.set_yscale("symlog", linthresh=1)
        _mark_windows(axes, briefing, days, x)
        for number, event in marked_events(repos, days):
            colour = COLOURS[number % len(COLOURS)]
            at = x(event.occurred_at)
            height = _height_at(repos[number].recent_daily, days, event.occurred_at.date())
            axes.plot([at], [height], marker="v", markersize=10, color=colour)
            axes.annotate(
                event_label(event), (at, height), xytext=(0, 8),
                textcoords="offset points", ha="center", va="bottom", color=colour,
            )
        ticks = _ticks(briefing, days)
        axes.set_xticks([x(day) for day in ticks], [fmt.day(day) for day in ticks])
        axes.set_title(
            "Stars per day, top movers" + (" (log scale)" if logarithmic else ""),
            color=INK, pad=FONT_POINTS * 2,
        )
        axes.set_ylabel("stars / day", color=INK)
        axes.tick_params(colors=INK)
        for spine in axes.spines.values():
            spine.set_color(INK)
        axes.grid(alpha=0.25, color=INK)
        # Below the plot, two to a row: long repo names never cover a line.
        axes.legend(
            frameon=False, labelcolor=INK, loc="upper center",
            bbox_to_anchor=(0.5, -0.14), ncol=2,
        )
        axes.margins(y=0.18)
        if briefing.synthetic:
            demo_mark(figure)
        return Drawn(png(figure), smallest_text_points(figure))


def _mark_windows(
    axes: Axes, briefing: Briefing, days: list[date], x: Callable[[date], float]
) -> None:
    """Shades the prior window and labels both, when the boundary falls among the days."""
    start = briefing.as_of - timedelta(days=briefing.window_days)
    if not days[0] < start <= days[-1]:
        return
    # A day's stars are drawn at its midnight: the windows meet halfway between days.
    boundary = x(start) - 0.5
    left = x(days[0]) - 0.5
    axes.axvspan(left, boundary, color=INK, alpha=0.12, linewidth=0)
    axes.axvline(boundary, color=INK, linestyle="--", linewidth=1.2)
    from matplotlib import transforms

    top = transforms.blended_transform_factory(axes.transData, axes.transAxes)
    # Just above the frame, where no line or event label can run into them.
    axes.text((left + boundary) / 2, 1.01, "before", transform=top, ha="center",
              va="bottom", color=INK)
    right = x(days[-1]) + 0.5
    axes.text((boundary + right) / 2, 1.01, "this window", transform=top, ha="center",
              va="bottom", color=INK)


def _ticks(briefing: Briefing, days: list[date]) -> list[date]:
    """About five days to label, stepping out from the first day of the current window
    (or back from the last day) so the boundary has a label of its own."""
    start = briefing.as_of - timedelta(days=briefing.window_days)
    anchor = start if days[0] <= start <= days[-1] else days[-1]
    step = max(1, len(days) // 4)
    return [day for day in days if (day - anchor).days % step == 0]


def _height_at(values: tuple[int, ...], days: list[date], day: date) -> float:
    return float(values[days.index(day)])


def alt_text(briefing: Briefing, repos: list[RepoFigures]) -> str:
    """The chart described once: axes, windows, each line's two velocities, the marks."""
    days = chart_days(briefing, repos)
    marks = dict(marked_events(repos, days))
    parts = []
    for number, repo in enumerate(repos):
        part = f"{repo.ref} {repo.prior_velocity or 0:,.1f} to {repo.velocity or 0:,.1f} a day"
        if number in marks:
            event = marks[number]
            part += f", {event_label(event)} marked on {fmt.day(event.occurred_at.date())}"
        parts.append(part)
    start = briefing.as_of - timedelta(days=briefing.window_days)
    windows = (
        f", the window before {fmt.day(start)} shaded" if days[0] < start <= days[-1] else ""
    )
    scale = " on a log scale" if log_scale(repos) else ""
    demo = "Demo data. " if briefing.synthetic else ""
    return (
        f"{demo}Line chart of stars per day{scale} over the {len(days)} days to "
        f"{fmt.day(days[-1])}{windows}: " + "; ".join(parts) + "."
    )

