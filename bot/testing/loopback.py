"""What every fake server shares: an aiohttp app on 127.0.0.1 at a port the system picks."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from types import TracebackType
from typing import Self

from aiohttp import web


class LoopbackServer:
    """Serves :meth:`build_app` at :attr:`url` between :meth:`start` and :meth:`stop`
    (or as an async context manager). Subclasses describe only their routes."""

    url: str = ""
    _runner: web.AppRunner | None = None
    # Set on stop: handlers that hold a request open (slow answers) wait on it, so a stop
    # never waits out their delay.
    _closing: asyncio.Event


    def build_app(self) -> web.Application:
        raise NotImplementedError

    async def start(self) -> None:
        self._closing = asyncio.Event()
        runner = web.AppRunner(self.build_app(), access_log=None, shutdown_timeout=0.1)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(runner, sock).start()
        self._runner = runner
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"

    async def answer_after(self, seconds: float) -> None:
        """Wait ``seconds`` before answering (a slow server), or less if the server stops."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    async def stop(self) -> None:
        if self._runner is not None:
            self._closing.set()
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
