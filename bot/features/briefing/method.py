"""How a briefing's figures are made: told once, by ``/momentum help figures``, rather than
in every briefing."""

from __future__ import annotations

from bot.core.message import Field
from bot.features.briefing.lede import MAX_NAMED, MOST
from bot.features.briefing.lift import AFTER, BASELINE_DAYS, NOTABLE_LIFT
from bot.features.predictions.model import HISTORY_WEEKS, LEVEL_WEEKS, MIN_WEEKS
from bot.features.predictions.text import HOW


def figures_fields(window_days: int) -> tuple[Field, ...]:
    hours = int(AFTER.total_seconds() // 3600)
    return (
        Field("Stars/day", (
            f"Stars gained per day over a window of whole UTC days (here {window_days}, "
            "ending at the start of today), from GitHub's daily star history. The change is "
            "against the window before, in stars/day and as a percentage. Where the history "
            "is unavailable, figures are net differences of star totals, labelled so."
        )),
        Field("Usual swing", (
            "How far a repo's weekly stars usually move: the spread the prediction model "
            f"estimates from the repo's own last {HISTORY_WEEKS} weeks before this one (how "
            f"far the mean of {LEVEL_WEEKS} weeks missed the next, on log(1 + stars)), shown "
            "as ±%. A repo is listed as accelerating or slowing only when its change is "
            "beyond it; the rest are counted as steady. It needs "
            f"{MIN_WEEKS} whole weeks of history and a 7-day window; without them a repo is "
            "listed by its change alone."
        )),
        Field("Share of the change", (
            "A repo's change in stars/day divided by the list's. The briefing names the "
            f"repos that moved with the list, largest first, until they account for at "
            f"least {MOST:.0%} of its change ({MAX_NAMED} at most)."
        )),
        Field("Coincidence", (
            "The release or merged PR in the window after which stars ran furthest above "
            f"the repo's {BASELINE_DAYS}-day daily average for {hours} hours (a day's stars "
            f"taken as spread evenly over its hours); named only from {NOTABLE_LIFT:g}× up. "
            "For a slowdown, the window before is searched. It coincides; it is not shown "
            "to cause."
        )),
        Field("Themes", (
            "A GitHub topic shared by at least two repos on the list, one of them a mover, "
            "with their combined stars/day and its change; a language only when the repos "
            "share no topic."
        )),
        Field("Predictions", HOW),
    )
