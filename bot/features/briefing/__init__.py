"""The briefing: what a watch list did over a window, composed once, rendered everywhere.

``compose`` reads the store into a :class:`Briefing` (figures only); ``briefing_message``
turns it into the ``Message`` every adapter renders; ``briefing_json`` into plain data.
"""

from bot.features.briefing.compose import compose
from bot.features.briefing.model import Briefing, Coincidence, RepoFigures, Theme

__all__ = ["Briefing", "Coincidence", "RepoFigures", "Theme", "compose"]
