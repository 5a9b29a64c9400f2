"""Renders a :class:`~bot.core.message.Message` as Block Kit, within Slack's limits.

Layout: a ``header`` (the title), then each section as ``section`` blocks separated by
``divider``s (title and text in mrkdwn, fields ten to a block, verbatim lines as
preformatted text), then the footnotes in a ``context`` block. A message's one table is a
native ``table`` block when it fits one; several tables, or one too big, are preformatted
text (split without loss, header repeated). Where the workspace takes them (``native``),
the one table is a sortable ``data_table`` and the chart a ``data_visualization`` line
chart; else the chart is an ``image`` block showing the PNG uploaded beforehand
(``chart_file``), so chart and text arrive as one message. The chart goes just before the
section holding the table (the full table goes with the chart), else at the end.
Anything that does not fit is cut with a visible "…and N more" rather than rejected by
Slack. Every string in the message is a stranger's plain text until proven otherwise, so
every one passes through :mod:`adapters.slack.escape`. A plain-text ``text`` fallback
always goes with the blocks: Slack shows it in notifications and in clients that cannot
draw the blocks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from adapters.slack import escape
from bot.core.message import Chart, Link, Message, Section, Table, plain_text, render_spans

Block = dict[str, Any]

# Slack's Block Kit limits (docs.slack.dev/reference/block-kit).
MAX_BLOCKS = 50
MAX_HEADER = 150
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_TEXT = 3000
MAX_TABLE_ROWS = 100  # the native table block's cap, header row included
MAX_TABLE_COLUMNS = 20
# Slack truncates a message's top-level text after 4,000 characters in the client, and it
# is only a fallback: keep it well under.
MAX_FALLBACK = 3000

# Image blocks (docs.slack.dev/reference/block-kit/blocks/image-block).
MAX_IMAGE_TEXT = 2000
# data_visualization (Jun 2026; docs.slack.dev/reference/block-kit/blocks/
# data-visualization-block): title and axis labels 50 characters, 1-6 series of 1-20
# points, series names, point labels and categories 20 characters, at most 2 a message.
MAX_CHART_TITLE = 50
MAX_CHART_AXIS_LABEL = 50
MAX_CHART_SERIES = 6
MAX_CHART_POINTS = 20
MAX_CHART_NAME = 20
# data_table (May 2026; .../data-table-block): 2-101 rows with the header, 1-20 columns,
# 10,000 characters across all cells (of a table, and of a message), 1-100 rows a page.
MAX_DATA_TABLE_ROWS = 101
MAX_DATA_TABLE_COLUMNS = 20
MAX_DATA_TABLE_CHARS = 10_000
DATA_TABLE_PAGE = 20
DATA_VISUALIZATION = "data_visualization"
DATA_TABLE = "data_table"
NATIVE_TYPES = frozenset({DATA_VISUALIZATION, DATA_TABLE})
# A figure as the renderers write one: "1,234", "3.6", "+59%", "-16%", "±0%".
_FIGURE = re.compile(r"[+\-−±]?\d[\d,]*(?:\.\d+)?%?")

TableStyle = Literal["auto", "code"]


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """``attachments`` holds at most one attachment, carrying the native table and every
    block after it (Slack takes a ``table`` block only there)."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    attachments: list[Block] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        """The message's fields for ``chat.postMessage`` or a ``response_url``."""
        payload: dict[str, Any] = {"text": self.text, "blocks": self.blocks}
        if self.attachments:
            payload["attachments"] = self.attachments
        return payload


def render(
    message: Message,
    *,
    tables: TableStyle = "auto",
    chart_note: bool = False,
    native: frozenset[str] = frozenset(),
    chart_file: str | None = None,
) -> SlackMessage:
    """``tables="auto"`` draws a message's only table as Slack's ``table`` block (Aug 2025)
    when it fits one; ``"code"`` keeps every table preformatted. ``native`` names the
    newer block types the workspace takes (:data:`NATIVE_TYPES`); ``chart_file`` is the id
    of the chart's PNG, uploaded by the token that posts. ``chart_note`` adds the chart's
    alt text as a context line when no chart block can be drawn, for replies that cannot
    carry an uploaded image (``response_url``)."""
    body: list[Block] = []
    found = [section.table for section in message.sections if section.table is not None]
    # Slack allows one table block a message.
    one = tables == "auto" and len(found) == 1
    data_table = one and DATA_TABLE in native and _fits_data_table(found[0])
    table_block = one and not data_table and _fits_table_block(found[0])
    chart = _chart_blocks(message.chart, native, chart_file)
    unplaced = list(chart)
    for number, section in enumerate(message.sections):
        if number:
            body.append({"type": "divider"})
        if section.table is not None:
            body += unplaced
            unplaced = []
        body += _section(section, native_table=table_block, data_table=data_table)
    body += unplaced
    notes = list(message.footnotes)
    if chart_note and message.chart is not None and not chart:
        notes.insert(0, f"Chart: {message.chart.alt_text}")
    tail = [_context(notes)] if notes else []
    budget = MAX_BLOCKS - 1 - len(tail)
    if len(body) > budget:
        hidden = len(body) - (budget - 1)
        body = body[: budget - 1]
        body.append(_context([f"…and {hidden} more blocks not shown"], escaped=False))
    blocks = [_header(message), *body, *tail]
    # Slack draws a table block only from a message's attachments, below its blocks: the
    # table and all that follows it move there together, so the message reads in order.
    split = next((n for n, block in enumerate(blocks) if block["type"] == "table"), None)
    if split is None:
        return SlackMessage(text=fallback(message), blocks=blocks)
    return SlackMessage(
        text=fallback(message), blocks=blocks[:split], attachments=[{"blocks": blocks[split:]}]
    )


