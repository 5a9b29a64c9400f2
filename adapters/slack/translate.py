"""Slack payloads in, neutral types out; neutral replies in, Slack payloads out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.slack.render import render
from bot.core.command import ChannelKey, Command
from bot.core.message import Message

COMMAND_NAME = "/momentum"


def channel_of(body: Mapping[str, Any]) -> ChannelKey:
    return ChannelKey("slack", str(body["team_id"]), str(body["channel_id"]))


def command_from(body: Mapping[str, Any], *, can_manage: bool) -> Command:
    """A slash command's form fields as a :class:`Command` (``text`` is the words after
    the command name, as Slack sends them)."""
    return Command(
        channel=channel_of(body),
        user=str(body["user_id"]),
        can_manage=can_manage,
        text=str(body.get("text") or "").strip(),
    )


def response_payload(
    message: Message, *, native: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """What goes to a slash command's ``response_url``: answers only the requester sees,
    or a post the whole channel sees (briefings). ``native``: the newer block types the
    workspace takes."""
    response_type = "in_channel" if message.audience == "channel" else "ephemeral"
    # A response_url cannot carry an uploaded file (an ephemeral message cannot show a
    # private one): the chart is Slack's own data_visualization where it can be, else
    # described in a context line.
    rendered = render(message, chart_note=True, native=native)
    return {"response_type": response_type, **rendered.payload()}
