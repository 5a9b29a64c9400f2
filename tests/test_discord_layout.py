"""Briefings as Discord Components V2: within 40 components and 4,000 characters, checked
by the same rules the fake Discord applies; what does not fit goes as embeds."""

from __future__ import annotations

from typing import Any

import discord

from adapters.discord.layout import MAX_COMPONENTS, MAX_TEXT, layout
from bot.core.message import Message, Section
from bot.features.briefing.chart import briefing_chart
from bot.features.briefing.message import briefing_message
from bot.testing.discord_components import IS_COMPONENTS_V2, v2_problems
from tests.briefing_support import RELEASE, briefing, repo


def ten_repo_briefing() -> Message:
    repos = [repo(f"org/repo-{n}", prior=49, now=49 + 7 * n) for n in range(10)]
    repos[9] = repo("org/repo-9", prior=49, now=112, event=RELEASE)
    shown = briefing(*repos)
    return briefing_message(shown, briefing_chart(shown))


def payload(view: discord.ui.LayoutView) -> dict[str, Any]:
    return {"flags": IS_COMPONENTS_V2, "components": view.to_components()}


def test_a_ten_repo_briefing_fits_and_passes_discords_checks() -> None:
    shown = layout(ten_repo_briefing())
    assert shown is not None
    [chart] = shown.files
    assert v2_problems(payload(shown.view), [chart.filename]) == []
    assert shown.view.content_length() <= MAX_TEXT
    assert len(list(shown.view.walk_children())) <= MAX_COMPONENTS


def test_strangers_text_pings_nobody_in_the_layout() -> None:
    # The release's name carries "@everyone"; only its tag is shown, and text is escaped.
    shown = layout(Message(title="@everyone", sections=(Section(text="<@&123> @here"),),
                           audience="channel"))
    assert shown is not None
    texts = [item.content for item in shown.view.walk_children()
             if isinstance(item, discord.ui.TextDisplay)]
    assert all("@everyone" not in text and "<@&" not in text for text in texts)


def test_too_much_text_goes_as_embeds() -> None:
    # 41 paragraphs of 100 characters: 4,100 characters, past the 4,000 allowed.
    long = Message(title="t", sections=tuple(Section(text="x" * 100) for _ in range(41)),
                   audience="channel")
    assert layout(long) is None


def test_too_many_components_goes_as_embeds() -> None:
    # Each section is a separator and a text display: 20 sections, a title and the
    # container make 42 components, past the 40 allowed.
    many = Message(title="t", sections=tuple(Section(text="x") for _ in range(20)),
                   audience="channel")
    assert layout(many) is None


def test_the_fake_refuses_what_discord_refuses() -> None:
    text = {"type": 10, "content": "x"}
    assert v2_problems({"flags": IS_COMPONENTS_V2, "content": "hi", "components": [text]}, [])
    nested = {"type": 17, "components": [text] * 40}  # 41 with the container
    assert any("more than 40" in p for p in v2_problems({"components": [nested]}, []))
    gallery = {"type": 12, "items": [{"media": {"url": "attachment://chart.png"}}]}
    assert v2_problems({"components": [gallery]}, []) == [
        "media gallery: attachment://chart.png names no attached file"
    ]
    assert v2_problems({"components": [gallery]}, ["chart.png"]) == []
