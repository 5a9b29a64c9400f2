"""Slash-command handling: :class:`Router` takes a ``Command`` and answers a ``Message``."""

from bot.commands.router import Router

__all__ = ["Router"]
