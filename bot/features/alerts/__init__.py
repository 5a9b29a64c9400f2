"""Spike alerts between briefings: a watched repo's last 24 hours against its usual pace.

:func:`pending_alerts` is called after each collection; it records what it returns as
sent, so a spike is announced once and again only after the repo has fallen back.
"""

from bot.features.alerts.pending import MILESTONES, pending_alerts
from bot.features.alerts.spikes import Reading, last_24_hours

__all__ = ["MILESTONES", "Reading", "last_24_hours", "pending_alerts"]
