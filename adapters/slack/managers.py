"""Whether a Slack user holds the managing role (workspace admin or owner), per
``users.info``, remembered for a few minutes so a burst of commands costs one call."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

TTL_SECONDS = 300.0
MAX_ENTRIES = 10_000


class ManagerCache:
    def __init__(
        self, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        self._known: dict[tuple[str, str], tuple[float, bool]] = {}

    async def can_manage(self, client: AsyncWebClient, team: str, user: str) -> bool:
        key = (team, user)
        now = self._clock()
        cached = self._known.get(key)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        try:
            response = await client.users_info(user=user)
        except SlackApiError as exc:
            # Without an answer the user is treated as a member: the safe side of a
            # "managers only" workspace, and no change where everyone may manage.
            log.warning("users.info for %s in %s failed: %s", user, team, exc.response.get("error"))
            return False
        profile = response.get("user") or {}
        verdict = bool(profile.get("is_admin") or profile.get("is_owner"))
        if len(self._known) >= MAX_ENTRIES:
            self._known.clear()
        self._known[key] = (now, verdict)
        return verdict
