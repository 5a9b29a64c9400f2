"""GitHub's rate-limit figures, from ``X-RateLimit-*`` headers or GraphQL ``rateLimit``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError

from bot.clients.github import wire
from bot.clients.github.errors import UnexpectedResponse


@dataclass(frozen=True, slots=True)
class RateLimit:
    resource: str  # "core" (REST) or "graphql"
    limit: int
    remaining: int
    reset_at: datetime
    used: int = 0


_HEADER = "x-ratelimit-"


def from_headers(headers: Mapping[str, str]) -> RateLimit | None:
    """None when the answer carries no figures (GitHub Enterprise Server with rate limits
    off); :class:`UnexpectedResponse` when it carries figures that cannot be true."""
    if _HEADER + "limit" not in headers:
        return None
    fields = {name: headers[_HEADER + name]
              for name in ("resource", "limit", "remaining", "reset", "used")
              if _HEADER + name in headers}
    try:
        figures = wire.RateHeaders.model_validate(fields)
    except ValidationError as error:
        raise UnexpectedResponse(
            200, f"GitHub's rate-limit headers are malformed ({wire.reason(error)})"
        ) from None
    return RateLimit(figures.resource, figures.limit, figures.remaining,
                     datetime.fromtimestamp(figures.reset, UTC), figures.used)


def from_graphql(figures: wire.GqlRateLimit) -> RateLimit:
    return RateLimit("graphql", figures.limit, figures.remaining,
                     figures.resetAt.astimezone(UTC), figures.used)


def from_rate_limit_body(body: wire.RateLimitAnswer) -> dict[str, RateLimit]:
    """``GET /rate_limit``'s ``resources`` (that call itself is free)."""
    return {
        name: RateLimit(name, figures.limit, figures.remaining,
                        datetime.fromtimestamp(figures.reset, UTC), figures.used)
        for name, figures in body.resources.items()
    }
