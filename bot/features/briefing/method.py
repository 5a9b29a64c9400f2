"""How a briefing's figures are made: told once, by ``/momentum help figures``, rather than
in every briefing."""

from __future__ import annotations

from bot.core.message import Field
from bot.features.briefing.coverage import MIN_GAP
from bot.features.briefing.lede import MAX_NAMED, MOST
from bot.features.briefing.lift import AFTER, BASELINE_DAYS, NOTABLE_LIFT
from bot.features.briefing.move import PACE_RATIO, SPIKE_SHARE
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
            f"The event in the window or the {hours} hours before it (a release, merged PR, "
            "Hacker News story linking to the repo, or item of one of the channel's feeds) "
            f"after which stars ran furthest above the repo's {BASELINE_DAYS}-day daily "
            f"average for {hours} hours (a day's stars taken as spread evenly over its "
            f"hours); named only from {NOTABLE_LIFT:g}× up, with its size and a count of the "
            f"other events within {hours} hours of it. For a slowdown, the window before is "
            "searched. It coincides; it is not shown to cause."
        )),
        Field("Spike or sustained", (
            f"A one-day spike: one day holds {SPIKE_SHARE:.0%} or more of the window's "
            "stars. Sustained: most days above the prior window's average (below it, for a "
            "fall). A change of pace: the window's last third ran at "
            f"{PACE_RATIO:g}× the pace of its first, or slower by as much."
        )),
        Field("Coverage", (
            "When the window holds Hacker News stories or feed items about the list's "
            "repos: each topic's share of the list's stars against its share of those "
            f"items, naming the largest gaps ({MIN_GAP * 100:.0f} percentage points at least) "
            "both ways."
        )),
        Field("Themes", (
            "A GitHub topic shared by at least two repos on the list, one of them a mover, "
            "with their combined stars/day and its change; a language only when the repos "
            "share no topic."
        )),
        Field("Predictions", HOW),
    )
