"""Rendering a core Message as Discord embeds: Discord's limits hold for any input, and a
stranger's text can neither mention, link nor format."""

from __future__ import annotations

import re
from typing import Any

import pytest

from adapters.discord import escape
from adapters.discord.render import Rendered, render
from bot.core.message import Chart, Field, Message, Section, Table, error
from tests.test_text_render import INVISIBLE, SNEAKY

HOSTILE = (
    "@everyone @here <@123456789012345678> <@!123456789012345678> <@&223456789012345678> "
    "<#323456789012345678> </momentum:1> [free nitro](https://evil.example/x) "
    "https://evil.example **bold** __underline__ ~~gone~~ ||spoiler|| `code` ```fence```"
)


def as_dicts(rendered: Rendered) -> list[dict[str, Any]]:
    return [embed.to_dict() for embed in rendered.embeds]  # type: ignore[misc]


def text_of(embed: dict[str, Any]) -> list[str]:
    """Every string of an embed that counts towards Discord's 6,000 characters."""
    texts = [embed.get("title", ""), embed.get("description", "")]
    texts += [part for f in embed.get("fields", []) for part in (f["name"], f["value"])]
    texts.append(embed.get("footer", {}).get("text", ""))
    return texts


def assert_within_limits(rendered: Rendered) -> None:
    embeds = as_dicts(rendered)
    assert 1 <= len(embeds) <= 10
    total = 0
    for embed in embeds:
        assert escape.units(embed.get("title", "")) <= 256
        assert escape.units(embed.get("description", "")) <= 4096
        assert len(embed.get("fields", [])) <= 25
        for f in embed.get("fields", []):
            assert 0 < escape.units(f["name"]) <= 256
            assert 0 < escape.units(f["value"]) <= 1024
        assert escape.units(embed.get("footer", {}).get("text", "")) <= 2048
        total += sum(escape.units(text) for text in text_of(embed))
    assert total <= 6000


def test_a_short_message_is_one_embed_in_order() -> None:
    message = Message(
        title="acme/rocket",
        sections=(
            Section(text="A rocket."),
            Section(fields=(Field("Stars", "1,234"), Field("Forks", "56"))),
            Section(title="Daily stars", code="▁▂▃▅▇"),
        ),
        footnotes=("Velocity is stars per day.",),
    )
    first, second = as_dicts(render(message))
    assert first["title"] == "acme/rocket"
    assert first["description"] == "A rocket."
    assert [(f["name"], f["value"], f["inline"]) for f in first["fields"]] == [
        ("Stars", "1,234", True),
        ("Forks", "56", True),
    ]
    # Text after fields starts a new embed: Discord shows descriptions above fields.
    assert second["description"] == "**Daily stars**\n```\n▁▂▃▅▇\n```"
    assert second["footer"]["text"] == "Velocity is stars per day."
    assert "title" not in second


def test_errors_have_their_own_colour() -> None:
    [info] = as_dicts(render(Message(title="fine")))
    [refusal] = as_dicts(render(error("Nope", "Not allowed.")))
    assert info["color"] != refusal["color"]
    assert refusal["color"] == 0xED4245


def test_a_table_is_a_code_block() -> None:
    table = Table(("#", "repo"), (("1", "a/one"), ("2", "b/two")))
    [embed] = as_dicts(render(Message(title="Watch list", sections=(Section(table=table),))))
    assert embed["description"] == "```\n#  repo\n-  -----\n1  a/one\n2  b/two\n```"


def test_a_long_table_is_split_across_embeds_and_says_what_was_left_off() -> None:
    rows = tuple((str(n), f"owner-{n:04}/repository-{n:04}") for n in range(1, 1001))
    message = Message(title="Watch list", sections=(Section(table=Table(("#", "repo"), rows)),))
    rendered = render(message)
    assert_within_limits(rendered)
    embeds = as_dicts(rendered)
    shown = [
        line for e in embeds for line in e["description"].splitlines()
        if re.match(r"^\d+\s", line)
    ]
    # Rows are shown in order from the first, and every row shown or counted.
    assert shown[0].startswith("1 ")
    assert [int(line.split()[0]) for line in shown] == list(range(1, len(shown) + 1))
    left = 1000 - len(shown)
    assert left > 0
    assert embeds[-1]["footer"]["text"] == f"…and {left} more rows"
    # Each continued code block repeats the header.
    assert all(e["description"].startswith("```\n#") for e in embeds)


