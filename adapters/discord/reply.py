"""Answering an interaction: at once when the core is quick, else deferred then edited."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import discord

from adapters.discord.render import render
from bot.core.message import Audience, Message

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
    rendered = render(message)
    # Interaction tokens last 15 minutes, so a slow answer still lands in the same reply.
    await interaction.edit_original_response(
        embeds=rendered.embeds, attachments=rendered.files, allowed_mentions=NO_MENTIONS
    )


async def reply_now(interaction: discord.Interaction, message: Message) -> None:
    rendered = render(message)
    await interaction.response.send_message(
        embeds=rendered.embeds,
        files=rendered.files,
        ephemeral=message.audience == "requester",
        allowed_mentions=NO_MENTIONS,
    )


async def follow_up(interaction: discord.Interaction, message: Message) -> None:
    """A second answer to the same interaction, seen by whoever saw the first."""
    rendered = render(message)
    await interaction.followup.send(
        embeds=rendered.embeds,
        files=rendered.files,
        ephemeral=message.audience == "requester",
        allowed_mentions=NO_MENTIONS,
    )