def fallback(message: Message) -> str:
    """The message as plain lines, for notifications and clients without blocks: the
    title, each section's title, text, fields (``label: value``), table rows (cells
    separated by `` · ``) and code, and the footnotes. No alignment: notifications use a
    proportional font. The chart's description is not repeated here: the image block
    carries it as its alt text."""
    lines = [_title(message)]
    for section in message.sections:
        lines.append("")
        if section.title:
            lines.append(section.title)
        if section.text:
            lines.append(plain_text(section.text))
        lines += [f"{item.label}: {item.value}" for item in section.fields]
        if section.table is not None:
            rows = (section.table.columns, *section.table.rows)
            lines += [" · ".join(" ".join(cell.split()) for cell in row) for row in rows]
        if section.code:
            lines.append(section.code)
    if message.footnotes:
        lines += ["", *message.footnotes]
    return escape.clip(escape.mrkdwn("\n".join(lines)), MAX_FALLBACK)


def _title(message: Message) -> str:
    return ("⚠ " if message.tone == "error" else "") + message.title


def _header(message: Message) -> Block:
    return {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": escape.clip(escape.plain(_title(message)), MAX_HEADER) or " ",
            "emoji": False,
        },
    }


def _section(section: Section, *, native_table: bool, data_table: bool = False) -> list[Block]:
    blocks: list[Block] = []
    heading = _bold(section.title) if section.title else ""
    text = render_spans(section.text, escape.mrkdwn, _link) if section.text else ""
    if heading or text:
        blocks += [_mrkdwn(chunk) for chunk in _chunks("\n".join(filter(None, [heading, text])))]
    blocks += _fields(section)
    if section.table is not None:
        if data_table:
            blocks.append(_data_table(section.table, section.title))
        elif native_table:
            blocks.append(_native_table(section.table))
        else:
            blocks += _code_table(section.table)
    if section.code:
        blocks += [_mrkdwn(_fence(chunk)) for chunk in _chunks(escape.code(section.code), 8)]
    return blocks


def _fields(section: Section) -> list[Block]:
    rendered = [
        {
            "type": "mrkdwn",
            "text": escape.clip(
                f"{_bold(item.label)}\n{escape.mrkdwn(item.value)}", MAX_FIELD_TEXT
            ),
        }
        for item in section.fields
    ]
    return [
        {"type": "section", "fields": rendered[start : start + MAX_FIELDS]}
        for start in range(0, len(rendered), MAX_FIELDS)
    ]


def _code_table(table: Table) -> list[Block]:
    """Preformatted columns, split across blocks with the header repeated on each."""
    header, rows = _table_lines(table)
    blocks: list[Block] = []
    chunk = list(header)
    for row in rows:
        line = escape.clip(row, MAX_SECTION_TEXT // 2)
        if len(_fence("\n".join([*chunk, line]))) > MAX_SECTION_TEXT:
            blocks.append(_mrkdwn(_fence("\n".join(chunk))))
            chunk = list(header)
        chunk.append(line)
    blocks.append(_mrkdwn(_fence("\n".join(chunk))))
    return blocks


def _table_lines(table: Table) -> tuple[list[str], list[str]]:
    cells = [
        [escape.code(" ".join(cell.split())) for cell in row]
        for row in (table.columns, *table.rows)
    ]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(table.columns))]

    def line(row: list[str]) -> str:
        return "  ".join(c + " " * (widths[i] - _width(c)) for i, c in enumerate(row)).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return [line(cells[0]), rule], [line(row) for row in cells[1:]]


def _width(text: str) -> int:
    """Columns in a monospace font; entities show as one character, wide East Asian
    characters take two."""
    shown = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in shown)


def _fits_table_block(table: Table) -> bool:
    return 1 + len(table.rows) <= MAX_TABLE_ROWS and len(table.columns) <= MAX_TABLE_COLUMNS


def _native_table(table: Table) -> Block:
    """The header row first, then one row per table row. Cells are ``raw_text`` (no
    mrkdwn). Slack's documentation does not say whether it parses ``&<>`` there, so cells
    are escaped like every other text: at worst a rare ``&`` shows as an entity, never a
    live mention."""
    return {
        "type": "table",
        "rows": [[_raw_text(cell) for cell in row] for row in (table.columns, *table.rows)],
    }


def _fits_data_table(table: Table) -> bool:
    rows = 1 + len(table.rows)
    chars = sum(len(escape.plain(cell)) for row in (table.columns, *table.rows) for cell in row)
    return (
        2 <= rows <= MAX_DATA_TABLE_ROWS
        and len(table.columns) <= MAX_DATA_TABLE_COLUMNS
        and chars <= MAX_DATA_TABLE_CHARS
    )


