"""A PNG of daily stars for a briefing's top movers (matplotlib, Agg: no display needed)."""

from __future__ import annotations

import io
from datetime import timedelta

from bot.core.message import Chart
from bot.features.briefing.model import Briefing, RepoFigures

MAX_LINES = 5
# Mid-tone colours and a transparent background read on Slack's and Discord's dark and
# light themes alike.
_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1")
_INK = "#8a8f98"


def top_movers(briefing: Briefing) -> list[RepoFigures]:
    movers = sorted(
        (*briefing.accelerating, *briefing.decelerating),
        key=lambda repo: -abs(repo.acceleration or 0),
    )
    return movers[:MAX_LINES]


def briefing_chart(briefing: Briefing) -> Chart | None:
    """Daily stars of the repos that moved most; None when nothing moved."""
    repos = top_movers(briefing)
    if not repos:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import dates as mdates
    from matplotlib import pyplot as plt

    days = len(repos[0].recent_daily)
    dates = mdates.date2num(  # type: ignore[no-untyped-call]
        [briefing.as_of - timedelta(days=days - n) for n in range(days)]
    )
    figure, axes = plt.subplots(figsize=(8, 4), dpi=100)
    try:
        for colour, repo in zip(_COLOURS, repos, strict=False):
            axes.plot(dates, repo.recent_daily, label=str(repo.ref), color=colour, linewidth=2)
        axes.xaxis_date()
        axes.set_title("Stars per day, top movers", color=_INK)
        axes.set_ylabel("stars / day", color=_INK)
        axes.tick_params(colors=_INK)
        for spine in axes.spines.values():
            spine.set_color(_INK)
        axes.grid(alpha=0.25, color=_INK)
        axes.legend(frameon=False, labelcolor=_INK, fontsize="small")
        figure.autofmt_xdate()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", transparent=True, bbox_inches="tight")
    finally:
        plt.close(figure)
    return Chart(buffer.getvalue(), alt_text=alt_text(briefing, repos), filename="momentum.png")


def alt_text(briefing: Briefing, repos: list[RepoFigures]) -> str:
    parts = [
        f"{repo.ref} {repo.prior_velocity or 0:,.1f} to {repo.velocity or 0:,.1f} a day"
        for repo in repos
    ]
    days = len(repos[0].recent_daily)
    return (
        f"Line chart of stars per day over the {days} days before "
        f"{briefing.as_of:%b} {briefing.as_of.day}, with each repo's velocity in the prior "
        "window and this one: " + "; ".join(parts) + "."
    )
