"""Answering an interaction: at once when the core is quick, else deferred then edited.

Messages for the whole channel (briefings) go as Components V2 (``layout.py``) when they
fit; Discord's 400 for the layout falls back to the embeds (``render.py``) at once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import discord

from adapters.discord.layout import Layout, layout
from adapters.discord.render import Rendered, render
from bot.core.message import Audience, Message

log = logging.getLogger(__name__)
T = TypeVar("T")

NO_MENTIONS = discord.AllowedMentions.none()
# Discord shows the user an error when an interaction is not answered within 3 seconds;
# past this much of it the answer is deferred (a "thinking…" reply) and edited later.
ANSWER_WITHIN = 2.0


async def answer(
    interaction: discord.Interaction,
    work: Awaitable[Message],
    *,
    audience: Audience = "requester",
    within: float = ANSWER_WITHIN,
) -> None:
    """Runs ``work`` and answers with its message, deferring if it is slow.

    ``audience`` decides whether a deferral is ephemeral; it must be chosen before the
    message exists, so each command declares it.
    """
    task = asyncio.ensure_future(work)
    try:
        done, _ = await asyncio.wait({task}, timeout=within)
        if task in done:
            await reply_now(interaction, task.result())
            return
        await interaction.response.defer(ephemeral=audience == "requester", thinking=True)
        message = await task
    finally:
        task.cancel()
    # Interaction tokens last 15 minutes, so a slow answer still lands in the same reply.
    await with_fallback(
        message,
        lambda shown: interaction.edit_original_response(
            view=shown.view, attachments=shown.files, allowed_mentions=NO_MENTIONS
        ),
        lambda rendered: interaction.edit_original_response(
            embeds=rendered.embeds, attachments=rendered.files, allowed_mentions=NO_MENTIONS
        ),
    )


async def reply_now(interaction: discord.Interaction, message: Message) -> None:
    await _send(interaction.response.send_message, message)


async def follow_up(interaction: discord.Interaction, message: Message) -> None:
    """A second answer to the same interaction, seen by whoever saw the first."""
    await _send(interaction.followup.send, message)


async def _send(send: Callable[..., Awaitable[object]], message: Message) -> None:
    """Through an interaction's first response or a follow-up: both take the same form."""
    ephemeral = message.audience == "requester"
    await with_fallback(
        message,
        lambda shown: send(
            view=shown.view, files=shown.files, ephemeral=ephemeral,
            allowed_mentions=NO_MENTIONS,
        ),
        lambda rendered: send(
            embeds=rendered.embeds, files=rendered.files, ephemeral=ephemeral,
            allowed_mentions=NO_MENTIONS,
        ),
    )


async def with_fallback(
    message: Message,
    send_layout: Callable[[Layout], Awaitable[T]],
    send_embeds: Callable[[Rendered], Awaitable[T]],
) -> T:
    """Sends a channel message as Components V2 when it fits, else (or when Discord
    answers 400 for it) as embeds; a requester's answer as embeds."""
    shown = layout(message) if message.audience == "channel" else None
    if shown is not None:
        try:
            return await send_layout(shown)
        except discord.HTTPException as exc:
            if exc.status != 400:
                raise
            log.warning("Discord refused the Components V2 layout (%s); sending embeds", exc.text)
    # Fresh files: a send closes the ones it was given.
    return await send_embeds(render(message))
