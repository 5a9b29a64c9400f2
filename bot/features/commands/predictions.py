"""``/momentum predictions``: the channel's open and scored predictions, and its record."""

from __future__ import annotations

from bot.core.command import Command
from bot.core.message import Message, Section
from bot.features.commands.context import Context
from bot.features.commands.help import usage_error
from bot.features.predictions.service import last_week, record_of
from bot.features.predictions.text import HOW, head_line, listed, open_line, outcome_line

# A reply must fit Slack's and Discord's limits; the oldest are the least interesting.
SHOWN = 10
# What someone after the ledger types; the export runs on the host (``momentum
# predictions export``), where the database is.
LEDGER_WORDS = frozenset({"export", "verify", "ledger"})


async def predictions_command(ctx: Context, command: Command, args: list[str]) -> Message:
    if args and args[0].lower() in LEDGER_WORDS:
        # The ledger is printed where the database is, not in chat: name the command and
        # this channel's key, so whoever runs the bot can be asked for it.
        return usage_error(
            "The ledger is exported on the bot's host",
            "predictions",
            "Whoever runs Momentum can print this channel's ledger with its hashes, and "
            f"check every one: momentum predictions export --channel {command.channel} "
            "--verify. Here, /momentum predictions shows the chain's latest hash.",
        )
    if args:
        return usage_error("'predictions' takes no arguments", "predictions")
    every = await ctx.store.predictions(command.channel)
    if not every:
        return Message(
            title="No predictions here yet",
            sections=(
                Section(
                    text="Each briefing makes up to three, once the list's repos have ten "
                    "whole weeks of history; /momentum briefing makes this week's."
                ),
            ),
        )
    pending = [p for p in every if p.outcome is None]
    scored = sorted(
        (p for p in every if p.outcome is not None),
        key=lambda p: (p.due, p.id),
        reverse=True,
    )
    lead = last_week(every, ctx.today())
    sections = [Section(text="\n".join(filter(None, (lead, record_of(every).text()))))]
    if pending:
        lines = [open_line(p) for p in sorted(pending, key=lambda p: (p.due, p.id))]
        sections.append(Section(title="Open", text=listed(lines, SHOWN)))
    if scored:
        lines = [outcome_line(p) for p in scored]
        sections.append(Section(title="Scored, newest first", text=listed(lines, SHOWN)))
    sets = await ctx.store.prediction_sets(command.channel)
    footnotes = (head_line(sets), HOW) if sets else (HOW,)
    return Message(
        title="Predictions for this channel", sections=tuple(sections), footnotes=footnotes
    )
