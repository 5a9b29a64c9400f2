"""The Slack adapter in HTTP mode: signed slash commands and events into the running app,
replies at a fake ``response_url``, posts to a fake Web API on loopback, and a real store.

Most requests are dispatched in-process to the app's HTTP edge, as bolt-python's own
tests dispatch signed requests to the app; those whose point is the wire (the ack's
speed, megabyte bodies, the port itself) go over real HTTP (``over_http=True``). Most
tests run on SQLite: what the adapter asks of the store is the Store contract, which its
own suite checks on every backend; the tests that lean on the store hardest also run on
PostgreSQL (``ON_BOTH_BACKENDS``)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.slack.app import (
    BUSY_TEXT,
    FOREIGN_WORKSPACE_TEXT,
    REVOKED_REASON,
    UNINSTALLED_REASON,
    SlackAdapter,
)
from adapters.slack.edge import HttpRequest
from bot.core.adapter import ChannelUnavailable
from bot.core.command import ChannelKey
from bot.core.message import Chart, Message, Section, Table
from bot.core.repo_ref import RepoRef
from bot.core.settings import Settings, SettingsError
from bot.core.store import Snapshot, Store
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.testing.fake_slack import FakeSlack
from tests.slack_support import SIGNING_SECRET, command_body, event_body, signed_headers
from tests.support import NOW, Clock, open_test_store

CHANNEL = ChannelKey("slack", "T_FAKE", "C_GENERAL")


def slack_settings(slack: FakeSlack, **more: Any) -> Settings:
    values: dict[str, Any] = {
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "PORT": 0,
        **more,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def _adapter(settings: Settings, store: Store, clock: Clock, **more: Any) -> SlackAdapter:
    return SlackAdapter(
        settings, Router(Context(store, settings, clock)), store, host="127.0.0.1", **more
    )


ON_BOTH_BACKENDS = pytest.mark.parametrize("store", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(params=["sqlite"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    async with open_test_store(request.param, tmp_path) as opened:
        yield opened


@dataclass
class Workspace:
    """A Slack workspace as a test sees it: the fake Web API, the app, the store."""

    slack: FakeSlack
    adapter: SlackAdapter
    store: Store

    async def post(
        self, body: bytes, headers: dict[str, str], *, over_http: bool = False
    ) -> tuple[int, str, float]:
        """Posts to ``/slack/events``; returns the status, the body and the seconds taken."""
        started = time.perf_counter()
        if over_http:
            url = f"http://127.0.0.1:{self.adapter.port}/slack/events"
            async with (
                aiohttp.ClientSession() as http,
                http.post(url, data=body, headers=headers) as response,
            ):
                status, text = response.status, await response.text()
        else:
            assert self.adapter.edge is not None
            request = HttpRequest("POST", "/slack/events", body, headers, remote="127.0.0.1")
            answer = await self.adapter.edge.answer(request)
            status, text = answer.status, answer.body
        return status, text, time.perf_counter() - started

    async def event(self, event: dict[str, Any], *, team: str = "T_FAKE") -> int:
        """Posts a signed Events API callback as Slack would; returns the HTTP status."""
        body = event_body(event, team=team)
        status, _, _ = await self.post(
            body, signed_headers(body, content_type="application/json")
        )
        return status

    async def command(self, text: str, *, user: str = "U_MEMBER") -> dict[str, Any]:
        """Runs ``/momentum text`` as Slack would and returns what reached response_url."""
        url = self.slack.response_url()
        body = command_body(text, response_url=url, user=user)
        status, _, _ = await self.post(body, signed_headers(body))
        assert status == 200
        await self.adapter.drain()
        [reply] = self.slack.replies_to(url)
        return reply


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(admins={"U_ADMIN"}) as fake:
        yield fake


@pytest.fixture
async def workspace(slack: FakeSlack, store: Store, clock: Clock) -> AsyncIterator[Workspace]:
    settings = slack_settings(slack)
    adapter = _adapter(settings, store, clock)
    await adapter.start()
    try:
        yield Workspace(slack, adapter, store)
    finally:
        await adapter.close()


def _header(payload: dict[str, Any]) -> str:
    return str(payload["blocks"][0]["text"]["text"])


def _all_text(payload: dict[str, Any]) -> str:
    return str(payload["text"])


@ON_BOTH_BACKENDS
async def test_a_signed_command_is_acked_fast_and_answered_at_response_url(
    workspace: Workspace,
) -> None:
    url = workspace.slack.response_url()
    body = command_body("watch add vllm-project/vllm", response_url=url)
    status, text, elapsed = await workspace.post(body, signed_headers(body), over_http=True)
    assert status == 200
    assert text == ""  # an empty ack: the answer follows through response_url
    assert elapsed < 1.0  # Slack allows 3 s

    [reply] = await workspace.slack.wait_for("response_url")
    assert reply.params["response_type"] == "ephemeral"
    assert _header(dict(reply.params)) == "Watch list updated"
    assert "Added 1 repo: vllm-project/vllm." in _all_text(dict(reply.params))
    watched = await workspace.store.watch_list(CHANNEL)
    assert [str(item.repo.ref) for item in watched] == ["vllm-project/vllm"]
    assert watched[0].added_by == "U_MEMBER"


async def test_repo_answers_with_figures_from_the_store(workspace: Workspace) -> None:
    ref = RepoRef.parse("vllm-project/vllm")
    repo = await workspace.store.add_repo(ref, NOW)
    today = NOW.date()
    # 10 stars on each of the 7 days before today, 5 on each of the 7 before those:
    # velocity 70 / 7 = 10.0/day from 35 / 7 = 5.0/day, acceleration +5.0 (+100%).
    counts = {today - timedelta(days=n): 10 for n in range(1, 8)}
    counts |= {today - timedelta(days=n): 5 for n in range(8, 15)}
    await workspace.store.put_daily_stars(repo.id, counts, NOW)
    await workspace.store.add_snapshot(repo.id, Snapshot(NOW, stars=61234, forks=9876))

    reply = await workspace.command("repo vllm-project/vllm")
    assert _header(reply) == "vllm-project/vllm"
    fields = [f["text"] for b in reply["blocks"] for f in b.get("fields", [])]
    assert "*Stars*\n61,234" in fields
    assert "*Forks*\n9,876" in fields
    assert "*7-day velocity*\n10.0/day (prior 5.0/day, +5.0, +100%)" in fields


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda body, h: (body.replace(b"vllm", b"evil"), h), id="body"),
        pytest.param(
            lambda body, h: (body, {**h, "X-Slack-Signature": "v0=" + "0" * 64}), id="signature"
        ),
        pytest.param(
            lambda body, h: (body, signed_headers(body, secret="not-the-secret")), id="secret"
        ),
        pytest.param(
            lambda body, h: (body, signed_headers(body, timestamp=int(time.time()) - 301)),
            id="replayed",
        ),
        pytest.param(
            lambda body, h: (body, {"Content-Type": h["Content-Type"]}), id="missing-headers"
        ),
        pytest.param(
            lambda body, h: (
                body,
                {k: v for k, v in h.items() if k != "X-Slack-Request-Timestamp"},
            ),
            id="missing-timestamp",
        ),
    ],
)
async def test_unsigned_tampered_or_replayed_requests_get_401_and_change_nothing(
    workspace: Workspace, tamper: Any
) -> None:
    body = command_body("watch add vllm-project/vllm", response_url=workspace.slack.response_url())
    bad_body, bad_headers = tamper(body, signed_headers(body))
    status, _, _ = await workspace.post(bad_body, bad_headers)
    assert status == 401
    await workspace.adapter.drain()
    assert await workspace.store.watch_list(CHANNEL) == []
    assert workspace.slack.calls_to("response_url") == []
    assert workspace.slack.calls_to("users.info") == []


@ON_BOTH_BACKENDS
async def test_a_command_from_another_workspace_is_refused_and_changes_nothing(
    workspace: Workspace,
) -> None:
    await workspace.command("access managers", user="U_ADMIN")
    other = ChannelKey("slack", "T_OTHER", "C_GENERAL")
    url = workspace.slack.response_url()
    # Signed with the app's secret, as Slack would sign it for any workspace the app
    # reaches: the signature alone does not make it this workspace's command.
    body = command_body("watch add a/b", response_url=url, team="T_OTHER")
    status, _, _ = await workspace.post(body, signed_headers(body))
    assert status == 200
    await workspace.adapter.drain()
    [reply] = workspace.slack.replies_to(url)
    assert reply["text"] == FOREIGN_WORKSPACE_TEXT
    assert await workspace.store.get_channel(other) is None
    # users.info was asked once, for U_ADMIN in this workspace; never on T_OTHER's behalf.
    assert [c.params["user"] for c in workspace.slack.calls_to("users.info")] == ["U_ADMIN"]


async def test_send_refuses_a_channel_of_another_workspace(workspace: Workspace) -> None:
    other = ChannelKey("slack", "T_OTHER", "C_GENERAL")
    with pytest.raises(ChannelUnavailable, match="not_this_workspace"):
        await workspace.adapter.send(other, Message(title="Weekly briefing"))
    assert workspace.slack.calls_to("chat.postMessage") == []


def _logged(caplog: pytest.LogCaptureFixture) -> int:
    """Characters the log grew by: each record's message and any traceback."""
    return sum(len(r.getMessage()) + len(r.exc_text or "") for r in caplog.records)


