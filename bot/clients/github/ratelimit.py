"""GitHub's rate-limit figures, from ``X-RateLimit-*`` headers or GraphQL ``rateLimit``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class RateLimit:
    resource: str  # "core" (REST) or "graphql"
    limit: int
    remaining: int
    reset_at: datetime
    used: int = 0


def from_headers(headers: Mapping[str, str]) -> RateLimit | None:
    try:
        return RateLimit(
            resource=headers.get("x-ratelimit-resource", "core"),
            limit=int(headers["x-ratelimit-limit"]),
            remaining=int(headers["x-ratelimit-remaining"]),
            reset_at=datetime.fromtimestamp(int(headers["x-ratelimit-reset"]), UTC),
            used=int(headers.get("x-ratelimit-used", 0)),
        )
    except (KeyError, ValueError):
        return None


def from_graphql(data: Mapping[str, object]) -> RateLimit | None:
    try:
        reset = str(data["resetAt"]).replace("Z", "+00:00")
        return RateLimit(
            resource="graphql",
            limit=int(str(data.get("limit", 0))),
            remaining=int(str(data["remaining"])),
            reset_at=datetime.fromisoformat(reset),
            used=int(str(data.get("used", 0))),
        )
    except (KeyError, ValueError):
        return None


def from_rate_limit_body(body: Mapping[str, object]) -> dict[str, RateLimit]:
    """``GET /rate_limit``'s ``resources`` (that call itself is free)."""
    found: dict[str, RateLimit] = {}
    resources = body.get("resources")
    if not isinstance(resources, Mapping):
        return found
    for name, figures in resources.items():
        try:
            found[str(name)] = RateLimit(
                resource=str(name),
                limit=int(figures["limit"]),
                remaining=int(figures["remaining"]),
                reset_at=datetime.fromtimestamp(int(figures["reset"]), UTC),
                used=int(figures.get("used", 0)),
            )
        except (KeyError, TypeError, ValueError):
            continue
    return found
