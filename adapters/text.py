"""Renders a :class:`Message` as plain text for a terminal or a log."""

from __future__ import annotations

import re
import unicodedata

from bot.core.message import Message, Section, Table, plain_text

# Terminal control sequences in a stranger's text could move the cursor, recolour or
# rewrite the screen; control characters other than newline and tab are dropped. So are
# the bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069), which reorder
# what follows them ("rtl:\u202eelgoog.moc" reads "rtl:com.google"), and the invisible
# characters that hide inside a name or an address: zero-width space, word joiner and the
# invisible operators, the byte-order mark, the Mongolian vowel separator, soft hyphens.
# The left-to-right and right-to-left marks stay: they move only neutral characters such
# as punctuation, and right-to-left writing needs them.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u180e\u200b\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
# Zero-width (non-)joiners are part of emoji sequences and of Persian and Indic spelling,
# so they stay between two characters beyond ASCII; beside ASCII they only hide things.
_JOINER_BY_ASCII = re.compile(r"(?<![^\x00-\x7f])[\u200c\u200d]|[\u200c\u200d](?![^\x00-\x7f])")


def clean(text: str) -> str:
    """A stranger's text without what would act instead of showing: the one step every
    renderer (text, Markdown, Slack, Discord) puts all of it through."""
    text = _CONTROL.sub("", text)
    if "\u200c" in text or "\u200d" in text:
        text = _JOINER_BY_ASCII.sub("", text)
    return text


# The widest label that still leaves a field's value room beside it on an 80-column line.
SIDE_BY_SIDE_LABEL = 30


def render_text(message: Message) -> str:
    lines: list[str] = []
    title = clean(message.title)
    if message.tone == "error":
        title = f"✗ {title}"
    lines += [title, "=" * _width(title)]
    for section in message.sections:
        lines += ["", *_section(section)]
    if message.footnotes:
        lines.append("")
        lines += [f"· {clean(note)}" for note in message.footnotes]
    return "\n".join(lines)


def _section(section: Section) -> list[str]:
    lines: list[str] = []
    if section.title:
        lines.append(clean(section.title))
    if section.text:
        lines += clean(plain_text(section.text)).splitlines()
    if section.fields:
        width = max(_width(clean(field.label)) for field in section.fields)
        for field in section.fields:
            label = clean(field.label)
            if width > SIDE_BY_SIDE_LABEL:
                # Labels this long (help's command syntax) leave no room beside them on a
                # terminal: the value goes under its label instead.
                lines += [f"  {label}", f"      {clean(field.value)}"]
                continue
            pad = " " * (width - _width(label))
            lines.append(f"  {label}{pad}  {clean(field.value)}")
    if section.table is not None:
        lines += _table(section.table)
    if section.code:
        lines += [f"  {line}" for line in clean(section.code).splitlines()]
    return lines


def _table(table: Table) -> list[str]:
    cells = [[clean(cell) for cell in row] for row in (table.columns, *table.rows)]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(table.columns))]
    rendered = [
        "  " + "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row))
        for row in cells
    ]
    rendered.insert(1, "  " + "  ".join("-" * width for width in widths))
    return [line.rstrip() for line in rendered]


def _width(text: str) -> int:
    """Columns a string takes in a terminal (wide East Asian characters take two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
