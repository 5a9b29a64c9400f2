"""Briefing prose from a channel's own language model, kept only when it states nothing
the data does not hold (see :mod:`bot.features.prose.verify`)."""

from bot.features.prose.facts import ProseFacts, facts_from_briefing
from bot.features.prose.writer import Prose, word_briefing, write_prose

__all__ = ["Prose", "ProseFacts", "facts_from_briefing", "word_briefing", "write_prose"]
