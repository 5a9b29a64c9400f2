"""The radar: young repositories outside a channel's list, rising in the list's themes.

A daily :func:`refresh_radar` searches GitHub for each theme any channel has and collects
the finds' daily stars; :func:`radar_picks` answers a channel from the store alone.
"""

from bot.features.radar.picks import RadarPick, radar_picks
from bot.features.radar.refresh import RadarRefresh, refresh_radar
from bot.features.radar.themes import RadarTheme, list_themes

__all__ = ["RadarPick", "RadarRefresh", "RadarTheme", "list_themes", "radar_picks",
           "refresh_radar"]
