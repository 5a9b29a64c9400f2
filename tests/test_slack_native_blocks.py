"""Slack's newer blocks for a briefing: data_visualization for the chart, data_table for
the watch list, each checked by the fake Slack as Slack documents it, with the PNG image
and the table block as the fallback a workspace that refuses them gets at once, and
then straight away on every later post."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.slack.app import SlackAdapter
from adapters.slack.client import web_client
from adapters.slack.edge import HttpRequest
from adapters.slack.post import BlockSupport, post_message
from adapters.slack.render import NATIVE_TYPES, native_chart, render
from adapters.slack.translate import response_payload
from bot.core.command import ChannelKey
from bot.core.message import Chart, ChartSeries, Message, Section, Table
from bot.core.repo_ref import RepoRef
from bot.core.settings import Settings
from bot.core.store import Snapshot, Store
from bot.features.briefing.chart import briefing_chart
from bot.features.briefing.message import briefing_message
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.features.compare.chart import compare_chart
from bot.features.compare.figures import RepoHistory, compare_row
from bot.testing.fake_slack import FakeSlack
from bot.testing.slack_blocks import block_problems
from tests.briefing_support import RELEASE, briefing, repo
from tests.slack_support import SIGNING_SECRET, command_body, signed_headers
from tests.support import NOW, Clock, open_test_store

CHANNEL = ChannelKey("slack", "T_FAKE", "C_GENERAL")
REFUSED_KEY = "slack.refused_blocks.T_FAKE"


def ten_repo_message() -> Message:
    # Ten repos, each 7 stars a day the week before; repo n gains 7 * n more a week.
    repos = [repo(f"org/repo-{n}", prior=49, now=49 + 7 * n, event=None) for n in range(10)]
    repos[9] = repo("org/repo-9", prior=49, now=112, event=RELEASE)
    shown = briefing(*repos)
    return briefing_message(shown, briefing_chart(shown))


def problems(payload: dict[str, Any], *, refused: frozenset[str] = frozenset()) -> list[str]:
    return block_problems(
        payload["blocks"], payload.get("attachments"),
        file_visible=lambda file_id: file_id == "F0123456789", refused=refused,
    )


def blocks_of(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [*payload["blocks"], *(b for a in payload.get("attachments", []) for b in a["blocks"])]


def test_the_native_payload_validates_and_holds_both_new_blocks() -> None:
    payload = render(ten_repo_message(), native=NATIVE_TYPES).payload()
    assert problems(payload) == []
    types = [block["type"] for block in blocks_of(payload)]
    assert types.count("data_visualization") == 1
    assert types.count("data_table") == 1
    assert "attachments" not in payload
    # Movers are 5 lines at most: repo-9 (+9/day) down to repo-5 (+5/day).
    [chart] = [b for b in payload["blocks"] if b["type"] == "data_visualization"]
    assert [line["name"] for line in chart["chart"]["series"]] == [
        "org/repo-9", "org/repo-8", "org/repo-7", "org/repo-6", "org/repo-5",
    ]
    # 14 days, one point each, labelled by the axis categories.
    assert len(chart["chart"]["axis_config"]["categories"]) == 14
    assert len(chart["title"]) <= 50


def test_figures_are_numbers_so_columns_sort_by_value() -> None:
    table = Table(("repo", "stars/day", "change"), (("a/b", "1,234", "+59%"), ("c/d", "–", "-16%")))
    payload = render(Message(title="t", sections=(Section(table=table),)), native=NATIVE_TYPES)
    [block] = [b for b in payload.blocks if b["type"] == "data_table"]
    assert block["rows"][1] == [
        {"type": "raw_text", "text": "a/b"},
        {"type": "raw_number", "value": 1234.0, "text": "1,234"},
        {"type": "raw_number", "value": 59.0, "text": "+59%"},
    ]
    assert block["rows"][2][1] == {"type": "raw_text", "text": "–"}
    assert block["rows"][2][2]["value"] == -16.0


def test_the_fallback_payload_validates_with_the_image_and_the_table_block() -> None:
    payload = render(ten_repo_message(), chart_file="F0123456789").payload()
    assert problems(payload) == []
    types = [block["type"] for block in blocks_of(payload)]
    assert "image" in types
    assert "table" in types
    assert not set(types) & NATIVE_TYPES
    # The image stays among the blocks, above the attachment that carries the table.
    assert any(block["type"] == "image" for block in payload["blocks"])


def test_a_chart_too_long_for_the_native_block_is_not_drawn_natively() -> None:
    # 21 days is one point more than a data_visualization series holds.
    days = tuple(f"Day {n}" for n in range(21))
    chart = Chart(b"png", "alt", categories=days, series=(ChartSeries("a/b", (1.0,) * 21),))
    assert native_chart(chart) is None
    seven = Chart(b"png", "alt", categories=days[:7],
                  series=tuple(ChartSeries(f"a/b{n}", (1.0,) * 7) for n in range(7)))
    assert native_chart(seven) is None  # 7 series: one more than the 6 allowed


def test_the_fake_checks_limits() -> None:
    payload = render(ten_repo_message(), native=NATIVE_TYPES).payload()
    [chart] = [b for b in payload["blocks"] if b["type"] == "data_visualization"]
    chart["title"] = "x" * 51
    assert any("/title" in problem for problem in problems(payload))
    chart["title"] = "ok"
    payload["blocks"] += [chart, chart]  # three in one message, where 2 are allowed
    assert any("no more than 2 data_visualization" in p for p in problems(payload))
    many = {"blocks": [{"type": "divider"}] * 51}
    assert any("no more than 50" in p for p in problems(many))
    stranger = {"blocks": [{"type": "image", "alt_text": "a", "slack_file": {"id": "FNOTOURS1"}}]}
    assert problems(stranger) == ["invalid slack file [json-pointer:/blocks/0/slack_file]"]
    refused = problems(payload, refused=frozenset({"data_table"}))
    assert any(p.startswith("unsupported type: data_table") for p in refused)


# -- through the adapter, against the fake Slack ---------------------------------------


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with open_test_store("sqlite", tmp_path) as opened:
        yield opened


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(admins={"U_ADMIN"}) as fake:
        yield fake


@pytest.fixture
async def adapter(slack: FakeSlack, store: Store) -> AsyncIterator[SlackAdapter]:
    """A started adapter (closing it again at the end is harmless)."""
    started = adapter_for(slack, store)
    await started.start()
    try:
        yield started
    finally:
        await started.close()


def adapter_for(slack: FakeSlack, store: Store) -> SlackAdapter:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, SLACK_BOT_TOKEN=slack.bot_token, SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url, PORT=0,
    )
    return SlackAdapter(settings, Router(Context(store, settings, Clock())), store,
                        host="127.0.0.1")


async def test_a_workspace_that_takes_the_new_blocks_gets_them_without_an_upload(
    slack: FakeSlack, store: Store, adapter: SlackAdapter
) -> None:
    await adapter.send(CHANNEL, ten_repo_message())
    await adapter.close()
    [post] = slack.posted
    types = {block["type"] for block in post.params["blocks"]}
    assert {"data_visualization", "data_table"} <= types
    assert slack.calls_to("files.getUploadURLExternal") == []
    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_invalid_blocks_posts_the_fallback_once_and_remembers_it(
    slack: FakeSlack, store: Store
) -> None:
    slack.refuse_blocks("T_FAKE", "data_visualization", "data_table")
    adapter = adapter_for(slack, store)
    await adapter.start()
    try:
        await adapter.send(CHANNEL, ten_repo_message())
        # Refused once, then the fallback at once: the PNG uploaded, then shown.
        assert len(slack.calls_to("chat.postMessage")) == 2
        [post] = slack.posted
        [complete] = slack.calls_to("files.completeUploadExternal")
        [file_id] = [entry["id"] for entry in json.loads(complete.params["files"])]
        [image] = [b for b in post.params["blocks"] if b["type"] == "image"]
        assert image["slack_file"] == {"id": file_id}
        assert post.params["attachments"][0]["blocks"][0]["type"] == "table"
        assert sorted(json.loads(await store.get_state(REFUSED_KEY) or "{}")) == [
            "data_table", "data_visualization",
        ]
        # The second briefing goes straight to the fallback: one post, accepted.
        await adapter.send(CHANNEL, ten_repo_message())
        assert len(slack.calls_to("chat.postMessage")) == 3
        assert len(slack.posted) == 2
    finally:
        await adapter.close()
    # So does the first of a restarted app: the refusal is kept in the store.
    again = adapter_for(slack, store)
    await again.start()
    try:
        await again.send(CHANNEL, ten_repo_message())
    finally:
        await again.close()
    assert len(slack.calls_to("chat.postMessage")) == 4
    assert len(slack.posted) == 3


async def test_only_the_refused_type_falls_back(slack: FakeSlack, store: Store) -> None:
    slack.refuse_blocks("T_FAKE", "data_table")
    adapter = adapter_for(slack, store)
    await adapter.start()
    try:
        await adapter.send(CHANNEL, ten_repo_message())
    finally:
        await adapter.close()
    [post] = slack.posted
    # The chart is still Slack's own; only the table went back to the table block.
    assert any(b["type"] == "data_visualization" for b in post.params["blocks"])
    assert post.params["attachments"][0]["blocks"][0]["type"] == "table"
    assert slack.calls_to("files.getUploadURLExternal") == []
    assert sorted(json.loads(await store.get_state(REFUSED_KEY) or "{}")) == ["data_table"]


async def test_a_briefing_asked_by_slash_command_comes_with_its_chart(
    slack: FakeSlack, store: Store, adapter: SlackAdapter
) -> None:
    await watch_a_mover(adapter, slack, store)
    replies = await slash(adapter, slack, "briefing")
    await adapter.close()
    # The bot posts the briefing itself, chart included; the response_url gets nothing.
    assert replies == []
    [post] = slack.posted
    assert post.params["channel"] == "C_GENERAL"
    assert any(block["type"] == "data_visualization" for block in post.params["blocks"])


async def test_a_slash_briefing_where_the_bot_cannot_post_answers_by_response_url(
    slack: FakeSlack, store: Store, adapter: SlackAdapter
) -> None:
    await watch_a_mover(adapter, slack, store)
    slack.fail_channel("C_GENERAL", "not_in_channel")
    [reply] = await slash(adapter, slack, "briefing")
    await adapter.close()
    assert reply["response_type"] == "in_channel"
    assert slack.posted == []


async def watch_a_mover(adapter: SlackAdapter, slack: FakeSlack, store: Store) -> None:
    """The channel watches acme/rocket: 7 stars a day in the week before, 14 a day in
    this one, so it is a mover and its briefing has a chart."""
    await slash(adapter, slack, "watch add acme/rocket")
    found = await store.find_repo(RepoRef.parse("acme/rocket"))
    assert found is not None
    counts = {NOW.date() - timedelta(days=n): 14 if n <= 7 else 7 for n in range(1, 29)}
    await store.put_daily_stars(found.id, counts, NOW)
    await store.add_snapshot(found.id, Snapshot(NOW, 1234, 56))


async def slash(adapter: SlackAdapter, slack: FakeSlack, text: str) -> list[dict[str, Any]]:
    """Runs ``/momentum text`` as Slack would; what reached its response_url."""
    url = slack.response_url()
    body = command_body(text, response_url=url, user="U_ADMIN")
    assert adapter.edge is not None
    answer = await adapter.edge.answer(
        HttpRequest("POST", "/slack/events", body, signed_headers(body), remote="127.0.0.1")
    )
    assert answer.status == 200
    await adapter.drain()
    return slack.replies_to(url)


PNG_ONLY = Message(
    title="Weekly briefing",
    chart=Chart(b"\x89PNG\r\n\x1a\n0000", "Daily stars of a/b", filename="a.png"),
    audience="channel",
)


async def test_an_image_refused_while_its_file_is_processed_is_tried_again(
    slack: FakeSlack, store: Store
) -> None:
    slack.process_files(0.05)
    client = web_client(slack.api_url, slack.bot_token, None)
    await post_message(client, "C_GENERAL", PNG_ONLY, workspace="T_FAKE",
                       support=BlockSupport(store), file_wait=0.2)
    refused, accepted = slack.calls_to("chat.postMessage")
    assert accepted.params["blocks"] == refused.params["blocks"]
    [post] = slack.posted
    assert any(block["type"] == "image" for block in post.params["blocks"])
    # Nothing is remembered against the workspace: the image block is no newer type.
    assert await store.get_state(REFUSED_KEY) is None


async def test_an_image_whose_file_never_becomes_ready_is_left_out(
    slack: FakeSlack, store: Store
) -> None:
    slack.process_files(60)
    client = web_client(slack.api_url, slack.bot_token, None)
    await post_message(client, "C_GENERAL", PNG_ONLY, workspace="T_FAKE",
                       support=BlockSupport(store), file_wait=0.01)
    # Refused, waited for once, refused again: posted without the image, not dropped.
    assert len(slack.calls_to("chat.postMessage")) == 3
    [post] = slack.posted
    assert [block["type"] for block in post.params["blocks"]] == ["header"]


def test_a_compare_chart_goes_native_at_twenty_shared_days() -> None:
    # Two repos, 10 stars a day and 1 a day for 39 days from Mar 1 (complete histories).
    start = date(2026, 3, 1)
    daily_a = {start + timedelta(days=n): 10 for n in range(39)}
    daily_b = {start + timedelta(days=n): 1 for n in range(39)}
    rows = [
        compare_row(RepoHistory("a/fast", daily_a, 390, start, True), date(2026, 4, 9), None),
        compare_row(RepoHistory("b/slow", daily_b, 39, start, True), date(2026, 4, 9), None),
    ]
    chart = compare_chart(rows, log_scale=False, aligned=False)
    assert chart is not None
    # 39 days sampled every 38/19 = 2 days: Mar 1, Mar 3, ..., Apr 8 (20 points).
    assert len(chart.categories) == 20
    assert (chart.categories[0], chart.categories[-1]) == ("Mar 1", "Apr 8")
    # Cumulative: a/fast has 10 by the end of Mar 1, 30 by Mar 3, 390 by Apr 8.
    assert chart.series[0].values[:2] == (10.0, 30.0)
    assert chart.series[0].values[-1] == 390.0
    message = Message(title="Compare", chart=chart, audience="requester")
    payload = response_payload(message, native=frozenset({"data_visualization"}))
    assert problems(payload) == []
    assert any(b["type"] == "data_visualization" for b in payload["blocks"])
    # A log scale has no native form: the PNG's description stands in.
    logarithmic = compare_chart(rows, log_scale=True, aligned=False)
    assert logarithmic is not None
    assert logarithmic.series == ()


async def test_a_refused_native_chart_in_a_response_url_reply_falls_back_once(
    slack: FakeSlack, store: Store, adapter: SlackAdapter
) -> None:
    await watch_a_mover(adapter, slack, store)
    # The bot is not in the channel, so the briefing goes back by response_url, where
    # this workspace refuses Slack's own chart.
    slack.fail_channel("C_GENERAL", "not_in_channel")
    slack.refuse_blocks("T_FAKE", "data_visualization")
    refused, reply = await slash(adapter, slack, "briefing")
    assert any(b["type"] == "data_visualization" for b in refused["blocks"])
    assert all(b["type"] != "data_visualization" for b in reply["blocks"])
    assert sorted(json.loads(await store.get_state(REFUSED_KEY) or "{}")) == ["data_visualization"]
    # The next reply goes straight to the fallback.
    [again] = await slash(adapter, slack, "briefing")
    assert all(b["type"] != "data_visualization" for b in again["blocks"])
    await adapter.close()


async def test_a_failed_upload_does_not_stop_the_briefing(
    slack: FakeSlack, store: Store
) -> None:
    # More 429s than the client retries (3): the upload gives up after 4 calls.
    slack.rate_limit("files.getUploadURLExternal", retry_after=0, times=10)
    client = web_client(slack.api_url, slack.bot_token, None)
    await post_message(client, "C_GENERAL", PNG_ONLY, workspace="T_FAKE",
                       support=BlockSupport(store))
    assert len(slack.calls_to("files.getUploadURLExternal")) == 4
    [post] = slack.posted
    assert [block["type"] for block in post.params["blocks"]] == ["header"]


async def test_a_refusal_is_trusted_for_30_days_then_the_block_is_tried_again(
    store: Store,
) -> None:
    now = [datetime(2026, 4, 13, 9, tzinfo=UTC)]
    support = BlockSupport(store, clock=lambda: now[0])
    await support.refuse("T_FAKE", frozenset({"data_table"}))
    now[0] += timedelta(days=29)
    assert await BlockSupport(store, clock=lambda: now[0]).refused("T_FAKE") == {"data_table"}
    # 30 days after the refusal: tried again.
    now[0] += timedelta(days=1)
    assert await BlockSupport(store, clock=lambda: now[0]).refused("T_FAKE") == frozenset()
