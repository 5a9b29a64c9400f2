"""Slash-command handling: :class:`Router` takes a ``Command`` and answers a ``Message``."""

from bot.features.commands.router import Router

__all__ = ["Router"]
