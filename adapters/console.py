"""The console adapter: one local channel on a terminal or a pipe."""

from __future__ import annotations

import asyncio
import getpass
import sys
from typing import TextIO

from adapters.text import render_text
from bot.core.command import ChannelKey, Command, Platform
from bot.core.message import Message
from bot.features.commands import Router

CONSOLE_CHANNEL = ChannelKey("console", "local", "console")
PROMPT = "momentum> "
_COMMAND_NAMES = ("/momentum", "momentum")


class ConsoleAdapter:
    """Reads commands line by line (a REPL when the input is a terminal) and prints replies.

    The person at the console manages its channel: it is their own machine.
    """

    name: Platform = "console"

    def __init__(
        self,
        router: Router,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        user: str | None = None,
        banner: str | None = None,
    ) -> None:
        self._router = router
        self._in = stdin or sys.stdin
        self._out = stdout or sys.stdout
        self._user = user or _local_user()
        self._interactive = self._in.isatty()
        self._banner = banner
        self._closed = False

    async def start(self) -> None:
        if self._interactive:
            self._write(
                (self._banner + "\n" if self._banner else "")
                + "Type /momentum help for commands; Ctrl-D or 'quit' to leave.\n"
            )

    async def serve(self) -> None:
        while not self._closed:
            line = await self._read_line()
            if line is None:
                break
            text = command_text(line)
            if text is None:
                continue
            if self._interactive and text.lower() in {"quit", "exit"}:
                break
            answered = asyncio.Event()

            async def reply_later(message: Message, answered: asyncio.Event = answered) -> None:
                await answered.wait()
                await self.send(CONSOLE_CHANNEL, message)

            command = Command(
                CONSOLE_CHANNEL, self._user, can_manage=True, text=text, reply_later=reply_later
            )
            try:
                await self.send(CONSOLE_CHANNEL, await self._router.handle(command))
            finally:
                answered.set()

    async def send(self, channel: ChannelKey, message: Message) -> str | None:
        self._write(render_text(message) + "\n\n")
        return None

    async def close(self) -> None:
        self._closed = True

    async def _read_line(self) -> str | None:
        if self._interactive:
            try:
                return await asyncio.to_thread(input, PROMPT)
            except EOFError:
                self._write("\n")
                return None
        line = await asyncio.to_thread(self._in.readline)
        return line or None

    def _write(self, text: str) -> None:
        self._out.write(text)
        self._out.flush()


def command_text(line: str) -> str | None:
    """The words after ``/momentum`` (which may be left out); None for blanks and comments."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    first, _, rest = text.partition(" ")
    if first.lower() in _COMMAND_NAMES:
        return rest.strip()
    return text


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "console"
