"""A fake OpenAI-compatible chat-completions server on loopback, for tests and the demo.

Its good answer is written from the facts in the request, as a model would; the other
behaviours are the ways a real model or server goes wrong. ``behaviour`` may be changed
between requests; ``requests`` records every body received.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import date
from typing import Any, Literal

from aiohttp import web

from bot.testing.loopback import LoopbackServer

Behaviour = Literal[
    "good", "wrong_number", "invented_repo", "mention", "link", "garbage", "slow", "error"
]


class FakeChatServer(LoopbackServer):
    def __init__(self, behaviour: Behaviour = "good", *, api_key: str | None = None) -> None:
        self.behaviour: Behaviour = behaviour
        self.api_key = api_key
        self.slow_seconds = 5.0
        self.requests: list[dict[str, Any]] = []

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._complete)
        return app

    async def _complete(self, request: web.Request) -> web.Response:
        if self.api_key is not None and request.headers.get("Authorization") != (
            f"Bearer {self.api_key}"
        ):
            return _error(401, "invalid_api_key", "Incorrect API key provided.")
        try:
            body = await request.json()
            facts = json.loads(body["messages"][-1]["content"].split("\n", 1)[1])
        except (ValueError, KeyError, IndexError, TypeError):
            return _error(400, "invalid_request_error", "Could not parse the request.")
        self.requests.append(body)
        if self.behaviour == "error":
            return _error(500, "server_error", "The server had an error.")
        if self.behaviour == "slow":
            await asyncio.sleep(self.slow_seconds)
        content = (
            "here is your summary: {lede"
            if self.behaviour == "garbage"
            else (json.dumps(self._answer(facts)))
        )
        return web.json_response(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", ""),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            }
        )

    def _answer(self, facts: dict[str, Any]) -> dict[str, Any]:
        listed = facts["list"]
        days = facts["window"]["days"]
        period = "this week" if days == 7 else f"in the last {days} days"
        lede = (
            f"The {listed['repos']} repos on this list gathered {listed['stars_per_day']} "
            f"stars/day {period}, against {listed['prior_stars_per_day']} before."
        )
        if listed["change_pct"] is not None:
            lede = lede[:-1] + f", a change of {abs(listed['change_pct'])}%."
        movers: dict[str, str] = {}
        for mover in facts["movers"]:
            velocity = mover["stars_per_day"]
            if self.behaviour == "wrong_number":
                velocity = round(velocity * 1.7 + 3, 1)
            line = (
                f"{mover['repo']} ran at {velocity} stars/day, "
                f"against {mover['prior_stars_per_day']} the window before."
            )
            event = mover["coincided_with"]
            if event is not None:
                when = date.fromisoformat(event["date"])
                line += (
                    f" It coincided with “{event['title']}” on {when:%b} {when.day}, "
                    f"after which stars ran {event['lift']}× baseline."
                )
            movers[mover["repo"]] = line
        if self.behaviour == "invented_repo":
            lede += " Much of it echoes interest in someone/madeup-runtime."
        elif self.behaviour == "mention":
            lede += " @everyone take note."
        elif self.behaviour == "link":
            lede += " More at https://example.com/momentum."
        return {"lede": lede, "movers": movers}


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response(
        {"error": {"message": message, "type": code, "param": None, "code": code}},
        status=status,
    )
