"""A host that is not GitHub, for redirects that leave it: it answers every request with
404 and keeps the headers each one arrived with, so a test can see what was handed over."""

from __future__ import annotations

from aiohttp import web

from bot.testing.loopback import LoopbackServer


class OtherHost(LoopbackServer):
    """Another origin on loopback (its own port). :attr:`seen` holds, per request, its
    path and headers (names lowercased)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, str]]] = []

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._any)
        return app

    async def _any(self, request: web.Request) -> web.Response:
        self.seen.append((request.path, {k.lower(): v for k, v in request.headers.items()}))
        return web.json_response({"message": "Not Found"}, status=404)
