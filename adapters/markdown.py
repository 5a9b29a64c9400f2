"""Renders a :class:`Message` as Markdown (``momentum briefing --format markdown``)."""

from __future__ import annotations

import re

from adapters.text import clean
from bot.core.message import Link, Message, Section, Table, render_spans

# Characters that start emphasis, code, links, HTML, tables or headings anywhere in a line;
# list markers and setext underlines (a line of ``=`` or ``-`` under a paragraph makes it a
# heading) matter only where a line starts.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))", re.MULTILINE)
# GitHub-flavoured Markdown turns bare addresses into links.
_AUTOLINK = re.compile(r"(?i)(://|www\.)")


def escape(text: str) -> str:
    """Plain text that Markdown shows as written: no emphasis, links, HTML or mentions."""
    escaped = _SPECIAL.sub(r"\\\1", clean(text))
    escaped = _LINE_START.sub(_escape_line_start, escaped)
    escaped = _AUTOLINK.sub(lambda m: m[1][:-1] + "\\" + m[1][-1], escaped)
    # A zero-width space after '@' keeps chat apps that read Markdown from pinging.
    return escaped.replace("@", "@\u200b")


def _escape_line_start(match: re.Match[str]) -> str:
    indent, marker = match[1], match[2]
    # "- x" becomes "\- x" and "===" "\===" (no longer only "=" or "-"); "1. x" becomes
    # "1\. x" (the dot, or a ")", is what makes the list).
    return indent + ("\\" + marker if marker in "+-=" else marker + "\\")


def render_markdown(message: Message) -> str:
    lines = [f"# {escape(message.title)}"]
    for section in message.sections:
        lines += ["", *_section(section)]
    if message.chart is not None:
        lines += ["", f"![{escape(message.chart.alt_text)}]({message.chart.filename})"]
    if message.footnotes:
        lines.append("")
        lines += [f"- _{escape(note)}_" for note in message.footnotes]
    return "\n".join(lines) + "\n"


def _section(section: Section) -> list[str]:
    lines: list[str] = []
    if section.title:
        lines += [f"## {escape(section.title)}", ""]
    if section.text:
        # Two trailing spaces keep the section's line breaks.
        text = render_spans(section.text, escape, _link)
        lines += [line + "  " for line in text.splitlines()]
    for field in section.fields:
        lines.append(f"- **{escape(field.label)}**: {escape(field.value)}")
    if section.table is not None:
        lines += _table(section.table)
    if section.code:
        fence = "````" if "```" in section.code else "```"
        lines += [fence, clean(section.code), fence]
    return lines


def _link(link: Link) -> str:
    # The address passed Link's check: nothing in it can end the link early.
    return f"[{escape(link.text)}]({link.url})"


def _table(table: Table) -> list[str]:
    rule = "|" + "|".join(" --- " for _ in table.columns) + "|"
    rows = [_row(row) for row in (table.columns, *table.rows)]
    return [rows[0], rule, *rows[1:]]


def _row(cells: tuple[str, ...]) -> str:
    # A line break inside a cell would end the table's row there.
    return "| " + " | ".join(escape(" ".join(cell.split())) for cell in cells) + " |"
