"""Posting a message to a channel: the chart in the same message, native blocks where the
workspace takes them.

The chart is a ``data_visualization`` block when the workspace takes that block and the
chart's data fits it; otherwise its PNG is uploaded first, completed without a channel
(so no separate file message appears), and shown by an ``image`` block that references
the file. If Slack answers ``invalid_blocks`` because of a newer block type
(``data_visualization``, ``data_table``), the fallback (the PNG, the ``table`` block) is
posted at once and the refusal remembered for the workspace, in the Store's named state,
so later posts go straight to the fallback (for 30 days, then the newer block is tried
again). Slack completes an upload asynchronously: an image block naming a file not yet
ready is refused, so it is tried once more after a moment, then posted without the image
rather than not at all; so is a message whose upload failed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.render import (
    DATA_VISUALIZATION,
    MAX_IMAGE_TEXT,
    NATIVE_TYPES,
    native_chart,
    render,
)
from bot.core.message import Chart, Message
from bot.core.store import Store

log = logging.getLogger(__name__)

_STATE_PREFIX = "slack.refused_blocks."
_POINTER = re.compile(r"\[json-pointer:(/(?:attachments/(\d+)/)?blocks/(\d+))")
# How long an image block waits for its file once Slack said it was not ready.
FILE_READY_WAIT = 1.0
RETRY_AFTER = timedelta(days=30)


class BlockSupport:
    """Which newer block types each workspace refused, and when, kept in the Store. A
    refusal is trusted for :data:`RETRY_AFTER`: Slack rolls blocks out a workspace at a
    time, so after that the newer block is tried again (one refused post at most)."""

    def __init__(
        self, store: Store, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._store = store
        self._clock = clock
        self._known: dict[str, dict[str, datetime]] = {}

    async def refused(self, workspace: str) -> frozenset[str]:
        since = self._clock() - RETRY_AFTER
        return frozenset(
            kind for kind, when in (await self._refusals(workspace)).items() if when > since
        )

    async def refuse(self, workspace: str, types: frozenset[str]) -> None:
        known = dict(await self._refusals(workspace))
        now = self._clock()
        known.update((kind, now) for kind in types)
        self._known[workspace] = known
        value = json.dumps({kind: when.isoformat() for kind, when in sorted(known.items())})
        await self._store.set_state(_STATE_PREFIX + workspace, value, now)
        log.warning("Slack: workspace %s refused %s; using the fallback", workspace,
                    ", ".join(sorted(types)))

    async def _refusals(self, workspace: str) -> dict[str, datetime]:
        if workspace not in self._known:
            raw = await self._store.get_state(_STATE_PREFIX + workspace)
            stored = json.loads(raw) if raw else {}
            self._known[workspace] = {
                str(kind): datetime.fromisoformat(str(when)) for kind, when in stored.items()
            }
        return self._known[workspace]


async def upload_chart(client: AsyncWebClient, chart: Chart) -> str:
    """The file id of the chart's PNG, uploaded and completed without a channel: private
    to the bot until a message shows it. (files.upload was retired in Nov 2025;
    files_upload_v2 is getUploadURLExternal → upload → completeUploadExternal.)"""
    response = await client.files_upload_v2(
        file=chart.png,
        filename=chart.filename,
        title=chart.title or chart.filename,
        alt_txt=chart.alt_text[:MAX_IMAGE_TEXT],
    )
    files = response.get("files") or [response.get("file")]
    return str(files[0]["id"])


async def post_message(
    client: AsyncWebClient,
    channel: str,
    message: Message,
    *,
    workspace: str,
    support: BlockSupport,
    file_wait: float = FILE_READY_WAIT,
    pace: Callable[[], Awaitable[None]] | None = None,
) -> AsyncSlackResponse:
    """``chat.postMessage`` of ``message``, with its chart, falling back as the module
    says; ``file_wait``: how long a refused image's file is waited for; ``pace``: awaited
    before each ``chat.postMessage`` (a scheduled post's turn in the workspace's rate).
    Raises SlackApiError for every other refusal."""
    native = NATIVE_TYPES - await support.refused(workspace)
    file_id: str | None = None
    image_waited = False
    while True:
        chart = message.chart
        if chart is not None and file_id is None and not image_waited and not _drawn_natively(
            chart, native
        ):
            try:
                file_id = await upload_chart(client, chart)
            except SlackApiError as exc:
                # The briefing matters more than its picture: it goes without.
                log.warning("Slack: the chart upload failed (%s); posting without it",
                            exc.response.get("error"))
                image_waited = True
        payload = render(message, native=native, chart_file=file_id).payload()
        try:
            if pace is not None:
                await pace()
            return await client.chat_postMessage(channel=channel, **payload)
        except SlackApiError as exc:
            if exc.response.get("error") != "invalid_blocks":
                raise
            blamed = blamed_types(exc.response.get("errors"), payload)
            used = {block["type"] for block in _all_blocks(payload)} & native
            # Errors that point nowhere known are laid on every newer type used.
            newer = frozenset(blamed & used if blamed else used)
            if newer:
                await support.refuse(workspace, newer)
                native -= newer
                continue
            if "image" in blamed and file_id is not None:
                if image_waited:
                    log.warning("Slack: file %s still refused; posting without it", file_id)
                    file_id = None
                    continue
                image_waited = True
                await asyncio.sleep(file_wait)
                continue
            raise


def _drawn_natively(chart: Chart, native: frozenset[str]) -> bool:
    return DATA_VISUALIZATION in native and native_chart(chart) is not None


def blamed_types(errors: object, payload: dict[str, Any]) -> set[str]:
    """The types of the blocks Slack's ``errors`` point at (``[json-pointer:/blocks/3…]``)."""
    blamed: set[str] = set()
    for error in errors if isinstance(errors, list) else []:
        for match in _POINTER.finditer(str(error)):
            attachment, number = match[2], int(match[3])
            if attachment is None:
                blocks = payload.get("blocks") or []
            else:
                attachments = payload.get("attachments") or []
                index = int(attachment)
                blocks = attachments[index].get("blocks", []) if index < len(attachments) else []
            if number < len(blocks):
                blamed.add(str(blocks[number]["type"]))
    return blamed


def _all_blocks(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        *(payload.get("blocks") or []),
        *(b for a in payload.get("attachments") or [] for b in a.get("blocks", [])),
    ]
