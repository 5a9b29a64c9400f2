"""A fake OpenAI-compatible chat-completions server on loopback, for tests and the demo.

Its good answer is written from the facts in the request, as a model would; the other
behaviours are the ways a real model or server goes wrong. ``behaviour`` may be changed
between requests; ``requests`` records every body received. ``one_at_a_time`` answers
as a local server on one GPU does, queueing the rest; ``most_in_flight`` is the most
requests it held at once.
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
    "good", "wrong_number", "invented_repo", "invented_cause", "mention", "link", "garbage",
    "slow", "error",
]


class FakeChatServer(LoopbackServer):
    def __init__(self, behaviour: Behaviour = "good", *, api_key: str | None = None) -> None:
        self.behaviour: Behaviour = behaviour
        self.api_key = api_key
        self.slow_seconds = 5.0
        self.one_at_a_time = False
        self.requests: list[dict[str, Any]] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._turn = asyncio.Lock()

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
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.one_at_a_time:
                async with self._turn:
                    return await self._reply(body, facts)
            return await self._reply(body, facts)
        finally:
            self.in_flight -= 1

    async def _reply(self, body: dict[str, Any], facts: dict[str, Any]) -> web.Response:
        if self.behaviour == "error":
            return _error(500, "server_error", "The server had an error.")
        if self.behaviour == "slow":
            await self.answer_after(self.slow_seconds)
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
        """The lede's cascade (what, which, why, so what) and one line per mover, each
        figure as the facts round it."""
        lede = " ".join(
            part for part in (_what(facts), _which(facts), _why(facts), _so_what(facts))
            if part
        )
        movers: dict[str, str] = {}
        invented = False
        for mover in facts["movers"]:
            if self.behaviour == "wrong_number":
                mover = {**mover, "stars_per_day": round(mover["stars_per_day"] * 1.7 + 3, 1)}
            line = _mover_line(mover)
            if self.behaviour == "invented_cause" and mover["coincided_with"] is None:
                if not invented:
                    line = line.replace(
                        " Nothing in the data coincides.",
                        " It coincided with a surge of attention online.",
                    )
                invented = True
            movers[mover["repo"]] = line
        if self.behaviour == "invented_repo":
            lede += " Much of it echoes interest in someone/madeup-runtime."
        elif self.behaviour == "mention":
            lede += " @everyone take note."
        elif self.behaviour == "link":
            lede += " More at https://example.com/momentum."
        return {"lede": lede, "movers": movers}


def _what(facts: dict[str, Any]) -> str:
    listed, days = facts["list"], facts["window"]["days"]
    weekly = days == 7
    period = "this week" if weekly else f"over the last {days} days"
    before = "the week before" if weekly else f"the {days} days before"
    who = "The list's one repo" if listed["repos"] == 1 else f"The list's {listed['repos']} repos"
    text = f"{who} gained {listed['stars_per_day']} stars/day {period}, "
    change = listed["change_per_day"]
    if change == 0:
        return text + f"level with {before}."
    text += f"{'up' if change > 0 else 'down'} {abs(change)} stars/day"
    if listed["change_pct"] is not None:
        text += f" ({listed['change_pct']:+d}%)"
    text += f" from {before}"
    if listed["against_usual_swing"]:
        text += f", {listed['against_usual_swing']}"
    return text + "."


def _which(facts: dict[str, Any]) -> str:
    which = facts["which"]
    if which is None or facts["list"]["repos"] == 1:
        return ""
    repos = which["repos"]
    names = _and([repo["repo"] for repo in repos])
    if which.get("named_moved_more_than_the_list"):
        verb, back = ("rose", "fell") if which["direction"] == "rise" else ("fell", "rose")
        return (
            f"{names} {verb} by {abs(which['named_change_per_day'])} stars/day, more than "
            f"the whole list: the others {back} by {abs(which['others_change_per_day'])} "
            "stars/day in sum."
        )
    if len(repos) == 1:
        return f"{names} alone accounts for {which['share_of_change_pct']}% of the " \
            f"{which['direction']}."
    each = _and([f"{repo['share_of_change_pct']}%" for repo in repos])
    return (
        f"{names} account for {which['share_of_change_pct']}% of the "
        f"{which['direction']} ({each})."
    )


def _why(facts: dict[str, Any]) -> str:
    which = facts["which"]
    if which is None:
        return ""
    repos = which["repos"]
    if all(repo["coincided_with"] is None for repo in repos):
        return "Nothing in the data coincides with " + (
            "it." if len(repos) == 1 else "these moves."
        )
    clauses = []
    for repo in repos:
        noun = "rise" if repo["change_per_day"] > 0 else "fall"
        event = repo["coincided_with"]
        if event is None:
            clauses.append(f"nothing in the data coincides with {repo['repo']}'s {noun}")
            continue
        owner = "its" if len(repos) == 1 else f"{repo['repo']}'s"
        link = "coincided with" if noun == "rise" else "follows"
        where = "" if noun == "rise" else " in the window before"
        clause = f"{owner} {noun} {link} {_event_words(event)}{where} on {_day(event['date'])}"
        if event["lift"] is not None:
            clause += (
                f", after which stars ran {event['lift']}× their {event['baseline_days']}-day "
                f"baseline for {event['hours']} h"
            )
        clauses.append(clause)
    text = "; ".join(clauses)
    if text.startswith(("its ", "nothing ")):  # a repo's name keeps its case
        text = text[:1].upper() + text[1:]
    return text + "."


def _so_what(facts: dict[str, Any]) -> str:
    theme = facts["shared_theme"]
    if theme is None:
        return ""
    what = f"the {theme['name']} topic" if theme["kind"] == "topic" else (
        f"the language {theme['name']}"
    )
    moved = ""
    if theme["change_pct"] is not None:
        pct = theme["change_pct"]
        moved = ", level" if pct == 0 else f", {'up' if pct > 0 else 'down'} {abs(pct)}%"
    return (
        f"{_and(theme['repos'])} share {what}: together {theme['stars_per_day']} "
        f"stars/day{moved}."
    )


def _mover_line(mover: dict[str, Any]) -> str:
    rising = mover["direction"] == "accelerating"
    detail = [] if mover["change_pct"] is None else [f"{mover['change_pct']:+d}%"]
    if mover["usual_swing_pct"] is not None:
        detail.append(f"usual ±{mover['usual_swing_pct']}%")
    line = (
        f"{mover['repo']} ran at {mover['stars_per_day']} stars/day, "
        f"{'up' if rising else 'down'} from {mover['prior_stars_per_day']}"
        + (f" ({', '.join(detail)})" if detail else "")
    )
    move = mover["move"]
    if move is not None and move["words"]:
        line += f"; {move['words']}"
    line += "."
    event = mover["coincided_with"]
    if event is not None:
        named, when = _event_words(event), _day(event["date"])
        line += (
            f" It coincided with {named} on {when}" if rising
            else f" The window before held {named} on {when}"
        )
        if event["lift"] is not None:
            line += f", after which stars ran {event['lift']}× baseline for {event['hours']} h"
        if event.get("others"):
            line += f", with {event['others']} more events within 48 h of it"
        line += "."
    elif mover["nothing_coincides"]:
        line += " Nothing in the data coincides."
    return line


def _event_words(event: dict[str, Any]) -> str:
    title = f"“{event['title']}”"
    if event["kind"] == "release":
        named = "" if event["title"] == event["key"] else f" {title}"
        return f"the {event['key']} release{named}"
    if event["kind"] == "pull_request":
        return f"PR #{event['key']} {title}"
    if event["kind"] == "hn_story":
        size = [f"{event[key]} {key}" for key in ("points", "comments") if key in event]
        return "a Hacker News story" + (f" ({', '.join(size)})" if size else "") + f" {title}"
    source = f" in {event['source']}" if event.get("source") else ""
    return f"a feed item{source} {title}"


def _day(iso: str) -> str:
    when = date.fromisoformat(iso)
    return f"{when:%b} {when.day}"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response(
        {"error": {"message": message, "type": code, "param": None, "code": code}},
        status=status,
    )
