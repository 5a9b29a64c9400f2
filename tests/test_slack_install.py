"""Multi-workspace install: the OAuth flow against the fake Slack, installations kept in
a real store, then commands and posts in the new workspace with its own token.

The install flow runs over real HTTP (cookies and redirects are the point); other
requests are dispatched in-process to the app's HTTP edge. Tests run on SQLite, and
those that keep installations in the store on PostgreSQL too (see test_slack_app.py)."""

from __future__ import annotations

import collections
import contextlib
import re
import sqlite3
from collections.abc import AsyncIterator
from http.cookies import SimpleCookie
from pathlib import Path

import aiohttp
import pytest
from slack_sdk.oauth.installation_store.models.bot import Bot

from adapters.slack.app import BOT_SCOPES, NOT_INSTALLED_TEXT, UNINSTALLED_REASON, SlackAdapter
from adapters.slack.edge import INSTALL_PER_ADDRESS, HttpRequest
from adapters.slack.installations import SignedOAuthStates, StoreInstallationStore
from bot.core.adapter import ChannelUnavailable
from bot.core.command import ChannelKey
from bot.core.message import Message
from bot.core.settings import Settings
from bot.core.store import Store
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.testing.fake_slack import FakeSlack, Workspace
from storage.sqlite import SqliteStore
from tests.slack_support import SIGNING_SECRET, command_body, event_body, signed_headers
from tests.support import NOW, Clock, open_test_store

