"""Block Kit rendering: Slack's limits hold for any input, and strangers' text stays inert."""

from __future__ import annotations

import json
import re
from typing import Any

from adapters.slack.render import render
from bot.core.message import Chart, Field, Message, Section, Table, error
from tests.test_text_render import INVISIBLE, SNEAKY

HOSTILE = (
    "<!channel> <!here|here> <!everyone> <@U0123ABC> <#C0123|general> <!subteam^S1> "
    "<https://evil.example|click me> https://evil.example/x www.evil.example "
    "mailto:a@evil.example @channel @here *bold* _italic_ ~strike~ `code` ```fence``` "
    "&amp; &lt;script&gt;\n> quoted line"
)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _texts(payload: dict[str, Any]) -> list[str]:
    """Every text Slack would parse: the fallback and each text object's ``text``."""
    found = [payload["text"]]

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("type") in {"mrkdwn", "plain_text", "raw_text"}:
                found.append(value["text"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(payload["blocks"])
    walk(payload.get("attachments", []))
    return found


def _all_blocks(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The message's blocks, then its attachment's (Slack draws them in that order)."""
    attached = [b for item in payload.get("attachments", []) for b in item["blocks"]]
    return [*payload["blocks"], *attached]


def assert_within_limits(payload: dict[str, Any]) -> None:
    blocks = _all_blocks(payload)
    assert payload["text"].strip(), "a plain-text fallback always goes with blocks"
    assert len(payload["text"]) <= 4000
    assert 1 <= len(blocks) <= 50
    assert payload["blocks"][0]["type"] == "header"
    assert len(payload.get("attachments", [])) <= 1
    tables = [block for block in blocks if block["type"] == "table"]
    assert len(tables) <= 1, "Slack allows one table block a message"
    if tables:
        assert "table" not in [b["type"] for b in payload["blocks"]], "tables go in attachments"
    for block in blocks:
        kind = block["type"]
        assert kind in {"header", "section", "divider", "context", "table"}
        if kind == "header":
            assert block["text"]["type"] == "plain_text"
            assert 1 <= len(block["text"]["text"]) <= 150
        if kind == "section":
            assert "text" in block or "fields" in block
            if "text" in block:
                assert 1 <= len(block["text"]["text"]) <= 3000
            fields = block.get("fields", [])
            assert len(fields) <= 10
            assert all(1 <= len(item["text"]) <= 2000 for item in fields)
        if kind == "context":
            assert 1 <= len(block["elements"]) <= 10
            assert all(1 <= len(item["text"]) <= 3000 for item in block["elements"])
        if kind == "table":
            assert 1 <= len(block["rows"]) <= 100
            assert all(1 <= len(row) <= 20 for row in block["rows"])
    json.dumps(payload)  # what goes on the wire must serialise


def _no_live_markup(payload: dict[str, Any]) -> None:
    for text in _texts(payload):
        assert "<" not in text, text
        assert ">" not in text, text
        # every & starts one of the three entities Slack documents
        assert not re.search(r"&(?!amp;|lt;|gt;)", text), text
        assert "://" not in text, text
        assert not re.search(r"(?i)\bwww\.", text), text
        assert not re.search(r"(?i)[@!](channel|here|everyone)\b", text), text
        assert "mailto:" not in text.lower(), text


def test_a_plain_message_maps_to_header_sections_fields_and_context() -> None:
    message = Message(
        title="vllm-project/vllm",
        sections=(
            Section(text="A high-throughput engine."),
            Section(fields=(Field("Stars", "61,234"), Field("7-day velocity", "27.3/day"))),
            Section(title="Daily stars, last 28 days", code="▁▂▃▄▅▆▇█"),
        ),
        footnotes=("Days are UTC.",),
    )
    payload = render(message).payload()
    assert_within_limits(payload)
    assert [block["type"] for block in payload["blocks"]] == [
        "header", "section", "divider", "section", "divider", "section", "section", "context",
    ]
    assert payload["blocks"][0]["text"]["text"] == "vllm-project/vllm"
    assert payload["blocks"][3]["fields"][0] == {"type": "mrkdwn", "text": "*Stars*\n61,234"}
    assert payload["blocks"][6]["text"]["text"] == "```\n▁▂▃▄▅▆▇█\n```"
    assert payload["blocks"][-1]["elements"] == [{"type": "mrkdwn", "text": "Days are UTC."}]
    assert payload["text"].startswith("vllm-project/vllm\n")


def test_hostile_text_everywhere_pings_nobody_and_links_nothing() -> None:
    message = Message(
        title=HOSTILE,
        sections=(
            Section(title=HOSTILE, text=HOSTILE, code=HOSTILE),
            Section(fields=(Field(HOSTILE, HOSTILE),)),
            Section(table=Table(("repo", HOSTILE), (("a/b", HOSTILE),))),
        ),
        chart=Chart(b"\x89PNG", alt_text=HOSTILE),
        footnotes=(HOSTILE,),
    )
    for tables in ("code", "auto"):
        payload = render(message, tables=tables, chart_note=True).payload()  # type: ignore[arg-type]
        assert_within_limits(payload)
        _no_live_markup(payload)


def test_escaped_text_reads_as_written() -> None:
    payload = render(Message(title="a & b", sections=(Section(text="1 < 2 > 0 & snake_case"),)))
    blocks = payload.payload()["blocks"]
    assert blocks[0]["text"]["text"] == "a &amp; b"
    assert blocks[1]["text"]["text"] == "1 &lt; 2 &gt; 0 &amp; snake_case"


def test_a_backtick_run_cannot_close_a_code_block_early() -> None:
    payload = render(Message(title="t", sections=(Section(code="a```b\n```"),))).payload()
    text = payload["blocks"][1]["text"]["text"]
    assert text.count("```") == 2
    assert text.startswith("```\n")
    assert text.endswith("\n```")


def test_emphasis_cannot_escape_our_own_bold_labels() -> None:
    payload = render(Message(title="t", sections=(Section(title="a*b", text="x"),))).payload()
    heading = payload["blocks"][1]["text"]["text"].split("\n")[0]
    assert heading.count("*") == 2
    assert heading.startswith("*")
    assert heading.endswith("*")


def test_long_titles_are_cut_with_a_marker() -> None:
    payload = render(Message(title="&" * 400)).payload()
    header = payload["blocks"][0]["text"]["text"]
    assert len(header) <= 150
    assert header.endswith("…")
    assert re.fullmatch(r"(&amp;)+…", header), "no entity is cut in half"


def test_long_text_is_split_into_sections_of_at_most_3000_characters() -> None:
    text = "\n".join(f"line {n} " + "x" * 90 for n in range(200))  # about 20,000 characters
    payload = render(Message(title="t", sections=(Section(text=text),))).payload()
    assert_within_limits(payload)
    sections = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]
    assert len(sections) == 7
    assert "\n".join(sections) == text, "split between lines, nothing lost"


def test_one_enormous_line_is_split_too() -> None:
    payload = render(Message(title="t", sections=(Section(text="y" * 7000),))).payload()
    assert_within_limits(payload)
    assert "".join(b["text"]["text"] for b in payload["blocks"][1:]) == "y" * 7000


def test_more_than_ten_fields_spill_into_further_sections() -> None:
    fields = tuple(Field(f"label {n}", "v" * 2500) for n in range(23))
    payload = render(Message(title="t", sections=(Section(fields=fields),))).payload()
    assert_within_limits(payload)
    counts = [len(b["fields"]) for b in payload["blocks"] if b["type"] == "section"]
    assert counts == [10, 10, 3]
    assert payload["blocks"][1]["fields"][0]["text"].endswith("…")


def test_past_fifty_blocks_the_rest_is_summarised_visibly() -> None:
    sections = tuple(Section(text=f"section {n}") for n in range(80))
    message = Message(title="t", sections=sections, footnotes=("kept",))
    payload = render(message).payload()
    assert_within_limits(payload)
    blocks = payload["blocks"]
    assert len(blocks) == 50
    assert blocks[-1]["elements"][0]["text"] == "kept", "footnotes survive the cut"
    notice = blocks[-2]["elements"][0]["text"]
    # 80 sections and 79 dividers; 47 of those 159 blocks fit before the notice
    assert notice == "…and 112 more blocks not shown"


def test_many_footnotes_fit_one_context_block() -> None:
    message = Message(title="t", footnotes=tuple(f"note {n}" for n in range(14)))
    payload = render(message).payload()
    assert_within_limits(payload)
    elements = payload["blocks"][-1]["elements"]
    assert len(elements) == 10
    assert elements[-1]["text"] == "…and 5 more notes"


def test_a_long_table_is_split_with_its_header_repeated() -> None:
    rows = tuple(
        (str(n), f"owner-{n}/repository-name-{n}", "U_ALICE", "2026-04-13")
        for n in range(1, 301)
    )
    table = Table(("#", "repo", "added by", "added"), rows)
    payload = render(Message(title="Watch list", sections=(Section(table=table),))).payload()
    assert_within_limits(payload)
    chunks = [b["text"]["text"] for b in payload["blocks"][1:]]
    assert len(chunks) > 1
    assert all(chunk.startswith("```\n#    repo") for chunk in chunks)
    body = [line for chunk in chunks for line in chunk.split("\n")[3:-1]]
    assert len(body) == 300
    assert body[0].startswith("1  ")
    assert body[-1].startswith("300")


def _watch_list(repos: int) -> Table:
    rows = tuple((str(n), f"o/r{n}", "U_ALICE", "2026-04-13") for n in range(1, repos + 1))
    return Table(("#", "repo", "added by", "added"), rows)


def test_a_messages_one_table_is_a_table_block_in_an_attachment() -> None:
    message = Message(
        title="Watch list: 2 of 100 repos",
        sections=(Section(text="Before"), Section(table=_watch_list(2)), Section(text="After")),
        footnotes=("Days are UTC.",),
    )
    payload = render(message).payload()
    assert_within_limits(payload)
    assert [b["type"] for b in payload["blocks"]] == ["header", "section", "divider"]
    [attachment] = payload["attachments"]
    # The table and all after it, so the message still reads top to bottom.
    assert [b["type"] for b in attachment["blocks"]] == ["table", "divider", "section", "context"]
    table = attachment["blocks"][0]
    cells = [[cell["text"] for cell in row] for row in table["rows"]]
    assert cells == [
        ["#", "repo", "added by", "added"],
        ["1", "o/r1", "U_ALICE", "2026-04-13"],
        ["2", "o/r2", "U_ALICE", "2026-04-13"],
    ]
    assert all(cell["type"] == "raw_text" for row in table["rows"] for cell in row)
    # The plain-text fallback still holds the table, for notifications and old clients.
    assert "o/r2" in payload["text"]


def test_a_table_block_holds_99_rows_and_past_that_the_table_is_preformatted() -> None:
    fits = render(Message(title="t", sections=(Section(table=_watch_list(99)),))).payload()
    assert_within_limits(fits)
    [table] = fits["attachments"][0]["blocks"]
    assert len(table["rows"]) == 100  # Slack's cap, header row included

    too_big = render(Message(title="t", sections=(Section(table=_watch_list(100)),))).payload()
    assert_within_limits(too_big)
    assert "attachments" not in too_big
    body = [
        line
        for block in too_big["blocks"][1:]
        for line in block["text"]["text"].split("\n")[3:-1]
    ]
    assert len(body) == 100, "nothing lost"


def test_several_tables_are_all_preformatted() -> None:
    sections = (Section(table=_watch_list(2)), Section(table=_watch_list(3)))
    payload = render(Message(title="t", sections=sections)).payload()
    assert_within_limits(payload)
    assert "attachments" not in payload
    fences = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]
    assert len(fences) == 2
    assert all(text.startswith("```\n#  repo") for text in fences)


def test_code_style_never_uses_the_table_block() -> None:
    payload = render(Message(title="t", sections=(Section(table=_watch_list(2)),)), tables="code")
    assert payload.attachments == []
    assert payload.blocks[1]["text"]["text"].startswith("```\n#  repo")


def test_errors_are_marked_and_carry_usage() -> None:
    payload = render(error("Unknown command 'x'", "Commands: help.", usage="/momentum help"))
    blocks = payload.payload()["blocks"]
    assert blocks[0]["text"]["text"] == "⚠ Unknown command 'x'"
    assert blocks[-1]["text"]["text"] == "```\n/momentum help\n```"


def test_chart_note_only_when_asked() -> None:
    message = Message(title="t", chart=Chart(b"png", alt_text="Daily stars of a/b"))
    assert [b["type"] for b in render(message).blocks] == ["header"]
    note = render(message, chart_note=True).blocks[-1]
    assert note["elements"][0]["text"] == "Chart: Daily stars of a/b"


def test_bidi_controls_and_invisible_characters_are_dropped() -> None:
    message = Message(
        title=SNEAKY,
        sections=(
            Section(title=SNEAKY, text=SNEAKY, code=SNEAKY, fields=(Field(SNEAKY, SNEAKY),)),
            Section(table=Table(("repo", SNEAKY), (("a/b", SNEAKY),))),
        ),
        chart=Chart(b"\x89PNG", alt_text=SNEAKY),
        footnotes=(SNEAKY,),
    )
    for tables in ("code", "auto"):
        payload = render(message, tables=tables, chart_note=True).payload()  # type: ignore[arg-type]
        strings = _strings(payload)
        assert {char for text in strings for char in text} & INVISIBLE == set()
        assert any("rtl:elgoog.moc iso vllm paypal software" in text for text in strings)


def test_the_text_fallback_is_drawn_from_the_message_for_notifications() -> None:
    message = Message(
        title="Watch list",
        sections=(
            Section(title="Movers", text="Two repos moved."),
            Section(fields=(Field("Stars", "61,234"),)),
            Section(table=Table(("#", "repo"), (("1", "vllm-project/vllm"),))),
        ),
        chart=Chart(b"\x89PNG", alt_text="Daily stars of 2 repos"),
        footnotes=("Days are UTC.",),
    )
    assert render(message).text.split("\n") == [
        "Watch list",
        "",
        "Movers",
        "Two repos moved.",
        "",
        "Stars: 61,234",
        "",
        "# · repo",
        "1 · vllm-project/vllm",
        "",
        "Days are UTC.",
    ]
    assert render(error("Nope", "Not allowed.")).text.startswith("⚠ Nope\n")
