"""Words for a comparison: the table, what is still being fetched, and where figures come from."""

from __future__ import annotations

from datetime import timedelta

from bot.core import formatting as fmt
from bot.core.message import DEMO_LABEL, Chart, Message, Section, Table
from bot.core.repo_ref import RepoRef
from bot.features.compare.figures import CompareRow, Milestone
from bot.features.compare.service import Comparison

COLUMNS = ("repo", "stars", "7d/day", "28d/day", "90d/day", "accel.", "age", "to 1k", "to 10k")


def compare_message(
    comparison: Comparison,
    chart: Chart | None,
    *,
    synthetic: bool,
    follows: bool = False,
    missed: tuple[RepoRef, ...] | None = None,
) -> Message:
    """``follows``: a second reply will bring the curves still being fetched; ``missed``
    (set on that second reply): the repos whose history GitHub did not give."""
    request = comparison.request
    names = ", ".join(str(ref) for ref in request.refs)
    sections = []
    if missed is not None:
        sections.append(
            Section(
                text=f"GitHub did not give the full history of {', '.join(map(str, missed))} "
                "just now; ask again later. Here is what is in."
                if missed
                else "The history being fetched is in; here is the full comparison."
            )
        )
    if comparison.rows:
        rows = tuple(_row(row) for row in comparison.rows)
        sections.append(Section(table=Table(COLUMNS, rows)))
    else:
        sections.append(Section(text="None of these repos has data yet."))
    if comparison.unknown:
        sections.append(
            Section(
                text="GitHub knows no public repository "
                + ", ".join(map(str, comparison.unknown))
                + " (deleted, private, or misspelt?)."
            )
        )
    if comparison.unchecked:
        sections.append(
            Section(
                text="No data for "
                + ", ".join(map(str, comparison.unchecked))
                + " yet, and GitHub was not asked (offline) or could not be reached about "
                "them just now; ask again later."
            )
        )
    if comparison.collecting:
        sections.append(
            Section(
                text="History is still being fetched for "
                + ", ".join(map(str, comparison.collecting))
                + (
                    "; the full comparison follows here when it is in."
                    if follows
                    else "; ask again in a minute for the full curves."
                )
            )
        )
    footnotes = [
        "Curves count stars still present by each day (GitHub's daily history): stars "
        "given and later taken back are not drawn.",
        "Velocity: stars per day over whole UTC days to "
        f"{fmt.day(comparison.as_of - timedelta(days=1))}; acceleration: the last 7 "
        "days against the 7 before; age and days to 1k and 10k stars count from the "
        "repo's creation.",
    ]
    if synthetic:
        footnotes.append(DEMO_LABEL)
    scale = ", log scale" if request.log_scale else ""
    aligned = ", aligned at each repo's start" if request.aligned else ""
    return Message(
        title=f"Compare: {names} ({request.span_label}{scale}{aligned})",
        sections=tuple(sections),
        chart=chart,
        footnotes=tuple(footnotes),
        audience="channel" if request.share else "requester",
    )


def _row(row: CompareRow) -> tuple[str, ...]:
    velocities = tuple("–" if value is None else f"{value:,.1f}" for value in row.velocities)
    return (
        row.name,
        fmt.count(row.stars),
        *velocities,
        "–" if row.acceleration is None else fmt.signed(row.acceleration),
        _age(row.age_days),
        *(_milestone(milestone, row) for milestone in row.milestones),
    )


def _age(days: int | None) -> str:
    if days is None:
        return "–"
    return f"{days} d" if days < 365 else f"{days / 365.25:.1f} y"


def _milestone(milestone: Milestone, row: CompareRow) -> str:
    if not milestone.reached:
        return "not yet"
    if milestone.days is None:
        first = row.curve[0][0] if row.curve else None
        return f"before {fmt.day(first)}" if first else "–"
    return f"{milestone.days:,} d"


def comparison_json(comparison: Comparison) -> dict[str, object]:
    request = comparison.request
    starts = [row.start for row in comparison.rows if row.start is not None]
    earliest = min(starts) if starts else None
    return {
        "as_of": comparison.as_of.isoformat(),
        "span_days": request.span_days,
        "log": request.log_scale,
        "aligned": request.aligned,
        "repos": [
            {
                "repo": row.name,
                "stars": row.stars,
                "velocity_7d": row.velocities[0],
                "velocity_28d": row.velocities[1],
                "velocity_90d": row.velocities[2],
                "acceleration_7d": row.acceleration,
                "start": row.start.isoformat() if row.start else None,
                "age_days": row.age_days,
                # Days after the earliest start among these repos: where "aligned" moves it.
                "aligned_offset_days": (row.start - earliest).days
                if row.start and earliest
                else None,
                "days_to_1k": row.milestones[0].days,
                "days_to_10k": row.milestones[1].days,
                "history_complete": row.complete,
                "curve": [[day.isoformat(), total] for day, total in row.curve],
            }
            for row in comparison.rows
        ],
        "unknown": [str(ref) for ref in comparison.unknown],
        "unchecked": [str(ref) for ref in comparison.unchecked],
        "collecting": [str(ref) for ref in comparison.collecting],
    }
