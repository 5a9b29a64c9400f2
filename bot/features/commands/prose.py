"""``/momentum prose [on|off]``: whether this channel's briefings are worded by the
deployment's language model, and how that went lately."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.core.command import Command
from bot.core.message import Message, Section, error
from bot.core.store import ChannelSettings, Delivery
from bot.features.access import MANAGER_ROLE
from bot.features.commands.context import Context
from bot.features.commands.help import usage_error

# What the status counts: a month of briefings, 31 at most for a daily schedule.
COUNTED = timedelta(days=30)
NO_MODEL = (
    "No model is configured for this deployment: whoever runs the bot sets "
    "MOMENTUM_LLM_URL and MOMENTUM_LLM_MODEL (an OpenAI-compatible server such as Ollama "
    "or llama.cpp's) first."
)
CHECKED = (
    "The model words the lede and the movers' lines from the briefing's figures; its text "
    "is posted only when every number, repo name and date in it is one of them, and the "
    "briefing's own text is posted otherwise."
)


async def prose_command(ctx: Context, command: Command, args: list[str]) -> Message:
    channel = await ctx.store.get_channel(command.channel)
    settings = channel.settings if channel else ChannelSettings()
    if not args:
        line = await prose_status(ctx, command, settings)
        return Message(title="Briefing prose", sections=(Section(text=line),))
    words = [word.lower() for word in args]
    if words not in (["on"], ["off"]):
        return usage_error("Choose 'on' or 'off'", "prose")
    on = words == ["on"]
    if on and not ctx.settings.llm_configured:
        return error("Prose can't be turned on: no model configured", NO_MODEL)
    if not command.can_manage:
        return error(
            "You can't change this channel's briefing prose",
            f"Only {MANAGER_ROLE[command.channel.platform]} can.",
        )
    await ctx.store.add_channel(command.channel, ctx.now())
    await ctx.store.save_channel_settings(command.channel, replace(settings, prose=on))
    if not on:
        return Message(
            title="Briefing prose turned off",
            sections=(Section(text="Briefings here use their own text again."),),
        )
    return Message(title="Briefing prose turned on", sections=(Section(text=CHECKED),))


async def prose_status(ctx: Context, command: Command, settings: ChannelSettings) -> str:
    """The channel's prose in one line, with the last month's briefings: how many used
    the model's text and how many fell back to their own, and why the latest did."""
    if not settings.prose:
        return "off" if ctx.settings.llm_configured else "off (no model configured)"
    if not ctx.settings.llm_configured:
        return "on, but no model is configured: briefings use their own text"
    recent = await ctx.store.recent_deliveries(command.channel, 40)
    return "on · " + _counts(recent, ctx.now() - COUNTED)


def _counts(recent: list[Delivery], since: datetime) -> str:
    counted = [d for d in recent if d.claimed_at >= since and d.text in ("model", "fallback")]
    used = sum(1 for delivery in counted if delivery.text == "model")
    fell_back = [delivery for delivery in counted if delivery.text == "fallback"]
    if not counted:
        return "no briefing worded in the last 30 days yet"
    line = f"{used} used, {len(fell_back)} fell back"
    if fell_back:
        # Newest first, as recent_deliveries gives them.
        line += f" (latest: {fell_back[0].text_note or 'no reason recorded'})"
    return line + " in the last 30 days"
