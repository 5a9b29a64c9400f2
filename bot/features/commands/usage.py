"""The command reference: one place that help replies, errors and README agree with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Usage:
    group: str
    syntax: str
    summary: str


COMMANDS: tuple[Usage, ...] = (
    Usage("help", "/momentum help [command]", "Show this help, or the help for one command."),
    Usage("help", "/momentum help figures",
          "How each figure in a briefing is made: stars/day, the usual swing, shares, "
          "coincidences, themes and predictions."),
    Usage("repo", "/momentum repo owner/name", "A repository's stars, velocity, acceleration, "
          "forks, latest release and a sparkline of daily stars."),
    Usage("compare", "/momentum compare owner/name owner/name [… up to 10] "
          "[since 90d|1y|all] [log] [aligned] [share]",
          "Cumulative stars of up to 10 repos on one chart, with their velocities, age and "
          "days to 1k and 10k stars; log for a log scale, aligned to start each at its "
          "creation, share to post it to the channel."),
    Usage("briefing", "/momentum briefing",
          "Post this channel's briefing: the list's velocity against its usual swing, the "
          "repos that moved beyond theirs and what coincided, the radar, predictions and a "
          "chart."),
    Usage("watch", "/momentum watch add owner/name [owner/name …]",
          "Add repositories to this channel's watch list (space- or comma-separated; "
          "github.com addresses work too)."),
    Usage("watch", "/momentum watch remove owner/name [owner/name …]",
          "Remove repositories from this channel's watch list."),
    Usage("watch", "/momentum watch list", "Show this channel's watch list."),
    Usage("watch", "/momentum watch presets", "List the curated starter lists."),
    Usage("watch", "/momentum watch preset <name>",
          "Add a curated starter list, e.g. local-llm (within the list's cap)."),
    Usage("feeds", "/momentum feeds add <url>",
          "Follow an RSS or Atom feed (news, a company or VC blog): its items that link to "
          "or name a watched repo count as causes of a move."),
    Usage("feeds", "/momentum feeds remove <url>", "Stop following a feed."),
    Usage("feeds", "/momentum feeds list",
          "The feeds this channel follows and how their last fetch went."),
    Usage("radar", "/momentum radar",
          "Up to 5 young repos (created in the last 90 days) outside this list, rising "
          "fastest in the list's topics and languages."),
    Usage("radar", "/momentum radar add <N>", "Add repo N of the radar to the watch list."),
    Usage("alerts", "/momentum alerts", "Show this channel's spike-alert settings."),
    Usage("alerts", "/momentum alerts on [factor]",
          "Alert here when a watched repo's stars in 24 hours exceed factor (default 3) × "
          "its 28-day daily average, and at least 20."),
    Usage("alerts", "/momentum alerts milestones on|off",
          "Also alert when a watched repo passes 10k, 50k or 100k stars."),
    Usage("alerts", "/momentum alerts off", "Stop alerts here."),
    Usage("schedule", "/momentum schedule",
          "Show when this channel's briefing comes next."),
    Usage("schedule", "/momentum schedule weekly <day> <HH:MM> [time zone]",
          "Post the briefing every week, e.g. weekly monday 09:00 Europe/Berlin."),
    Usage("schedule", "/momentum schedule daily <HH:MM> [time zone]",
          "Post the briefing every day."),
    Usage("schedule", "/momentum schedule off", "Stop scheduled briefings here."),
    Usage("predictions", "/momentum predictions",
          "How last week's predictions went, the track record (skill pooled and within each "
          "kind of question), open and scored predictions, and the receipts' latest hash."),
    Usage("prose", "/momentum prose", "Whether this channel's briefings are worded by the "
          "deployment's language model, and how many used its text lately."),
    Usage("prose", "/momentum prose on|off",
          "Have the model word the lede and the movers' lines (set by managers; needs "
          "MOMENTUM_LLM_URL). Its text is posted only when every figure in it checks out."),
    Usage("status", "/momentum status",
          "This channel's list size, schedule, last and next briefing, prose and data "
          "freshness."),
    Usage("access", "/momentum access [everyone|managers]",
          "Show or set who may change watch lists in this workspace: everyone, or only "
          "those who manage channels (set by managers)."),
)


def usage_of(group: str) -> str:
    return "\n".join(usage.syntax for usage in COMMANDS if usage.group == group)


def groups() -> list[str]:
    return list(dict.fromkeys(usage.group for usage in COMMANDS))


FIGURES = "figures"


def help_topics() -> list[str]:
    """What ``/momentum help`` takes: a command, or ``figures`` (how figures are made)."""
    return [*groups(), FIGURES]