ON_BOTH_BACKENDS = pytest.mark.parametrize("store", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(params=["sqlite"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    async with open_test_store(request.param, tmp_path) as opened:
        yield opened


def _oauth_settings(slack: FakeSlack) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        SLACK_CLIENT_ID=slack.client_id,
        SLACK_CLIENT_SECRET=slack.client_secret,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        PORT=0,
    )


@pytest.fixture
async def oauth_app(store: Store, clock: Clock) -> AsyncIterator[tuple[FakeSlack, SlackAdapter]]:
    async with FakeSlack() as slack:
        settings = _oauth_settings(slack)
        adapter = SlackAdapter(
            settings,
            Router(Context(store, settings, clock)),
            store,
            host="127.0.0.1",
        )
        await adapter.start()
        try:
            yield slack, adapter
        finally:
            await adapter.close()


# slack_sdk 3.47 sends oauth.v2.access's client credentials with aiohttp.BasicAuth, which
# aiohttp 3.14 deprecates; harmless, and not ours to change.
@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
@ON_BOTH_BACKENDS
async def test_install_then_use_a_second_workspace(
    oauth_app: tuple[FakeSlack, SlackAdapter], store: Store
) -> None:
    slack, adapter = oauth_app
    base = f"http://127.0.0.1:{adapter.port}"
    acme = Workspace(team_id="T_ACME", bot_token="xoxb-acme", team_name="Acme")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/slack/install", allow_redirects=False) as page:
            assert page.status == 200
            html = await page.text()
            cookie = SimpleCookie(page.headers["Set-Cookie"])
        link = re.search(r'href="(http[^"]+/oauth/v2/authorize[^"]*)"', html)
        assert link is not None
        assert link[1].startswith(slack.url + "/oauth/v2/authorize?")
        state = re.search(r"state=([^&\"]+)", link[1])
        assert state is not None
        cookies = {name: morsel.value for name, morsel in cookie.items()}
        query = {"code": slack.oauth_code(acme), "state": state[1]}
        async with http.get(
            f"{base}/slack/oauth_redirect", params=query, cookies=cookies
        ) as done:
            assert done.status == 200, await done.text()

        bot = await StoreInstallationStore(store).async_find_bot(
            enterprise_id=None, team_id="T_ACME"
        )
        assert bot is not None
        assert bot.bot_token == "xoxb-acme"

        url = slack.response_url()
        body = command_body("watch add a/b", response_url=url, team="T_ACME")
        async with http.post(
            f"{base}/slack/events", data=body, headers=signed_headers(body)
        ) as response:
            assert response.status == 200
    await adapter.drain()
    [reply] = slack.replies_to(url)
    assert reply["blocks"][0]["text"]["text"] == "Watch list updated"
    assert {call.token for call in slack.calls_to("users.info")} == {"xoxb-acme"}

    await adapter.send(ChannelKey("slack", "T_ACME", "C_ACME"), Message(title="Briefing"))
    [post] = slack.calls_to("chat.postMessage")
    assert post.token == "xoxb-acme"


@ON_BOTH_BACKENDS
async def test_an_uninstall_forgets_that_workspace_and_pauses_its_channels(
    oauth_app: tuple[FakeSlack, SlackAdapter], store: Store
) -> None:
    _, adapter = oauth_app
    installations = StoreInstallationStore(store)
    for team in ("T_ACME", "T_BETA"):
        await installations.async_save_bot(
            Bot(
                app_id="A_FAKE", enterprise_id=None, team_id=team, bot_token=f"xoxb-{team}",
                bot_id="B1", bot_user_id="U_BOT", bot_scopes=list(BOT_SCOPES),
                installed_at=NOW.timestamp(),
            )
        )
        await store.add_channel(ChannelKey("slack", team, "C1"), NOW)

    body = event_body({"type": "app_uninstalled"}, team="T_ACME")
    headers = signed_headers(body, content_type="application/json")
    assert adapter.edge is not None
    answer = await adapter.edge.answer(HttpRequest("POST", "/slack/events", body, headers))
    assert answer.status == 200

    assert await installations.async_find_bot(enterprise_id=None, team_id="T_ACME") is None
    beta = await installations.async_find_bot(enterprise_id=None, team_id="T_BETA")
    assert beta is not None
    assert beta.bot_token == "xoxb-T_BETA"
    acme = await store.get_channel(ChannelKey("slack", "T_ACME", "C1"))
    assert acme is not None
    assert acme.paused_reason == UNINSTALLED_REASON
    other = await store.get_channel(ChannelKey("slack", "T_BETA", "C1"))
    assert other is not None
    assert other.paused_reason is None
    # A briefing already under way for the workspace finds no token and gives up cleanly.
    with pytest.raises(ChannelUnavailable, match="app_uninstalled"):
        await adapter.send(ChannelKey("slack", "T_ACME", "C1"), Message(title="Briefing"))


async def test_a_workspace_that_never_installed_is_refused(
    oauth_app: tuple[FakeSlack, SlackAdapter], store: Store
) -> None:
    slack, adapter = oauth_app
    url = slack.response_url()
    body = command_body("watch add a/b", response_url=url, team="T_STRANGER")
    assert adapter.edge is not None
    answer = await adapter.edge.answer(
        HttpRequest("POST", "/slack/events", body, signed_headers(body))
    )
    assert answer.status == 200
    await adapter.drain()
    [reply] = slack.replies_to(url)
    assert reply["text"] == NOT_INSTALLED_TEXT
    assert await store.get_channel(ChannelKey("slack", "T_STRANGER", "C_GENERAL")) is None
    assert slack.calls_to("users.info") == []


async def test_a_state_is_signed_and_expires() -> None:
    now = [1_800_000_000.0]
    states = SignedOAuthStates("client-secret", ttl_seconds=600, clock=lambda: now[0])
    state = await states.async_issue()
    assert await states.async_consume(state)
    now[0] += 600  # the TTL to the second: still good
    assert await states.async_consume(state)
    now[0] += 1
    assert not await states.async_consume(state)

    now[0] -= 601
    issued, nonce, mac = state.split(".")
    other = SignedOAuthStates("another-secret", clock=lambda: now[0])
    for forged in (
        f"{int(issued) + 1}.{nonce}.{mac}",  # a later issue time under the old MAC
        f"{issued}.{nonce}x.{mac}",
        await other.async_issue(),
        "never-issued",
        "1.2",
        "..",
    ):
        assert not await states.async_consume(forged), forged


async def test_install_page_visits_store_nothing_and_are_rate_limited(
    tmp_path: Path, clock: Clock
) -> None:
    store = await SqliteStore.open(tmp_path / "momentum.db")
    try:
        async with FakeSlack() as slack:
            settings = _oauth_settings(slack)
            router = Router(Context(store, settings, clock))
            adapter = SlackAdapter(settings, router, store, host="127.0.0.1")
            await adapter.start()
            try:
                rows_before = _state_rows(tmp_path / "momentum.db")
                statuses: collections.Counter[int] = collections.Counter()
                async with aiohttp.ClientSession() as http:
                    url = f"http://127.0.0.1:{adapter.port}/slack/install"
                    for _ in range(5_000):
                        async with http.get(url, allow_redirects=False) as page:
                            statuses[page.status] += 1
            finally:
                await adapter.close()
    finally:
        await store.close()
    # One address may load the page INSTALL_PER_ADDRESS (10) times a minute; the other
    # 4,990 visits are turned away, and none of the 5,000 writes a row.
    assert statuses == {200: INSTALL_PER_ADDRESS, 429: 5_000 - INSTALL_PER_ADDRESS}
    assert _state_rows(tmp_path / "momentum.db") == rows_before


def _state_rows(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as db:
        [(count,)] = db.execute("SELECT count(*) FROM app_state").fetchall()
    return int(count)


def test_the_manifests_ask_for_the_scopes_the_app_installs_with() -> None:
    folder = Path(__file__).resolve().parents[1] / "adapters" / "slack"
    for name in ("manifest.yml", "manifest-socket.yml"):
        text = (folder / name).read_text(encoding="utf-8")
        bot = text.split("    bot:\n", 1)[1].split("settings:", 1)[0]
        scopes = re.findall(r"^ {6}- ([a-z:]+)", bot, flags=re.M)
        assert tuple(scopes) == BOT_SCOPES, name
        assert "command: /momentum" in text
        events = text.split("    bot_events:\n", 1)[1]
        subscribed = re.findall(r"^ {6}- ([a-z_]+)", events, flags=re.M)
        assert subscribed == ["app_uninstalled", "tokens_revoked"], name
