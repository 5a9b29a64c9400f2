"""``momentum briefing``: a briefing printed as text, Markdown or JSON."""

from __future__ import annotations

import argparse
import asyncio
import json
import math
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from adapters.markdown import render_markdown
from adapters.text import render_text
from bot.app.cli.chart_file import check_chart_path, write_chart
from bot.app.cli.dates import day_option
from bot.app.progress import ProgressCallback as Progress
from bot.app.runtime import Services
from bot.clients.llm import ChatModel
from bot.collection.collector import CollectSummary
from bot.core.command import ChannelKey
from bot.core.figures import MAX_WINDOW_DAYS, MIN_WINDOW_DAYS
from bot.core.repo_ref import InvalidRepoRef, RepoRef, split_repo_words
from bot.core.store import RepoRecord, Store
from bot.features.briefing import compose
from bot.features.briefing.channel import ChannelBriefing, channel_briefing_parts, prose_model
from bot.features.briefing.chart import briefing_chart
from bot.features.briefing.lift import BASELINE_DAYS

FORMATS = ("text", "markdown", "json")
WEEKS_PER_PAGE = 30
# Data younger than this is fresh enough for a briefing of today.
FRESH_ENOUGH = timedelta(hours=6)



class BriefingRequestError(Exception):
    """The options do not describe a briefing; ``str()`` says why in one line."""


@dataclass(frozen=True, slots=True)
class BriefingRequest:
    repos: list[RepoRef] | None
    channel: ChannelKey | None
    window_days: int | None
    as_of: date | None
    format: str
    chart: Path | None
    offline: bool = False


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repos", help="an ad-hoc list: owner/name,owner/name,…")
    parser.add_argument("--channel", help="a channel's list: platform:workspace/channel")
    parser.add_argument(
        "--window", type=int, metavar="DAYS",
        help=f"window length, {MIN_WINDOW_DAYS}-{MAX_WINDOW_DAYS} days (default: the "
        "channel's, else MOMENTUM_WINDOW_DAYS)",
    )
    parser.add_argument(
        "--as-of", metavar="DATE",
        help="a UTC date; the windows end at its 00:00 (default: today)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--chart", type=Path, metavar="FILE.png", help="also write the chart")
    parser.add_argument(
        "--offline", action="store_true",
        help="use stored data only; do not collect what is missing from GitHub",
    )


def parse_request(args: argparse.Namespace, today: date) -> BriefingRequest:
    if (args.repos is None) == (args.channel is None):
        raise BriefingRequestError("name the list with exactly one of --repos or --channel")
    repos = None
    if args.repos is not None:
        try:
            repos = [RepoRef.parse(item) for item in split_repo_words([args.repos])]
        except InvalidRepoRef as exc:
            raise BriefingRequestError(str(exc)) from None
        if not repos:
            raise BriefingRequestError("--repos names no repo")
    channel = None
    if args.channel is not None:
        try:
            channel = ChannelKey.parse(args.channel)
        except ValueError as exc:
            raise BriefingRequestError(str(exc)) from None
    if args.window is not None and not MIN_WINDOW_DAYS <= args.window <= MAX_WINDOW_DAYS:
        raise BriefingRequestError(
            f"--window must be {MIN_WINDOW_DAYS} to {MAX_WINDOW_DAYS} days, not {args.window}"
        )
    as_of = None
    if args.as_of is not None:
        try:
            as_of = day_option("--as-of", args.as_of, today)
        except ValueError as exc:
            raise BriefingRequestError(str(exc)) from None
    if args.chart is not None:
        check_chart_path(args.chart)
    return BriefingRequest(
        repos, channel, args.window, as_of, args.format, args.chart, args.offline
    )


