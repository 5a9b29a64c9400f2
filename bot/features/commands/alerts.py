"""``/momentum alerts [on [factor] | off | milestones on|off]``: spike alerts here."""

from __future__ import annotations

from dataclasses import replace

from bot.core.command import Command
from bot.core.formatting import count
from bot.core.message import Field, Message, Section, error
from bot.core.store import AlertSettings
from bot.features.access import MANAGER_ROLE, may_change
from bot.features.alerts import MILESTONES
from bot.features.commands.context import Context
from bot.features.commands.help import usage_error

MAX_FACTOR = 100.0


async def alerts_command(ctx: Context, command: Command, args: list[str]) -> Message:
    current = await ctx.store.alert_settings(command.channel)
    if not args:
        return _shown("Spike alerts", current)
    words = [word.lower() for word in args]
    if not await may_change(ctx.store, command):
        return error(
            "You can't change this channel's alerts",
            f"In this workspace only {MANAGER_ROLE[command.channel.platform]} can.",
        )
    if words == ["off"]:
        await ctx.store.set_alert_settings(command.channel, None, ctx.now())
        return _shown("Spike alerts turned off", None)
    if words[0] == "on" and len(words) <= 2:
        factor = AlertSettings().factor
        if len(words) == 2:
            try:
                factor = float(words[1].removesuffix("x").removesuffix("×"))
            except ValueError:
                factor = 0.0
            if not 1 < factor <= MAX_FACTOR:
                return usage_error(
                    f"'{args[1]}' is not a factor", "alerts",
                    f"A factor is a number above 1 and at most {MAX_FACTOR:g}, e.g. 3 or 2.5.",
                )
        chosen = replace(current or AlertSettings(), factor=factor)
        await ctx.store.set_alert_settings(command.channel, chosen, ctx.now())
        return _shown("Spike alerts turned on", chosen)
    if words in (["milestones", "on"], ["milestones", "off"]):
        chosen = replace(current or AlertSettings(), milestones=words[1] == "on")
        await ctx.store.set_alert_settings(command.channel, chosen, ctx.now())
        return _shown("Spike alerts updated", chosen)
    return usage_error("Unknown alerts command", "alerts")


def _shown(title: str, settings: AlertSettings | None) -> Message:
    if settings is None:
        return Message(
            title=title,
            sections=(Section(text="Alerts are off here. /momentum alerts on turns them on."),),
        )
    marks = ", ".join(count(mark) for mark in MILESTONES)
    fields = (
        Field("Alerts", "on"),
        Field("Spike", f"stars in 24 hours above {settings.factor:g}× the 28-day daily "
                       f"average and at least {settings.floor}"),
        Field("Milestones", f"on ({marks} stars)" if settings.milestones else "off"),
    )
    return Message(
        title=title,
        sections=(
            Section(fields=fields),
            Section(text="One alert per repo per spike, after each data collection; another "
                         "only once the repo has fallen back."),
        ),
    )
