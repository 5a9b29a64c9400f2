"""Helpers for Slack tests and benchmarks: slash commands signed as Slack signs them."""

from __future__ import annotations

import hashlib
import hmac
import time
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


def signed_headers(
    body: bytes, *, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """Slack's v0 scheme: HMAC-SHA256 of ``v0:{timestamp}:{body}`` with the signing secret."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + stamp.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }
