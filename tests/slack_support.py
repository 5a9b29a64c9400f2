"""Helpers for Slack tests and benchmarks: slash commands and Events API callbacks, signed
as Slack signs them."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def command_body(
    text: str,
    *,
    response_url: str,
    team: str = "T_FAKE",
    channel: str = "C_GENERAL",
    user: str = "U_MEMBER",
) -> bytes:
    """A slash command's body: form-encoded, fields in the order Slack sends them."""
    fields = [
        ("token", "gIkuvaNzQIHg97ATvDxqgjtO"),
        ("team_id", team),
        ("team_domain", "example"),
        ("channel_id", channel),
        ("channel_name", "general"),
        ("user_id", user),
        ("user_name", user.lower()),
        ("command", "/momentum"),
        ("text", text),
        ("api_app_id", "A_FAKE"),
        ("is_enterprise_install", "false"),
        ("response_url", response_url),
        ("trigger_id", "13345224609.738474920.8088930838d88f008e0"),
    ]
    return urlencode(fields).encode()


def event_body(event: dict[str, Any], *, team: str = "T_FAKE") -> bytes:
    """An Events API ``event_callback`` wrapping ``event``, as JSON, the way Slack posts it
    to the request URL (``team_id`` names the workspace the event is about)."""
    wrapper = {
        "token": "XXYYZZ",
        "team_id": team,
        "api_app_id": "A_FAKE",
        "event": event,
        "type": "event_callback",
        "event_id": "Ev" + secrets.token_hex(5).upper(),
        "event_time": int(time.time()),
    }
    return json.dumps(wrapper).encode()


def signed_headers(
    body: bytes,
    *,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> dict[str, str]:
    """Slack's v0 scheme: HMAC-SHA256 of ``v0:{timestamp}:{body}`` with the signing secret."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + stamp.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }
