"""``/momentum feeds add <url>|remove <url>|list``: the feeds a channel follows.

A feed is read once when it is added, so a malformed address, an unreachable host, a web
page or anything else that is not RSS or Atom is refused then, with one sentence saying
which, and nothing is stored.
"""

from __future__ import annotations

import asyncio
from datetime import UTC

from bot.clients.feeds import FeedError, check_feed_url
from bot.collection.mentions import store_feed_items
from bot.core import formatting as fmt
from bot.core.command import Command
from bot.core.message import Message, Section, Table, error
from bot.core.store import FeedListFull, FeedRecord
from bot.features.access import MANAGER_ROLE, may_change
from bot.features.commands.context import Context
from bot.features.commands.help import usage_error

MAX_FEEDS = 20
# A person is waiting on the add: a slow host is not waited on for long.
ADD_TIMEOUT_SECONDS = 8.0


async def feeds_command(ctx: Context, command: Command, args: list[str]) -> Message:
    if not args:
        return usage_error("Which feeds command?", "feeds")
    action, rest = args[0].lower(), args[1:]
    if action == "list":
        if rest:
            return usage_error("'feeds list' takes no arguments", "feeds")
        return _listed(await ctx.store.channel_feeds(command.channel))
    if action not in {"add", "remove"}:
        return usage_error(f"Unknown feeds command '{args[0]}'", "feeds")
    if len(rest) != 1:
        return usage_error(f"Name one feed address to {action}", "feeds")
    if not await may_change(ctx.store, command):
        return error(
            "You can't change this channel's feeds",
            f"In this workspace only {MANAGER_ROLE[command.channel.platform]} can.",
        )
    # Slack sends a pasted link as <https://…> or <https://…|label>.
    given = rest[0].strip("<>").split("|", 1)[0]
    if action == "remove":
        if await ctx.store.remove_feed(command.channel, given):
            return Message(title="Feed removed",
                           sections=(Section(text=f"No longer following {given}."),))
        return error("Nothing was changed", f"This channel does not follow {given}.")
    return await _add(ctx, command, given)


async def _add(ctx: Context, command: Command, given: str) -> Message:
    refused = "Nothing was changed"
    try:
        url = check_feed_url(given)
    except FeedError as bad:
        return usage_error(refused, "feeds", str(bad))
    if ctx.feeds is None:
        return error(refused, "Feeds cannot be read here.")
    known = {feed.url for feed in await ctx.store.channel_feeds(command.channel)}
    if url in known:
        return error(refused, f"This channel already follows {url}.")
    if len(known) >= MAX_FEEDS:
        return error(refused, f"A channel may follow at most {MAX_FEEDS} feeds.")
    try:
        async with asyncio.timeout(ADD_TIMEOUT_SECONDS):
            fetched = await ctx.feeds.fetch(url)
    except FeedError as failed:
        return error(refused, str(failed))
    except TimeoutError:
        return error(refused, f"{url} did not answer within {ADD_TIMEOUT_SECONDS:g} s.")
    feed = fetched.feed
    assert feed is not None  # nothing was sent to make a 304 possible
    now = ctx.now()
    try:
        added = await ctx.store.add_feed(command.channel, url, feed.title, command.user, now,
                                         MAX_FEEDS)
    except FeedListFull as full:
        return error(refused, f"A channel may follow at most {full.cap} feeds.")
    if added is None:
        return error(refused, f"This channel already follows {url}.")
    await ctx.store.record_feed_fetch(added.id, now, etag=fetched.etag,
                                      last_modified=fetched.last_modified)
    repos = [watched.repo for watched in await ctx.store.watch_list(command.channel)]
    about = await store_feed_items(ctx.store, added, feed.items, repos)
    text = (
        f"Following “{feed.title}” ({feed.format}, {fmt.plural(len(feed.items), 'item')};"
        f" {about} about repos on this list). It is read with every refresh."
    )
    return Message(title="Feed added", sections=(Section(text=text),))


def _listed(feeds: list[FeedRecord]) -> Message:
    if not feeds:
        return Message(
            title="No feeds here",
            sections=(Section(text="/momentum feeds add <url> follows an RSS or Atom feed."),),
        )
    rows = tuple((feed.title, feed.url, _state(feed)) for feed in feeds)
    return Message(
        title=f"Feeds this channel follows ({len(feeds)} of {MAX_FEEDS})",
        sections=(Section(table=Table(("feed", "address", "last read"), rows)),),
    )


def _state(feed: FeedRecord) -> str:
    if feed.fetched_at is None:
        return "not yet"
    when = f"{feed.fetched_at.astimezone(UTC):%b %d %H:%M} UTC"
    if feed.error:
        return f"failing ({fmt.plural(feed.failures, 'time')} in a row, last {when}): {feed.error}"
    return f"ok, {when}"


def feed_status(feeds: list[FeedRecord]) -> str | None:
    """The Feeds line of ``/momentum status``; None when the channel follows none."""
    if not feeds:
        return None
    failing = [feed for feed in feeds if feed.error]
    text = f"{fmt.plural(len(feeds), 'feed')} followed"
    if not failing:
        return text + ", all read"
    worst = failing[0]
    more = f" (and {len(failing) - 1} more)" if len(failing) > 1 else ""
    return f"{text}; failing: “{worst.title}”{more}: {worst.error}"