def test_oversized_everything_stays_within_discords_limits() -> None:
    huge = "word " * 5000
    message = Message(
        title="T" * 1000,
        sections=(
            Section(title="S" * 2000, text=huge),
            Section(fields=tuple(Field("n" * 500, "v" * 5000) for _ in range(60))),
            Section(code="\n".join("x" * 3000 for _ in range(20))),
        ),
        footnotes=tuple("f" * 1500 for _ in range(5)),
    )
    rendered = render(message)
    assert_within_limits(rendered)
    embeds = as_dicts(rendered)
    assert embeds[0]["title"].endswith("…")
    assert embeds[-1]["footer"]["text"].startswith("…and ")


def test_many_fields_spill_into_further_embeds() -> None:
    fields = tuple(Field(f"repo {n}", f"{n}.0 stars/day") for n in range(40))
    rendered = render(Message(title="Figures", sections=(Section(fields=fields),)))
    assert_within_limits(rendered)
    embeds = as_dicts(rendered)
    assert [len(e["fields"]) for e in embeds] == [25, 15]
    assert "footer" not in embeds[-1]


def test_a_chart_is_an_attachment_the_last_embed_shows() -> None:
    chart = Chart(b"\x89PNG", "stars <@123456789012345678>", "../../etc/passwd")
    rendered = render(Message(title="Briefing", chart=chart))
    [file] = rendered.files
    assert file.filename == "etc_passwd.png"
    assert file.description == "stars <\u200b@\u200b123456789012345678>"
    assert as_dicts(rendered)[-1]["image"]["url"] == "attachment://etc_passwd.png"


@pytest.mark.parametrize(
    "place", ["title", "text", "section title", "field name", "field value", "footnote"]
)
def test_hostile_text_cannot_mention_link_or_format(place: str) -> None:
    message = {
        "title": Message(title=HOSTILE),
        "text": Message(title="t", sections=(Section(text=HOSTILE),)),
        "section title": Message(title="t", sections=(Section(title=HOSTILE, text="x"),)),
        "field name": Message(title="t", sections=(Section(fields=(Field(HOSTILE, "v"),)),)),
        "field value": Message(title="t", sections=(Section(fields=(Field("n", HOSTILE),)),)),
        "footnote": Message(title="t", footnotes=(HOSTILE,)),
    }[place]
    rendered = " ".join(text for e in as_dicts(render(message)) for text in text_of(e))

    assert "@everyone" not in rendered
    assert "@here" not in rendered
    assert not re.search(r"<[@#/]", rendered)  # user, role, channel and command mentions
    assert "](" not in rendered  # masked links
    assert "https://" not in rendered  # bare links
    if place == "section title":
        rendered = rendered.replace("**", "", 2)  # the heading's own bold
    if place != "footnote":  # footers are not markdown: Discord shows them verbatim
        assert "\\*\\*bold\\*\\*" in rendered
        for mark in ("**", "__", "~~", "||", "`"):
            assert mark not in rendered.replace("\\" + mark[0], "")


def test_hostile_text_in_a_table_cannot_close_the_code_block() -> None:
    table = Table(("repo",), (("```\n@everyone [x](https://evil.example)",),))
    [embed] = as_dicts(render(Message(title="t", sections=(Section(table=table),))))
    body = embed["description"]
    assert body.count("```") == 2
    assert body.startswith("```")
    assert body.endswith("```")


def test_trim_never_leaves_a_dangling_escape_or_half_a_character() -> None:
    assert escape.trim("ab\\*cd", 4) == "ab…"
    assert escape.trim("😀😀😀", 5) == "😀😀…"
    assert escape.trim("short", 10) == "short"


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
    texts = [text for embed in as_dicts(render(message)) for text in text_of(embed)]
    assert {char for text in texts for char in text} & INVISIBLE == set()
    assert any("rtl:elgoog.moc iso vllm paypal software" in text for text in texts)
