"""Rendering a core Message as Markdown, read back by a CommonMark parser: a stranger's
text shows as written and cannot add headings, lists, rules or invisible characters."""

from __future__ import annotations

from markdown_it import MarkdownIt

from adapters.markdown import render_markdown
from bot.core.message import Field, Message, Section, Table
from tests.test_text_render import INVISIBLE, SNEAKY


def _block_types(markdown: str) -> list[str]:
    return [t.type for t in MarkdownIt("commonmark").parse(markdown) if t.type.endswith("_open")]


def test_underlines_list_markers_and_rules_in_strangers_text_stay_text() -> None:
    # A PR title followed by a line of "=" was a setext heading; "1)" starts a list as
    # surely as "1." does.
    hostile = "Fix the parser\n===\nthen\n---\n1) one\n2. two\n+ three\n  ==="
    message = Message(title="Weekly briefing", sections=(Section(text=hostile),))
    # Our own "# Weekly briefing" is the one heading; the rest is one paragraph.
    assert _block_types(render_markdown(message)) == ["heading_open", "paragraph_open"]


def test_the_escaped_text_reads_as_written() -> None:
    message = Message(title="t", sections=(Section(text="===\n1) one"),))
    html = MarkdownIt("commonmark").render(render_markdown(message))
    assert html == "<h1>t</h1>\n<p>===<br />\n1) one</p>\n"


def test_bidi_controls_and_invisible_characters_are_dropped() -> None:
    message = Message(
        title=SNEAKY,
        sections=(
            Section(title=SNEAKY, text=SNEAKY, code=SNEAKY, fields=(Field(SNEAKY, SNEAKY),)),
            Section(table=Table(("repo", SNEAKY), (("a/b", SNEAKY),))),
        ),
        footnotes=(SNEAKY,),
    )
    markdown = render_markdown(message)
    assert set(markdown) & INVISIBLE == set()
    assert "rtl:elgoog.moc iso vllm paypal software" in markdown


def test_a_line_break_in_a_cell_stays_inside_its_row() -> None:
    table = Table(("repo", "description"), (("a/b", "one\n| x | y |\ntwo"),))
    html = MarkdownIt("commonmark").enable("table").render(
        render_markdown(Message(title="t", sections=(Section(table=table),)))
    )
    # One header row and one body row of two cells each: 4 cells in all.
    assert html.count("<tr>") == 2
    assert html.count("<td>") + html.count("<th>") == 4
