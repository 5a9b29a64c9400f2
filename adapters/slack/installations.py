"""Multi-workspace install: bot tokens kept in Momentum's own database, OAuth states
signed instead of stored.

Installations live in the Store's named-state table (``get_state``/``set_state``), one
JSON value per workspace, so every backend that passes the Store contract keeps
installations too and no Slack-specific table or migration is needed. Only the bot token
is kept: the app asks for no user scopes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.core.store import Store

log = logging.getLogger(__name__)

_BOT_PREFIX = "slack.bot."
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


class SignedOAuthStates(AsyncOAuthStateStore):
    """The OAuth redirect's ``state`` (CSRF protection) as a signed, expiring token, so
    that no install page visit stores anything: ``{issued}.{nonce}.{mac}``, the MAC an
    HMAC-SHA256 of the first two parts keyed with the app's client secret, which every
    instance shares, so any instance can finish an install another one started.

    Bolt also sets the state in a cookie on the admin's browser, checks it against the
    redirect's, and deletes the cookie when the redirect is handled: a state is tied to
    one browser and used once, and an unsigned or expired one is refused here."""

    def __init__(
        self,
        secret: str,
        ttl_seconds: int = STATE_TTL_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = hashlib.sha256(b"momentum.slack.oauth_state:" + secret.encode()).digest()
        self._ttl = ttl_seconds
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    def _mac(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        payload = f"{int(self._clock())}.{secrets.token_urlsafe(16)}"
        return f"{payload}.{self._mac(payload)}"

    async def async_consume(self, state: str) -> bool:
        issued, _, rest = state.partition(".")
        nonce, _, mac = rest.partition(".")
        if not (issued.isascii() and issued.isdigit() and nonce and mac):
            return False
        if not hmac.compare_digest(self._mac(f"{issued}.{nonce}"), mac):
            return False
        return 0 <= self._clock() - int(issued) <= self._ttl
