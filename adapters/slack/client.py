"""The Web API client every Slack call goes through."""

from __future__ import annotations

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient


def retry_handlers() -> list[AsyncRetryHandler]:
    # 429s wait for Retry-After (Slack rate-limits per method and workspace); dropped
    # connections are retried a couple of times before a post is given up.
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
    ]


def web_client(
    base_url: str, token: str | None, session: aiohttp.ClientSession | None
) -> AsyncWebClient:
    return AsyncWebClient(
        token=token, base_url=base_url, session=session, retry_handlers=retry_handlers()
    )


def webhook_client(url: str, session: aiohttp.ClientSession | None) -> AsyncWebhookClient:
    return AsyncWebhookClient(url, session=session, retry_handlers=retry_handlers())
