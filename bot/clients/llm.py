"""A client for an OpenAI-compatible chat-completions server (Ollama, llama.cpp's server,
vLLM, LM Studio all serve one), used only to word a briefing's facts.

One request per briefing, no retries: a model that is down or slow costs one timeout, and
the briefing goes out with its deterministic text on time. At most ``concurrency``
requests are in flight (a local server answers one or two at a time, the rest would queue
there unseen); a briefing's wait for a free slot counts against its own timeout, so many
briefings due in the same minute still each fall back and post on time.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

import httpx

# Local models answer a briefing in a few seconds; a reply larger than this is not prose.
MAX_RESPONSE_BYTES = 256 * 1024


class ModelError(Exception):
    """The model gave no usable answer; ``str()`` is one line saying why."""


@dataclass(frozen=True, slots=True)
class ModelSettings:
    base_url: str  # ends before /chat/completions, e.g. http://localhost:11434/v1
    model: str
    api_key: str | None = None
    timeout: float = 20.0
    concurrency: int = 2


class ChatModel:
    """Asks for one JSON object and returns it parsed; raises :class:`ModelError`."""

    def __init__(self, settings: ModelSettings, transport: httpx.AsyncBaseTransport | None = None):
        headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
        self.settings = settings
        self._http = httpx.AsyncClient(
            base_url=settings.base_url.rstrip("/") + "/",
            headers=headers,
            timeout=settings.timeout,
            transport=transport,
            follow_redirects=False,  # the key goes to the configured host and no other
        )
        self._slots = asyncio.Semaphore(settings.concurrency)

    async def close(self) -> None:
        await self._http.aclose()

    async def complete_json(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        body = {
            "model": self.settings.model,
            "messages": messages,
            "temperature": 0.2,
            "response_format": {"type": "json_object"},
            "stream": False,
        }
        asked = time.monotonic()
        waited: float | None = None  # until a slot is free
        try:
            # httpx's timeout bounds each read, not the whole answer: a server trickling
            # bytes would hold the briefing past it. The wait for a slot is inside it.
            async with asyncio.timeout(self.settings.timeout):
                async with self._slots:
                    waited = time.monotonic() - asked
                    response = await self._http.post("chat/completions", json=body)
        except (httpx.TimeoutException, TimeoutError):
            queued = waited if waited is not None else time.monotonic() - asked
            behind = (
                f", {queued:.1f} s of it waiting behind other briefings" if queued >= 0.05 else ""
            )
            raise ModelError(
                f"the model did not answer within {self.settings.timeout:g} s{behind}"
            ) from None
        except httpx.HTTPError as exc:
            raise ModelError(
                f"the model server could not be reached ({type(exc).__name__})"
            ) from None
        if response.status_code != 200:
            raise ModelError(f"the model server answered HTTP {response.status_code}")
        if len(response.content) > MAX_RESPONSE_BYTES:
            raise ModelError("the model's answer was too large")
        try:
            content = response.json()["choices"][0]["message"]["content"]
            parsed = json.loads(content)
        except (ValueError, KeyError, IndexError, TypeError):
            raise ModelError("the model's answer was not the JSON asked for") from None
        if not isinstance(parsed, dict):
            raise ModelError("the model's answer was not a JSON object")
        return parsed
