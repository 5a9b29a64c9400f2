"""Turns a :class:`Command` into a :class:`Message` by its first word."""

from __future__ import annotations

import difflib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot.core.command import Command
from bot.core.message import DEMO_LABEL, Message, error
from bot.core.store import StoreFull
from bot.features.commands.access import access_command
from bot.features.commands.alerts import alerts_command
from bot.features.commands.briefing import briefing_command
from bot.features.commands.compare import compare_command
from bot.features.commands.context import Context
from bot.features.commands.feeds import feeds_command
from bot.features.commands.help import help_command
from bot.features.commands.predictions import predictions_command
from bot.features.commands.prose import prose_command
from bot.features.commands.radar import radar_command
from bot.features.commands.repo import repo_command
from bot.features.commands.schedule import schedule_command, status_command
from bot.features.commands.usage import groups
from bot.features.commands.watch import watch_command

log = logging.getLogger(__name__)

Handler = Callable[[Context, Command, list[str]], Awaitable[Message]]

# Slack caps slash-command text at 4,000 characters; nothing legitimate is longer.
MAX_COMMAND_CHARS = 4000


class Router:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._handlers: dict[str, Handler] = {
            "access": access_command,
            "alerts": alerts_command,
            "briefing": briefing_command,
            "compare": compare_command,
            "feeds": feeds_command,
            "help": help_command,
            "predictions": predictions_command,
            "prose": prose_command,
            "radar": radar_command,
            "repo": repo_command,
            "schedule": schedule_command,
            "status": status_command,
            "watch": watch_command,
        }
        assert set(self._handlers) == set(groups()), "every command needs help text"

    async def handle(self, command: Command) -> Message:
        if len(command.text) > MAX_COMMAND_CHARS:
            return error(
                "That command is too long",
                f"Commands are at most {MAX_COMMAND_CHARS:,} characters.",
            )
        words = command.words
        if not words:
            return await help_command(self.ctx, command, [])
        name, args = words[0].lower(), words[1:]
        handler = self._handlers.get(name)
        if handler is None:
            return self._unknown(words[0])
        try:
            reply = await handler(self.ctx, command, args)
        except StoreFull:
            # Each write is one transaction, and a command makes the change it was asked
            # for with its last write: the write that found no room left all as it was.
            log.error("command %r in %s: the database is full", command.text, command.channel)
            return error(
                "Nothing was changed: the database is full",
                "Whoever runs the bot needs to free disk space for its database;"
                " then try again.",
            )
        except Exception:
            log.exception("command %r in %s failed", command.text, command.channel)
            return error(
                "Something went wrong on our side",
                "The error was logged. Please try again in a moment.",
            )
        if self.ctx.synthetic and DEMO_LABEL not in reply.footnotes:
            reply = replace(reply, footnotes=(*reply.footnotes, DEMO_LABEL))
        return reply

    def _unknown(self, word: str) -> Message:
        close = difflib.get_close_matches(word.lower(), groups(), n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        return error(
            f"Unknown command '{word}'",
            f"Commands: {', '.join(groups())}.{hint}",
            usage="/momentum help",
        )