async def test_a_flood_of_unsigned_megabyte_posts_costs_the_log_a_line(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    big = b"text=" + b"x" * 999_995  # 1,000,000 bytes, under aiohttp's 1 MiB body cap
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    statuses = [(await workspace.post(big, form, over_http=True))[0] for _ in range(50)]
    assert statuses == [401] * 50
    # One summary line at most (one a minute), never a body: 50 MB logged before.
    assert _logged(caplog) < 2_000
    assert await workspace.store.watch_list(CHANNEL) == []


def _signed_json(body: bytes) -> Callable[[], tuple[bytes, dict[str, str]]]:
    # Signed when the test runs, not when it is collected: a suite on a busy machine can
    # reach it more than Slack's 5-minute replay window later.
    return lambda: (body, signed_headers(body, content_type="application/json"))


@pytest.mark.parametrize(
    ("request_", "status"),
    [
        pytest.param(
            (b"{not json", {"Content-Type": "application/json"}), 401, id="unsigned-bad-json"
        ),
        pytest.param(
            (
                b"{}",
                {
                    "Content-Type": "application/json",
                    "X-Slack-Request-Timestamp": "soon",
                    "X-Slack-Signature": "v0=" + "0" * 64,
                },
            ),
            401,
            id="timestamp-not-a-number",
        ),
        pytest.param(
            # isdigit() accepts superscripts; int() does not.
            (b"{}", {"X-Slack-Request-Timestamp": "\xb2" * 10, "X-Slack-Signature": "v0=0"}),
            401,
            id="timestamp-superscript-digits",
        ),
        pytest.param(_signed_json(b"{not json"), 400, id="signed-bad-json"),
        pytest.param(_signed_json(b"[1, 2]"), 400, id="signed-json-not-an-object"),
        pytest.param(_signed_json(b'{"a": "\xff\xfe"}'), 400, id="signed-not-utf8"),
    ],
)
@pytest.mark.parametrize("over_http", [False, True], ids=["in-process", "http"])
async def test_bodies_or_timestamps_that_do_not_parse_get_4xx_without_a_traceback(
    workspace: Workspace,
    caplog: pytest.LogCaptureFixture,
    request_: tuple[bytes, dict[str, str]] | Callable[[], tuple[bytes, dict[str, str]]],
    status: int,
    over_http: bool,
) -> None:
    caplog.set_level(logging.INFO)
    body, headers = request_() if callable(request_) else request_
    answered, _, _ = await workspace.post(body, headers, over_http=over_http)
    assert answered == status
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []


async def test_what_bolt_logs_about_a_request_is_capped(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    # A signed event nothing listens to: Bolt warns "Unhandled request" with its body.
    event = {"type": "member_joined_channel", "note": "y" * 200_000}
    body = event_body(event)
    status, _, _ = await workspace.post(
        body, signed_headers(body, content_type="application/json")
    )
    assert status == 404
    assert caplog.records  # Bolt did say something
    assert _logged(caplog) < 2_000


async def test_when_the_workspace_chooses_managers_a_member_may_not_add(
    workspace: Workspace,
) -> None:
    refused = await workspace.command("access managers", user="U_MEMBER")
    assert _header(refused) == "⚠ You can't change who manages watch lists"

    chosen = await workspace.command("access managers", user="U_ADMIN")
    assert _header(chosen) == "Access updated"

    denied = await workspace.command("watch add a/b", user="U_MEMBER")
    assert _header(denied) == "⚠ You can't change this channel's watch list"
    assert "workspace admins and owners" in _all_text(denied)
    assert await workspace.store.watch_list(CHANNEL) == []

    allowed = await workspace.command("watch add a/b", user="U_ADMIN")
    assert _header(allowed) == "Watch list updated"


async def test_users_info_is_asked_once_per_user_for_a_while(workspace: Workspace) -> None:
    for _ in range(3):
        await workspace.command("watch list", user="U_MEMBER")
    await workspace.command("watch list", user="U_ADMIN")
    asked = [call.params["user"] for call in workspace.slack.calls_to("users.info")]
    assert asked == ["U_MEMBER", "U_ADMIN"]
    assert {call.token for call in workspace.slack.calls_to("users.info")} == {
        workspace.slack.bot_token
    }


async def test_send_posts_blocks_with_a_text_fallback_and_returns_the_ts(
    workspace: Workspace,
) -> None:
    message = Message(title="Weekly briefing", sections=(Section(text="<!channel> hi"),))
    ts = await workspace.adapter.send(CHANNEL, message)
    [call] = workspace.slack.calls_to("chat.postMessage")
    assert ts is not None
    assert call.params["channel"] == "C_GENERAL"
    assert call.token == workspace.slack.bot_token
    assert call.params["blocks"][0]["text"]["text"] == "Weekly briefing"
    assert call.params["blocks"][1]["text"]["text"] == "&lt;!\u2060channel&gt; hi"
    assert call.params["text"].startswith("Weekly briefing")


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
async def test_a_lost_channel_raises_channel_unavailable(
    workspace: Workspace, error: str
) -> None:
    workspace.slack.fail_channel("C_GENERAL", error)
    with pytest.raises(ChannelUnavailable) as raised:
        await workspace.adapter.send(CHANNEL, Message(title="Weekly briefing"))
    assert raised.value.reason == error
    assert raised.value.channel == CHANNEL


async def test_a_rate_limited_post_is_retried_after_retry_after(workspace: Workspace) -> None:
    workspace.slack.rate_limit("chat.postMessage", retry_after=0)
    ts = await workspace.adapter.send(CHANNEL, Message(title="Weekly briefing"))
    assert ts is not None
    assert len(workspace.slack.calls_to("chat.postMessage")) == 2


async def test_a_chart_is_uploaded_first_and_shown_in_the_same_message(
    workspace: Workspace,
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    chart = Chart(png, alt_text="Daily stars of vllm-project/vllm", filename="vllm.png")
    await workspace.adapter.send(CHANNEL, Message(title="Weekly briefing", chart=chart))
    [asked] = workspace.slack.calls_to("files.getUploadURLExternal")
    assert asked.params["filename"] == "vllm.png"
    assert asked.params["length"] == str(len(png))
    assert asked.params["alt_txt"] == "Daily stars of vllm-project/vllm"
    [upload] = workspace.slack.calls_to("upload")
    assert upload.body == png
    # Completed without a channel: no file message of its own appears.
    [complete] = workspace.slack.calls_to("files.completeUploadExternal")
    assert "channel_id" not in complete.params
    [file_id] = [entry["id"] for entry in json.loads(complete.params["files"])]
    # One message: the text and, in it, the image showing the uploaded file.
    [post] = workspace.slack.posted
    [image] = [block for block in post.params["blocks"] if block["type"] == "image"]
    assert image["slack_file"] == {"id": file_id}
    assert image["alt_text"] == "Daily stars of vllm-project/vllm"
    assert "vllm-project/vllm" not in post.params["text"]


async def test_http_mode_refuses_to_start_without_a_signing_secret(
    slack: FakeSlack, store: Store, clock: Clock
) -> None:
    settings = slack_settings(slack, SLACK_SIGNING_SECRET=None)
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET is required"):
        SlackAdapter(settings, Router(Context(store, settings, clock)), store)


def test_api_url_keeps_one_trailing_slash() -> None:
    settings = Settings(_env_file=None, SLACK_API_URL="http://127.0.0.1:9/api")  # type: ignore[call-arg]
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert Settings(_env_file=None).slack_api_url == "https://slack.com/api/"  # type: ignore[call-arg]



UNINSTALLED = {"type": "app_uninstalled"}
BOT_REVOKED = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U_BOT"]}}
GENERAL = CHANNEL
RANDOM = ChannelKey("slack", "T_FAKE", "C_RANDOM")
ELSEWHERE = ChannelKey("slack", "T_OTHER", "C_GENERAL")


async def _three_scheduled_channels(store: Store) -> None:
    for key in (GENERAL, RANDOM, ELSEWHERE):
        await store.add_to_watch_list(key, [RepoRef("a", "b")], "U_MEMBER", NOW, cap=10)


async def _pauses(store: Store) -> dict[ChannelKey, str | None]:
    paused: dict[ChannelKey, str | None] = {}
    for key in (GENERAL, RANDOM, ELSEWHERE):
        record = await store.get_channel(key)
        assert record is not None
        paused[key] = record.paused_reason
    return paused


@ON_BOTH_BACKENDS
async def test_an_uninstall_pauses_the_workspaces_channels_and_only_those(
    workspace: Workspace,
) -> None:
    await _three_scheduled_channels(workspace.store)
    await workspace.store.pause_channel(RANDOM, "is_archived")
    asked_before = len(workspace.slack.calls)

    assert await workspace.event(UNINSTALLED) == 200

    assert await _pauses(workspace.store) == {
        GENERAL: UNINSTALLED_REASON,
        RANDOM: "is_archived",  # the earlier, more specific reason stands
        ELSEWHERE: None,
    }
    assert [c.key for c in await workspace.store.scheduled_channels()] == [ELSEWHERE]
    # The token is gone already: nothing may be asked of Slack on its behalf.
    assert len(workspace.slack.calls) == asked_before


async def test_a_revoked_bot_token_pauses_and_the_uninstall_that_follows_says_so(
    workspace: Workspace,
) -> None:
    await _three_scheduled_channels(workspace.store)

    assert await workspace.event(BOT_REVOKED) == 200
    assert (await _pauses(workspace.store))[GENERAL] == REVOKED_REASON

    # Slack sends both on an uninstall, in either order; the uninstall is the truer reason.
    assert await workspace.event(UNINSTALLED) == 200
    assert (await _pauses(workspace.store))[GENERAL] == UNINSTALLED_REASON
    assert await workspace.event(BOT_REVOKED) == 200
    assert (await _pauses(workspace.store))[GENERAL] == UNINSTALLED_REASON


async def test_revoked_user_tokens_alone_change_nothing(workspace: Workspace) -> None:
    await _three_scheduled_channels(workspace.store)
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": ["U_MEMBER"], "bot": []}}
    assert await workspace.event(revoked) == 200
    assert set((await _pauses(workspace.store)).values()) == {None}


async def test_an_unsigned_or_tampered_uninstall_gets_401_and_pauses_nothing(
    workspace: Workspace,
) -> None:
    await _three_scheduled_channels(workspace.store)
    body = event_body(UNINSTALLED)
    forged = signed_headers(body, secret="not-the-secret", content_type="application/json")
    status, _, _ = await workspace.post(body, forged)
    assert status == 401
    status, _, _ = await workspace.post(body, {"Content-Type": "application/json"})
    assert status == 401
    assert set((await _pauses(workspace.store)).values()) == {None}


async def test_past_the_backlog_the_ack_itself_says_busy(
    slack: FakeSlack, store: Store, clock: Clock
) -> None:
    settings = slack_settings(slack)
    adapter = _adapter(settings, store, clock, answer_workers=1, answer_backlog=1)
    # The one worker's first answer waits on a slow users.info, so the next command stays
    # queued and the one after finds the queue full.
    release = slack.hold("users.info")
    await adapter.start()
    try:
        ws = Workspace(slack, adapter, store)
        urls = [slack.response_url() for _ in range(3)]
        acks = []
        for number, url in enumerate(urls):
            body = command_body("watch list", response_url=url)
            acks.append(await ws.post(body, signed_headers(body)))
            if number == 0:
                await slack.wait_for("users.info")  # the worker is busy with it
        assert [(status, text) for status, text, _ in acks[:2]] == [(200, ""), (200, "")]
        status, text, _ = acks[2]
        assert status == 200
        assert BUSY_TEXT in text
        release.set()
        await adapter.drain()
    finally:
        await adapter.close()
    assert [len(slack.replies_to(url)) for url in urls] == [1, 1, 0]


async def test_the_watch_list_comes_as_a_table_block_with_a_text_fallback(
    workspace: Workspace,
) -> None:
    await workspace.command("watch add vllm-project/vllm ollama/ollama")
    reply = await workspace.command("watch list")
    assert _header(reply) == "Watch list: 2 of 100 repos"
    [attachment] = reply["attachments"]
    [table] = attachment["blocks"]
    assert table["type"] == "table"
    repos = [row[1]["text"] for row in table["rows"]]
    assert repos == ["repo", "vllm-project/vllm", "ollama/ollama"]
    assert "ollama/ollama" in reply["text"]


async def test_send_carries_the_table_block_in_its_attachment(workspace: Workspace) -> None:
    # A workspace without the sortable data_table gets the table block instead.
    workspace.slack.refuse_blocks(workspace.slack.team_id, "data_table")
    table = Table(("repo", "stars"), (("a/b", "1,234"),))
    message = Message(title="Weekly briefing", sections=(Section(title="Watch list", table=table),))
    await workspace.adapter.send(CHANNEL, message)
    [call] = workspace.slack.posted
    [attachment] = call.params["attachments"]
    assert attachment["blocks"][0]["rows"][1][0] == {"type": "raw_text", "text": "a/b"}
    assert call.params["blocks"][0]["type"] == "header"
    assert "a/b" in call.params["text"]


async def test_start_up_warns_about_no_token_when_each_is_used(
    slack: FakeSlack, store: Store, clock: Clock, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As `momentum run` is configured in production: through the environment, which
    # Bolt reads by itself too.
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    caplog.set_level(logging.INFO)
    settings = slack_settings(slack)
    adapter = _adapter(settings, store, clock)
    await adapter.start()
    await adapter.close()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert any("serving /slack/events" in r.getMessage() for r in caplog.records)


async def test_with_oauth_an_unused_bot_token_is_named_once(
    slack: FakeSlack, store: Store, clock: Clock, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token)
    caplog.set_level(logging.INFO)
    settings = slack_settings(
        slack, SLACK_CLIENT_ID=slack.client_id, SLACK_CLIENT_SECRET=slack.client_secret
    )
    adapter = _adapter(settings, store, clock)
    await adapter.start()
    await adapter.close()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        "Slack: SLACK_BOT_TOKEN is not used: with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
        "each workspace's token comes from its installation"
    ]