async def list_for(store: Store, request: BriefingRequest) -> list[RepoRecord | RepoRef]:
    if request.channel is not None:
        watched = await store.watch_list(request.channel)
        if not watched:
            raise BriefingRequestError(f"{request.channel} watches no repos")
        return [item.repo for item in watched]
    assert request.repos is not None
    found: list[RepoRecord | RepoRef] = []
    for ref in dict.fromkeys(request.repos):
        found.append(await store.find_repo(ref) or ref)
    return found


async def collect_for_briefing(
    services: Services, request: BriefingRequest, today: date, progress: Progress
) -> CollectSummary | None:
    """Collect what the briefing's windows need and the store lacks or holds stale; the
    run's summary, or None when the store had it all."""
    store = services.store
    now = services.context.now()
    repos = []
    for item in await list_for(store, request):
        repos.append(item if isinstance(item, RepoRecord) else await store.add_repo(item, now))
    as_of = request.as_of or today
    window_days = request.window_days or services.settings.window_days
    earliest = as_of - timedelta(days=2 * window_days + BASELINE_DAYS)
    # A refresh reads 30 weeks of history; older windows need deeper pages.
    pages = math.ceil(((today - earliest).days / 7 + 1) / WEEKS_PER_PAGE)
    stale = [
        repo
        for repo in repos
        if repo.stars_fetched_at is None or now - repo.stars_fetched_at > FRESH_ENOUGH
    ]
    if pages > 1:
        stale = repos
    if stale:
        return await services.data.collect(
            repos=stale, pages=pages if pages > 1 else None, progress=progress
        )
    return None


async def print_briefing(
    store: Store,
    request: BriefingRequest,
    *,
    today: date,
    now: datetime,
    default_window: int,
    synthetic: bool = False,
    model: ChatModel | None = None,
) -> str:
    """The briefing in the requested format (and the chart written, when asked). A
    channel's is the one its chat gets: the same sections, predictions and radar included
    (for today's briefing; a past week shows its figures only), worded by ``model`` when
    the channel has prose on, checked and falling back as a scheduled one does. Which text
    was used is in the JSON's ``text_source`` and, with prose on, a footnote."""
    as_of = request.as_of or today
    if request.channel is not None:
        record = await store.get_channel(request.channel)
        found = None if record is None else await channel_briefing_parts(
            store, record, as_of=as_of, default_window=default_window, now=now,
            window_days=request.window_days, current=as_of == today, synthetic=synthetic,
        )
        if found is None:
            raise BriefingRequestError(f"{request.channel} watches no repos")
        assert record is not None
        found = await found.worded(prose_model(record, model))
    else:
        briefing = await compose(
            store, await list_for(store, request), as_of, request.window_days or default_window,
            synthetic=synthetic,
        )
        chart = await asyncio.to_thread(briefing_chart, briefing)
        found = ChannelBriefing(briefing, chart, None, None)
    chart = write_chart(found.chart, request.chart, markdown=request.format == "markdown")
    if request.format == "json":
        data = found.json()
        reason = found.prose.reason if found.prose is not None else ""
        data["text_source"] = {"text": found.text, "reason": reason or None}
        if found.prose is not None and found.text == "model":
            # ``lede`` stays the briefing's own: the figures' text, whichever was posted.
            data["text_source"] |= {"lede": found.prose.lede, "mover_lines": found.prose.lines}
        return json.dumps(data, indent=2, ensure_ascii=False)
    message = replace(found, chart=chart).message()
    if (said := _text_source(found)) is not None:
        message = replace(message, footnotes=(*message.footnotes[:1], said,
                                              *message.footnotes[1:]))
    return render_markdown(message) if request.format == "markdown" else render_text(message)


def _text_source(found: ChannelBriefing) -> str | None:
    """Which text the lede and movers' lines are, when the channel has prose on."""
    if found.prose is None:
        return None
    if found.text == "model":
        return ("The lede and movers' lines are the channel's model's, every figure, name "
                "and date in them checked against the data.")
    return f"The briefing's own text: the channel's model's was not used ({found.prose.reason})."
