"""The briefing's opening: a why-cascade in two to four sentences, each step a figure.

1. what: the list's pace, its change (stars/day and percent) and how that compares with
   the list's usual week-to-week swing;
2. which: the repos that account for most of the change, with their share of it;
3. why: what coincided with their moves (an event and the lift after it), or that
   nothing in the data does;
4. so what: the theme those repos share and how it moved.

A step the data cannot answer is left out, never filled. Coincidence is never worded as
cause.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core import formatting as fmt
from bot.core.links import pull_link, release_link, repo_link
from bot.core.message import Span
from bot.core.repo_ref import RepoRef
from bot.core.store import RepoEvent
from bot.features.briefing.lift import AFTER_HOURS
from bot.features.briefing.model import Briefing, RepoFigures, Theme

# Repos are named until they account for at least half of the change, three at most.
MOST = 0.5
MAX_NAMED = 3
# A change that shows as 0.0 stars/day is no change to explain.
LEVEL = 0.05
THEME_NAMES_SHOWN = 4
# A stranger's title longer than this is shortened: a briefing line, not an article.
TITLE_SHOWN = 80
EMPTY = "No repo on this list has data for these windows yet; figures follow once collected."


def lede(briefing: Briefing) -> tuple[Span, ...]:
    if not briefing.measured:
        return (EMPTY,)
    sentences = [_what(briefing)]
    named = contributors(briefing)
    if named:
        # A one-repo list's change is all that repo's: naming its share says nothing.
        if len(briefing.measured) > 1:
            sentences.append(_which(briefing, named))
        sentences.append(_why(named))
        theme = shared_theme(briefing, named)
        if theme is not None:
            sentences.append(_so_what(theme))
    spans: list[Span] = []
    for sentence in sentences:
        if spans:
            spans.append(" ")
        spans += sentence
    return tuple(spans)


def contributors(briefing: Briefing) -> list[RepoFigures]:
    """The repos that moved with the list, largest first, until they account for at
    least half of its change."""
    change = briefing.change
    if abs(change) < LEVEL:
        return []
    moved = sorted(
        (repo for repo in briefing.measured if (repo.acceleration or 0) * change > 0),
        key=lambda repo: -abs(repo.acceleration or 0),
    )
    named: list[RepoFigures] = []
    for repo in moved[:MAX_NAMED]:
        named.append(repo)
        if share(named, change) >= MOST:
            break
    return named


def share(repos: Sequence[RepoFigures], change: float) -> float:
    return sum(repo.acceleration or 0 for repo in repos) / change


def shared_theme(briefing: Briefing, named: Sequence[RepoFigures]) -> Theme | None:
    """The theme holding most of the named repos (the faster one on a tie)."""
    refs = {repo.ref for repo in named}
    best: Theme | None = None
    best_count = 0
    for theme in briefing.themes:  # fastest first
        count = len(refs.intersection(theme.repos))
        if count > best_count:
            best, best_count = theme, count
    return best


def _what(briefing: Briefing) -> list[Span]:
    count = len(briefing.measured)
    who = "The list's one repo" if count == 1 else f"The list's {count} repos"
    weekly = briefing.window_days == 7
    period = "this week" if weekly else f"over the last {briefing.window_days} days"
    before = "the week before" if weekly else f"the {briefing.window_days} days before"
    change = briefing.change
    text = f"{who} gained {fmt.stars_per_day(briefing.total_velocity)} {period}, "
    if abs(change) < LEVEL:
        text += f"level with {before}"
    else:
        pct = briefing.change_pct
        text += (
            f"{'up' if change > 0 else 'down'} {fmt.stars_per_day(abs(change))}"
            + (f" ({fmt.percent(pct)})" if pct is not None else "")
            + f" from {before}"
        )
    swing, multiple = briefing.swing_pct, briefing.swings_beyond
    if swing is not None and multiple is not None:
        text += ", " + _against_swing(multiple, swing, owner="its")
    return [text + "."]


def _against_swing(multiple: float, swing_pct: float, *, owner: str) -> str:
    usual = f"{owner} usual week-to-week swing of ±{fmt.figure(swing_pct)}%"
    if multiple <= 1:
        return f"within {usual}"
    if multiple < 2:
        return f"beyond {usual}"
    if multiple < 3:
        return f"more than twice {usual}"
    return f"far beyond {usual}"


def _which(briefing: Briefing, named: Sequence[RepoFigures]) -> list[Span]:
    change = briefing.change
    noun = "rise" if change > 0 else "fall"
    part = share(named, change)
    names = _names([repo.ref for repo in named])
    if part > 1:
        # The named repos moved further than the whole list: the rest moved the other way.
        moved = sum(repo.acceleration or 0 for repo in named)
        verb = "rose" if change > 0 else "fell"
        back = "fell" if change > 0 else "rose"
        together = " together" if len(named) > 1 else ""
        return [
            *names,
            f" {verb} by {fmt.stars_per_day(abs(moved))}{together}, more than the whole "
            f"list: the others {back} by {fmt.figure(abs(moved - change))} in sum.",
        ]
    if len(named) == 1:
        return [*names, f" alone accounts for {part * 100:.0f}% of the {noun}."]
    each = _and([f"{share([repo], change) * 100:.0f}%" for repo in named])
    return [*names, f" account for {part * 100:.0f}% of the {noun} ({each})."]


def _why(named: Sequence[RepoFigures]) -> list[Span]:
    found = [repo for repo in named if repo.coincidence is not None]
    if not found:
        target = "it" if len(named) == 1 else "these moves"
        return [f"Nothing in the data coincides with {target}."]
    clauses: list[list[Span]] = []
    for repo in named:
        rising = (repo.acceleration or 0) > 0
        noun = "rise" if rising else "fall"
        if repo.coincidence is None:
            clauses.append(["nothing in the data coincides with ", repo_link(repo.ref),
                            f"'s {noun}"])
            continue
        owner: list[Span] = ["Its "] if len(named) == 1 else [repo_link(repo.ref), "'s "]
        coincided = repo.coincidence
        event = event_spans(repo.ref, coincided.event)
        when = fmt.day(coincided.event.occurred_at.date())
        lift = (
            f"stars ran {coincided.lift or 0:.1f}× their 28-day baseline for "
            f"{coincided.hours:.0f} h"
        )
        if coincided.others:
            # Their lifts overlap this one's: the lede must not credit it alone.
            lift += (
                f" ({fmt.plural(coincided.others, 'more event')} fell within "
                f"{AFTER_HOURS} h of it)"
            )
        # A slowdown is matched with the window before (the fading of an earlier lift).
        link = " coincides with " if rising else " follows "
        where = f" ({when})" if rising else f" in the window before ({when})"
        clauses.append([*owner, noun, link, *event, f"{where}, after which {lift}"])
    spans: list[Span] = []
    for number, clause in enumerate(clauses):
        if number:
            spans.append("; ")
        spans += clause
    first = spans[0]
    if isinstance(first, str):
        spans[0] = first[:1].upper() + first[1:]
    return [*spans, "."]


def event_spans(ref: RepoRef, event: RepoEvent) -> list[Span]:
    """An event named by its trusted parts: a release by its tag, a PR by its number; a
    mention by its kind, size and title (plain text, never a link)."""
    if event.kind == "release":
        return ["the ", release_link(ref, event.key), " release"]
    if event.kind == "pull_request" and event.key.isdigit():
        return ["PR ", pull_link(ref, int(event.key))]
    return [mention_words(event)]


def mention_words(event: RepoEvent) -> str:
    """``a Hacker News story (412 points, 138 comments) “Show HN: …”``; ``a feed item in
    Example Weekly “…”``."""
    title = event.title if len(event.title) <= TITLE_SHOWN else (
        event.title[: TITLE_SHOWN - 1].rstrip() + "…"
    )
    if event.kind == "hn_story":
        size = [fmt.plural(n, word) for n, word in ((event.points, "point"),
                                                     (event.comments, "comment"))
                if n is not None]
        return "a Hacker News story" + (f" ({', '.join(size)})" if size else "") + f" “{title}”"
    if event.kind == "feed_item":
        return "a feed item" + (f" in {event.source}" if event.source else "") + f" “{title}”"
    return f"{event.kind.replace('_', ' ')} “{title}”"


def _so_what(theme: Theme) -> list[Span]:
    refs = list(theme.repos)
    shown = refs[:THEME_NAMES_SHOWN]
    names: list[Span] = _names(shown, more=len(refs) - len(shown))
    what = f"the {theme.name} topic" if theme.kind == "topic" else f"the language {theme.name}"
    moved = ""
    if theme.change_pct is not None:
        pct = theme.change_pct
        moved = ", level" if round(pct) == 0 else (
            f", {'up' if pct > 0 else 'down'} {abs(pct):.0f}%"
        )
    return [*names, f" share {what}: together {fmt.stars_per_day(theme.velocity)}{moved}."]


def _names(refs: Sequence[RepoRef], *, more: int = 0) -> list[Span]:
    spans: list[Span] = []
    links: list[Span] = [repo_link(ref) for ref in refs]
    if more:
        links.append(f"{more} more")
    for number, link in enumerate(links):
        if number:
            spans.append(" and " if number == len(links) - 1 else ", ")
        spans.append(link)
    return spans


def _and(words: Sequence[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]
