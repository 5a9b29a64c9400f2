"""The ``/momentum`` app command group: typed options in, the core's command words out.

Each subcommand is one small entry that names its options and hands the core the same
words a console user would type. Adding a command (briefing, schedule, status) is one
more entry; the core's router does the work.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Protocol

import discord
from discord import app_commands

from bot.core.message import Audience
from bot.features.commands.usage import help_topics
from bot.features.presets import load_presets

Choices = list[app_commands.Choice[str]]
Suggest = Callable[[discord.Interaction, str], Coroutine[Any, Any, Choices]]


class Respond(Protocol):
    async def __call__(
        self,
        interaction: discord.Interaction,
        text: str,
        *,
        audience: Audience = "requester",
        in_direct_messages: bool = False,
    ) -> None: ...


REPO_HELP = "owner/name, or a github.com address"
REPOS_HELP = "owner/name, several separated by spaces or commas"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def momentum_group(respond: Respond, suggest_watched: Suggest) -> app_commands.Group:
    momentum = app_commands.Group(
        name="momentum",
        description="Which GitHub repositories are gaining or losing momentum, and why",
    )
    watch = app_commands.Group(
        name="watch", description="This channel's watch list", parent=momentum
    )

    @momentum.command(name="help", description="The command reference")
    @app_commands.describe(command="Show the help for one command")
    @app_commands.choices(
        command=[app_commands.Choice(name=g, value=g) for g in help_topics()]
    )
    async def help_(interaction: discord.Interaction, command: str | None = None) -> None:
        await respond(interaction, _words("help", command), in_direct_messages=True)

    @momentum.command(
        name="repo",
        description="A repository's stars, velocity, acceleration, forks and latest release",
    )
    @app_commands.describe(repo=REPO_HELP)
    @app_commands.autocomplete(repo=suggest_watched)
    async def repo(interaction: discord.Interaction, repo: str) -> None:
        await respond(interaction, _words("repo", repo))

    @watch.command(name="add", description="Add repositories to this channel's watch list")
    @app_commands.describe(repos=REPOS_HELP)
    async def watch_add(interaction: discord.Interaction, repos: str) -> None:
        await respond(interaction, _words("watch add", repos))

    @watch.command(
        name="remove", description="Remove repositories from this channel's watch list"
    )
    @app_commands.describe(repos=REPOS_HELP)
    @app_commands.autocomplete(repos=suggest_watched)
    async def watch_remove(interaction: discord.Interaction, repos: str) -> None:
        await respond(interaction, _words("watch remove", repos))

    @watch.command(name="list", description="Show this channel's watch list")
    async def watch_list(interaction: discord.Interaction) -> None:
        await respond(interaction, "watch list")

    @watch.command(name="presets", description="The curated starter lists")
    async def watch_presets(interaction: discord.Interaction) -> None:
        await respond(interaction, "watch presets")

    @watch.command(name="preset", description="Add a curated starter list to this channel")
    @app_commands.describe(name="Which starter list")
    @app_commands.choices(
        name=[app_commands.Choice(name=preset, value=preset) for preset in load_presets()]
    )
    async def watch_preset(interaction: discord.Interaction, name: str) -> None:
        await respond(interaction, _words("watch preset", name))

    @momentum.command(
        name="radar", description="Young repos outside this list rising fastest in its themes"
    )
    @app_commands.describe(add="Add radar repo number N to the watch list")
    async def radar(
        interaction: discord.Interaction, add: app_commands.Range[int, 1, 5] | None = None
    ) -> None:
        await respond(interaction, _words("radar add", str(add)) if add else "radar")

    @momentum.command(name="alerts", description="Show or set spike alerts for this channel")
    @app_commands.describe(
        action="Leave out to see the current setting",
        factor="With 'on': alert above this multiple of the 28-day average (default 3)",
    )
    @app_commands.choices(
        action=[
            app_commands.Choice(name=name, value=value)
            for name, value in (
                ("on", "on"), ("off", "off"),
                ("milestones on", "milestones on"), ("milestones off", "milestones off"),
            )
        ]
    )
    async def alerts(
        interaction: discord.Interaction,
        action: str | None = None,
        factor: app_commands.Range[float, 1.1, 100.0] | None = None,
    ) -> None:
        words = " ".join(
            word for word in (action, f"{factor:g}" if factor and action == "on" else None)
            if word
        )
        await respond(interaction, _words("alerts", words))

    @momentum.command(
        name="predictions", description="This channel's predictions and their track record"
    )
    async def predictions(interaction: discord.Interaction) -> None:
        await respond(interaction, "predictions")

    feeds = app_commands.Group(
        name="feeds", description="News and blog feeds this channel reads for causes",
        parent=momentum,
    )

    @feeds.command(name="add", description="Follow an RSS or Atom feed in this channel")
    @app_commands.describe(url="The feed's address (https://…)")
    async def feeds_add(interaction: discord.Interaction, url: str) -> None:
        await respond(interaction, _words("feeds add", url))

    @feeds.command(name="remove", description="Stop following a feed in this channel")
    @app_commands.describe(url="The feed's address, as /momentum feeds list shows it")
    async def feeds_remove(interaction: discord.Interaction, url: str) -> None:
        await respond(interaction, _words("feeds remove", url))

    @feeds.command(name="list", description="The feeds this channel follows")
    async def feeds_list(interaction: discord.Interaction) -> None:
        await respond(interaction, "feeds list")

    @momentum.command(
        name="compare", description="Up to 10 repos' cumulative stars on one chart, with a table"
    )
    @app_commands.describe(
        repos="2 to 10 repos: owner/name, separated by spaces or commas",
        since="How far back (default: 90 days)",
        log="A log scale, for repos of very different sizes",
        aligned="Start every curve at its repo's creation",
        share="Post the comparison to the channel instead of only to you",
    )
    @app_commands.choices(
        since=[app_commands.Choice(name=n, value=n) for n in ("30d", "90d", "1y", "all")]
    )
    async def compare(
        interaction: discord.Interaction,
        repos: str,
        since: str | None = None,
        log: bool = False,
        aligned: bool = False,
        share: bool = False,
    ) -> None:
        flags = [name for name, on in (("log", log), ("aligned", aligned), ("share", share)) if on]
        words = " ".join([repos.replace(",", " "), *(["since", since] if since else []), *flags])
        await respond(
            interaction, _words("compare", words), audience="channel" if share else "requester"
        )

    @momentum.command(name="briefing", description="Post this channel's briefing for everyone")
    async def briefing(interaction: discord.Interaction) -> None:
        await respond(interaction, "briefing", audience="channel")

    @momentum.command(
        name="schedule", description="Show or set when this channel's briefing is posted"
    )
    @app_commands.describe(
        every="How often; leave out to see the current schedule",
        day="Weekly only: the day of the week",
        time="HH:MM, 24-hour clock",
        timezone="An IANA time zone such as Europe/Berlin (default: the bot's)",
    )
    @app_commands.choices(
        every=[app_commands.Choice(name=n, value=n) for n in ("weekly", "daily", "off")],
        day=[app_commands.Choice(name=d, value=d) for d in WEEKDAYS],
    )
    async def schedule(
        interaction: discord.Interaction,
        every: str | None = None,
        day: str | None = None,
        time: str | None = None,
        timezone: str | None = None,
    ) -> None:
        words = " ".join(word for word in (every, day, time, timezone) if word)
        await respond(interaction, _words("schedule", words))

    @momentum.command(
        name="prose", description="Show or set whether the deployment's model words briefings"
    )
    @app_commands.describe(turn="Leave out to see the current setting and how it went")
    @app_commands.choices(
        turn=[app_commands.Choice(name=n, value=n) for n in ("on", "off")]
    )
    async def prose(interaction: discord.Interaction, turn: str | None = None) -> None:
        await respond(interaction, _words("prose", turn))

    @momentum.command(
        name="status", description="List size, schedule, last and next briefing, data age"
    )
    async def status(interaction: discord.Interaction) -> None:
        await respond(interaction, "status")

    @momentum.command(
        name="access",
        description="Show or set who may change watch lists in this server",
    )
    @app_commands.describe(who="Everyone, or only members with Manage Channels")
    @app_commands.choices(
        who=[
            app_commands.Choice(name="everyone", value="everyone"),
            app_commands.Choice(name="managers (Manage Channels)", value="managers"),
        ]
    )
    async def access(interaction: discord.Interaction, who: str | None = None) -> None:
        await respond(interaction, _words("access", who))

    return momentum


def _words(command: str, argument: str | None) -> str:
    return f"{command} {argument}".strip() if argument else command
