"""Multi-workspace install: bot tokens and OAuth states kept in Momentum's own database.

Both live in the Store's named-state table (``get_state``/``set_state``), one JSON value
per workspace, so every backend that passes the Store contract keeps installations too
and no Slack-specific table or migration is needed. Only the bot token is kept: the app
asks for no user scopes.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.core.store import Store

log = logging.getLogger(__name__)

_BOT_PREFIX = "slack.bot."
_STATE_PREFIX = "slack.oauth_state."
# A removed entry; the state table has no delete, and an empty value reads as "none".
_GONE = ""
STATE_TTL_SECONDS = 600


def _bot_key(enterprise_id: str | None, team_id: str | None, org_wide: bool | None) -> str:
    # An org-wide (Enterprise Grid) install is found by the enterprise alone.
    team = "-" if org_wide else (team_id or "-")
    return f"{_BOT_PREFIX}{enterprise_id or '-'}.{team}"


def _now() -> datetime:
    return datetime.now(UTC)


class StoreInstallationStore(AsyncInstallationStore):
    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        await self.async_save_bot(installation.to_bot())

    async def async_save_bot(self, bot: Bot) -> None:
        record: dict[str, Any] = {
            "app_id": bot.app_id,
            "enterprise_id": bot.enterprise_id,
            "enterprise_name": bot.enterprise_name,
            "team_id": bot.team_id,
            "team_name": bot.team_name,
            "bot_token": bot.bot_token,
            "bot_id": bot.bot_id,
            "bot_user_id": bot.bot_user_id,
            "bot_scopes": list(bot.bot_scopes or []),
            "is_enterprise_install": bool(bot.is_enterprise_install),
            "installed_at": bot.installed_at,
        }
        key = _bot_key(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        await self._store.set_state(key, json.dumps(record), _now())

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        value = await self._store.get_state(_bot_key(enterprise_id, team_id, is_enterprise_install))
        if not value:
            return None
        return Bot(**json.loads(value))

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        bot = await self.async_find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        if bot is None:
            return None
        return Installation(
            app_id=bot.app_id,
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            team_name=bot.team_name,
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes,
            user_id=user_id or "",
            is_enterprise_install=bot.is_enterprise_install,
            installed_at=bot.installed_at,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        # Slack's app_uninstalled / tokens_revoked events end here.
        for org_wide in (False, True):
            key = _bot_key(enterprise_id, team_id, org_wide)
            if await self._store.get_state(key):
                await self._store.set_state(key, _GONE, _now())

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if user_id is None:
            await self.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)


class StoreOAuthStateStore(AsyncOAuthStateStore):
    """One-time ``state`` values for the OAuth redirect (CSRF protection), in the database
    so that any instance can finish an install another one started."""

    def __init__(self, store: Store, ttl_seconds: int = STATE_TTL_SECONDS) -> None:
        self._store = store
        self._ttl = ttl_seconds

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(24)
        await self._store.set_state(_STATE_PREFIX + state, str(time.time()), _now())
        return state

    async def async_consume(self, state: str) -> bool:
        key = _STATE_PREFIX + state
        issued = await self._store.get_state(key)
        if not issued:
            return False
        await self._store.set_state(key, _GONE, _now())
        return time.time() - float(issued) <= self._ttl