def _data_table(table: Table, caption: str | None) -> Block:
    """The header row as text, then each figure as ``raw_number`` (so its column sorts by
    value: Slack sorts a column numerically only when every cell is a number), the rest
    as ``raw_text``."""
    body = [[_data_cell(cell) for cell in row] for row in table.rows]
    return {
        "type": DATA_TABLE,
        "caption": escape.clip(escape.plain(caption or "Table"), MAX_IMAGE_TEXT) or "Table",
        "page_size": min(len(table.rows), DATA_TABLE_PAGE),
        "rows": [[_raw_text(cell) for cell in table.columns], *body],
    }


def _data_cell(cell: str) -> Block:
    text = cell.strip()
    if not _FIGURE.fullmatch(text):
        return _raw_text(cell)
    value = float(re.sub(r"[,%+±]", "", text).replace("\u2212", "-"))
    return {"type": "raw_number", "value": value, "text": escape.plain(text)}


def native_chart(chart: Chart) -> Block | None:
    """The chart as a ``data_visualization`` line chart; None when its data does not fit
    the block (too many lines or days, names that clip to the same 20 characters)."""
    if not chart.series or not 1 <= len(chart.categories) <= MAX_CHART_POINTS:
        return None
    if len(chart.series) > MAX_CHART_SERIES:
        return None
    names = [_clip(line.name, MAX_CHART_NAME) for line in chart.series]
    labels = [_clip(day, MAX_CHART_NAME) for day in chart.categories]
    if len(set(names)) < len(names) or len(set(labels)) < len(labels):
        return None
    axes: Block = {"categories": labels, "x_label": "day (UTC)"}
    if chart.y_label:
        axes["y_label"] = _clip(chart.y_label, MAX_CHART_AXIS_LABEL)
    return {
        "type": DATA_VISUALIZATION,
        "title": _clip(chart.title or "Chart", MAX_CHART_TITLE),
        "chart": {
            "type": "line",
            "series": [
                {
                    "name": name,
                    "data": [
                        {"label": label, "value": value}
                        for label, value in zip(labels, line.values, strict=True)
                    ],
                }
                for name, line in zip(names, chart.series, strict=True)
            ],
            "axis_config": axes,
        },
    }


def image_block(chart: Chart, file_id: str) -> Block:
    """The uploaded PNG, described once by its alt text."""
    block: Block = {
        "type": "image",
        "slack_file": {"id": file_id},
        "alt_text": _clip(chart.alt_text, MAX_IMAGE_TEXT) or "Chart",
    }
    if chart.title:
        block["title"] = {
            "type": "plain_text", "text": _clip(chart.title, MAX_IMAGE_TEXT), "emoji": False
        }
    return block


def _chart_blocks(chart: Chart | None, native: frozenset[str], file_id: str | None) -> list[Block]:
    if chart is None:
        return []
    if DATA_VISUALIZATION in native and (drawn := native_chart(chart)) is not None:
        return [drawn]
    return [image_block(chart, file_id)] if file_id else []


def _clip(text: str, limit: int) -> str:
    return escape.clip(escape.plain(text), limit)


def _raw_text(cell: str) -> Block:
    return {"type": "raw_text", "text": escape.clip(escape.plain(cell), MAX_FIELD_TEXT) or " "}


def _link(link: Link) -> str:
    # The address passed Link's check (no "|" or ">"); the text is escaped like any other.
    return f"<{link.url}|{escape.mrkdwn(link.text)}>"


def _context(notes: list[str], *, escaped: bool = True) -> Block:
    texts = [escape.mrkdwn(note) if escaped else note for note in notes]
    if len(texts) > MAX_CONTEXT_ELEMENTS:
        hidden = len(texts) - (MAX_CONTEXT_ELEMENTS - 1)
        texts = [*texts[: MAX_CONTEXT_ELEMENTS - 1], f"…and {hidden} more notes"]
    return {
        "type": "context",
        "elements": [
            {"type": "mrkdwn", "text": escape.clip(text, MAX_CONTEXT_TEXT) or " "}
            for text in texts
        ],
    }


def _bold(text: str) -> str:
    # Inside our own *…* any asterisk, even between letters, would end the span early.
    return "*" + escape.mrkdwn(text).replace("*", "\u2217") + "*"


def _mrkdwn(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _fence(text: str) -> str:
    return f"```\n{text}\n```"


def _chunks(text: str, reserve: int = 0) -> Iterator[str]:
    """Pieces of at most ``MAX_SECTION_TEXT - reserve`` characters, split between lines
    where possible and never inside an entity."""
    limit = MAX_SECTION_TEXT - reserve
    piece = ""
    for line in text.split("\n"):
        candidate = f"{piece}\n{line}" if piece else line
        if len(candidate) <= limit:
            piece = candidate
            continue
        if piece:
            yield piece
        while len(line) > limit:
            head = escape.clip(line, limit, marker="")
            yield head
            line = line[len(head) :]
        piece = line
    if piece:
        yield piece
