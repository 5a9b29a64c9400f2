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


# Bidi overrides and isolates reorder what follows them; zero-width characters hide inside
# names; a soft hyphen is invisible too. The joiner between ASCII letters hides as well.
SNEAKY = "rtl:\u202eelgoog.moc \u2066iso\u2069 vl\u200bl\u2060m\ufeff pay\u200dpal soft\xadware"
INVISIBLE = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE |= set("\u200b\u200c\u200d\u2060\ufeff\xad")


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
    text = render_text(message)
    assert set(text) & INVISIBLE == set()
    # The title, section title, text, code, field label and value, table header and cell,
    # and footnote: 9 copies, each read as written (the alt text belongs to the image).
    assert text.count("rtl:elgoog.moc iso vllm paypal software") == 9


def test_joiners_inside_emoji_and_scripts_beyond_ascii_stay() -> None:
    # Woman + ZWJ + laptop is one emoji; Persian "می‌خواهم" needs its non-joiner.
    words = "👩\u200d💻 \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert words in render_text(Message(title="t", sections=(Section(text=words),)))


def test_fields_with_long_labels_put_each_value_under_its_label() -> None:
    # Help's labels are command syntax, up to 90 characters: beside them a value would
    # start past column 90. Short labels (status) stay side by side.
    long_label = "/momentum compare owner/name owner/name [… up to 10] [since 90d|1y|all]"
    helpish = Message(title="t", sections=(Section(fields=(
        Field(long_label, "Compare repos."), Field("/momentum help", "Show help."),
    )),))
    assert render_text(helpish).splitlines()[3:] == [
        f"  {long_label}", "      Compare repos.", "  /momentum help", "      Show help.",
    ]
    status = Message(title="t", sections=(Section(fields=(
        Field("Watch list", "3 repos"), Field("Prose", "off"),
    )),))
    assert render_text(status).splitlines()[3:] == [
        "  Watch list  3 repos", "  Prose       off",
    ]
