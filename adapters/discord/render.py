"""Renders a core :class:`Message` as Discord embeds, within Discord's embed limits.

Sections flow in order through up to ten embeds: text and code blocks go in a
description, fields in fields, and a section that would put text below fields starts a
new embed so the order is kept. What does not fit is left off with a visible
"…and N more" in the footer. Every string is escaped (``escape.py``).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field

import discord

from adapters.discord import escape
from bot.core.message import Chart, Link, Message, Section, Table, render_spans

# Discord's limits (Embed Object > Embed Limits in Discord's documentation).
TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
TOTAL = 6000
EMBEDS = 10

INFO_COLOUR = discord.Colour(0x5865F2)
ERROR_COLOUR = discord.Colour(0xED4245)

# A long paragraph is wrapped into pieces this long so it can flow across embeds.
_WRAP = 1000
# Room kept in the footer and the total for the "…and N more" notice.
_NOTICE_ROOM = 80
# Fields sit side by side when every value in their section is this short.
_INLINE_VALUE = 40
_FENCE = "```"
_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True, slots=True)
class Rendered:
    """What a send needs: embeds, and the files they reference (a chart)."""

    embeds: list[discord.Embed]
    files: list[discord.File]


@dataclass(frozen=True, slots=True)
class _Line:
    """A description line; ``block`` names the code block it sits in (None: plain)."""

    text: str
    unit: str
    block: int | None = None
    header: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    value: str
    inline: bool
    unit: str = "field"


_Item = _Line | _Field


@dataclass
class _Draft:
    lines: list[str] = field(default_factory=list)
    block: int | None = None
    fields: list[_Field] = field(default_factory=list)

    def description(self) -> str:
        closing = [_FENCE] if self.block is not None else []
        return "\n".join([*self.lines, *closing])

    def size(self) -> int:
        return escape.units(self.description()) + sum(
            escape.units(f.name) + escape.units(f.value) for f in self.fields
        )

    def with_line(self, line: _Line) -> _Draft:
        lines = list(self.lines)
        if self.block is not None and line.block != self.block:
            lines.append(_FENCE)
        if line.block is not None and line.block != self.block:
            lines += [_FENCE, *line.header]
        lines.append(line.text)
        return _Draft(lines, line.block, list(self.fields))


def render(message: Message) -> Rendered:
    colour = ERROR_COLOUR if message.tone == "error" else INFO_COLOUR
    title = escape.trim(escape.inline(message.title), TITLE)
    notes = "\n".join(escape.plain(note) for note in message.footnotes)
    notes = escape.trim(notes, FOOTER - _NOTICE_ROOM) if notes else ""
    budget = TOTAL - escape.units(title) - escape.units(notes) - _NOTICE_ROOM

    drafts, left_off = _pack(_items(message.sections), budget)
    footer = escape.trim("\n".join(filter(None, [_notice(left_off), notes])), FOOTER)

    embeds = [_embed(draft, colour) for draft in drafts]
    embeds[0].title = title
    if footer:
        embeds[-1].set_footer(text=footer)
    files: list[discord.File] = []
    if message.chart is not None:
        chart = chart_file(message.chart)
        embeds[-1].set_image(url=f"attachment://{chart.filename}")
        files.append(chart)
    return Rendered(embeds, files)


def _items(sections: tuple[Section, ...]) -> list[_Item]:
    items: list[_Item] = []
    for number, section in enumerate(sections):
        if section.title:
            items.append(_Line(f"**{escape.trim(escape.inline(section.title), _WRAP)}**", "line"))
        if section.text:
            text = render_spans(section.text, escape.inline, link)
            items += [_Line(piece, "line") for piece in _wrap(text)]
        if section.fields:
            inline = all(len(f.value) <= _INLINE_VALUE for f in section.fields)
            items += [
                _Field(
                    escape.trim(escape.inline(f.label), FIELD_NAME) or escape.ZWSP,
                    escape.trim(escape.inline(f.value), FIELD_VALUE) or escape.ZWSP,
                    inline,
                )
                for f in section.fields
            ]
        if section.table is not None:
            header, rows = table_lines(section.table)
            block = 2 * number
            items += [_Line(row, "row", block, header) for row in rows]
        if section.code:
            block = 2 * number + 1
            items += [
                _Line(escape.trim(escape.code(line), _WRAP), "line", block)
                for line in section.code.splitlines()
            ]
    return items


def _pack(items: list[_Item], budget: int) -> tuple[list[_Draft], Counter[str]]:
    """Places items in order into at most ten drafts; counts, by unit, what was left off."""
    drafts = [_Draft()]
    left_off: Counter[str] = Counter()
    for position, item in enumerate(items):
        placed = _place(drafts, item, budget)
        if not placed:
            left_off.update(rest.unit for rest in items[position:])
            break
    return drafts, left_off


def _place(drafts: list[_Draft], item: _Item, budget: int) -> bool:
    current = drafts[-1]
    for fresh in (False, True):
        if fresh:
            if len(drafts) == EMBEDS or not (current.lines or current.fields):
                return False
            current = _Draft()
        candidate = _with(current, item)
        if candidate is None:
            continue
        used = sum(d.size() for d in drafts[: len(drafts) if fresh else -1])
        if used + candidate.size() > budget:
            return False
        if fresh:
            drafts.append(candidate)
        else:
            drafts[-1] = candidate
        return True
    return False


def _with(draft: _Draft, item: _Item) -> _Draft | None:
    """The draft with the item added, or None when the item needs a new embed."""
    if isinstance(item, _Field):
        if len(draft.fields) == FIELDS:
            return None
        return _Draft(list(draft.lines), draft.block, [*draft.fields, item])
    # Discord shows a description above the fields, so text after fields starts anew.
    if draft.fields:
        return None
    candidate = draft.with_line(item)
    if escape.units(candidate.description()) > DESCRIPTION:
        return None
    return candidate


def _embed(draft: _Draft, colour: discord.Colour) -> discord.Embed:
    embed = discord.Embed(colour=colour, description=draft.description() or None)
    for item in draft.fields:
        embed.add_field(name=item.name, value=item.value, inline=item.inline)
    return embed


def link(target: Link) -> str:
    # The address passed Link's check: nothing in it can end the masked link early.
    return f"[{escape.inline(target.text)}]({target.url})"


def _wrap(text: str) -> list[str]:
    pieces: list[str] = []
    for line in text.splitlines() or [""]:
        while len(line) > _WRAP:
            cut = line.rfind(" ", 0, _WRAP)
            cut = cut if cut > _WRAP // 2 else _WRAP
            # Never split a backslash escape from the character it escapes.
            while cut > 0 and line[cut - 1] == "\\":
                cut -= 1
            pieces.append(line[:cut])
            line = line[cut:].lstrip(" ")
        pieces.append(line)
    return pieces


def table_lines(table: Table) -> tuple[tuple[str, ...], list[str]]:
    cells = [[escape.code(cell) for cell in row] for row in (table.columns, *table.rows)]
    widths = [min(max(len(row[i]) for row in cells), 40) for i in range(len(table.columns))]

    def line(row: list[str]) -> str:
        padded = [
            escape.trim(cell, width).ljust(width) for cell, width in zip(row, widths, strict=True)
        ]
        return "  ".join(padded).rstrip()

    header = (line(cells[0]), "  ".join("-" * width for width in widths))
    return header, [line(row) for row in cells[1:]]


def _notice(left_off: Counter[str]) -> str:
    if not left_off:
        return ""
    parts = [f"{count} more {unit}{'s' if count > 1 else ''}" for unit, count in left_off.items()]
    return "…and " + ", ".join(parts)


def chart_file(chart: Chart) -> discord.File:
    name = _SAFE_FILENAME.sub("_", chart.filename).strip("._") or "chart"
    if not name.lower().endswith(".png"):
        name += ".png"
    return discord.File(
        io.BytesIO(chart.png),
        filename=name,
        description=escape.trim(escape.plain(chart.alt_text), 1024) or None,
    )
