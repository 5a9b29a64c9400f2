"""``/momentum help``."""

from __future__ import annotations

from bot.core.command import Command
from bot.core.message import Field, Message, Section, error
from bot.features.briefing.method import figures_fields
from bot.features.commands.context import Context
from bot.features.commands.usage import COMMANDS, FIGURES, groups, usage_of


async def help_command(ctx: Context, command: Command, args: list[str]) -> Message:
    if args:
        topic = args[0].lower()
        if topic == FIGURES:
            return Message(
                title="How the briefing's figures are made",
                sections=(Section(fields=figures_fields(ctx.settings.window_days)),),
            )
        if topic not in groups():
            return error(
                f"There is no command '{args[0]}'",
                f"Commands: {', '.join(groups())}; or {FIGURES}, for how the figures "
                "are made.",
                usage=usage_of("help"),
            )
        fields = tuple(Field(u.syntax, u.summary) for u in COMMANDS if u.group == topic)
        return Message(title=f"/momentum {topic}", sections=(Section(fields=fields),))
    return Message(
        title="Momentum: which repositories are gaining or losing momentum, and why",
        sections=(
            Section(fields=tuple(Field(u.syntax, u.summary) for u in COMMANDS)),
            Section(
                text=(
                    "Velocity is stars gained per day over a window "
                    f"(this deployment: {ctx.settings.window_days} days, ending at the start "
                    "of today, UTC); acceleration is the change against the window before. "
                    "/momentum help figures tells how each figure is made."
                )
            ),
        ),
    )


def usage_error(title: str, group: str, text: str = "") -> Message:
    return error(title, text, usage=usage_of(group))
