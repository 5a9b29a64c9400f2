from adapters.text import render_text
from bot.core.message import Chart, Field, Message, Section, Table, error


def test_sections_fields_tables_and_footnotes() -> None:
    message = Message(
        title="Watch list",
        sections=(
            Section(title="Movers", text="Two repos moved."),
            Section(fields=(Field("Stars", "61,234"), Field("7-day velocity", "30.0/day"))),
            Section(table=Table(("#", "repo"), (("1", "vllm-project/vllm"), ("2", "a/b")))),
        ),
        chart=Chart(b"\x89PNG", alt_text="Daily stars of 2 repos"),
        footnotes=("Days are UTC.",),
    )
    assert render_text(message).splitlines() == [
        "Watch list",
        "==========",
        "",
        "Movers",
        "Two repos moved.",
        "",
        "  Stars           61,234",
        "  7-day velocity  30.0/day",
        "",
        "  #  repo",
        "  -  -----------------",
        "  1  vllm-project/vllm",
        "  2  a/b",
        "",
        "[chart: Daily stars of 2 repos]",
        "",
        "· Days are UTC.",
    ]


def test_errors_are_marked_and_show_usage() -> None:
    text = render_text(error("Unknown command 'x'", "Commands: help.", usage="/momentum help"))
    assert text.startswith("✗ Unknown command 'x'")
    assert "  /momentum help" in text


def test_terminal_control_sequences_in_strangers_text_are_dropped() -> None:
    description = "Fast\x1b[2J\x1b]0;pwned\x07 inference\r"
    text = render_text(Message(title="a/b", sections=(Section(text=description),)))
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\r" not in text
    assert "Fast[2J]0;pwned inference" in text
