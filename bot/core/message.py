"""What the core answers with: a platform-neutral message that each adapter renders.

Every string in a message is plain text. Nothing here is markup, so a renderer escapes all
of it for its platform; that is what keeps a stranger's repo description from pinging a
channel or forming a link. The one way to make a link is a :class:`Link`, whose address
must pass :data:`SAFE_URL` (built from trusted parts, see ``bot.core.links``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

# Every reply made from `momentum demo` data carries this line.
DEMO_LABEL = "DEMO: fictional repositories with synthetic figures, not GitHub data."

Tone = Literal["info", "error"]
Audience = Literal["requester", "channel"]


# https on GitHub, and only characters no platform's link syntax gives a meaning to (an
# address holds no space, "|", ">", ")" or "]", so it cannot end a link early).
SAFE_URL = re.compile(r"https://github\.com(/[A-Za-z0-9._~%-]+)+")


@dataclass(frozen=True, slots=True)
class Link:
    """``text`` (plain, escaped like any text) shown as a link to ``url``."""

    text: str
    url: str

    def __post_init__(self) -> None:
        if not SAFE_URL.fullmatch(self.url):
            raise ValueError(f"not a safe link address: {self.url!r}")


Span = str | Link
# A section's text: plain, or plain pieces and links in reading order.
Text = str | tuple[Span, ...]


def plain_text(text: Text) -> str:
    """The text as a reader sees it, links shown as their text."""
    return text if isinstance(text, str) else "".join(
        span.text if isinstance(span, Link) else span for span in text
    )


def render_spans(
    text: Text, escape: Callable[[str], str], link: Callable[[Link], str]
) -> str:
    """A renderer's markup for ``text``: each plain piece through ``escape``, each link
    through ``link``."""
    if isinstance(text, str):
        return escape(text)
    return "".join(link(span) if isinstance(span, Link) else escape(span) for span in text)


@dataclass(frozen=True, slots=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"a row has {len(row)} cells for {len(self.columns)} columns")


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """One line of a chart: a name (plain text) and one value per category."""

    name: str
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """A drawn PNG, described once by ``alt_text`` (for the platform's alt field, never
    the message's body). ``series`` over ``categories`` are the same lines as data, for
    a platform that draws charts natively (Slack's ``data_visualization``); empty when
    the chart has no such form."""

    png: bytes
    alt_text: str
    filename: str = "chart.png"
    title: str = ""
    categories: tuple[str, ...] = ()
    series: tuple[ChartSeries, ...] = ()
    y_label: str = ""

    def __post_init__(self) -> None:
        for line in self.series:
            if len(line.values) != len(self.categories):
                raise ValueError(
                    f"{line.name!r} has {len(line.values)} values for "
                    f"{len(self.categories)} categories"
                )


@dataclass(frozen=True, slots=True)
class Section:
    title: str | None = None
    text: Text = ""
    fields: tuple[Field, ...] = ()
    table: Table | None = None
    # Lines such as usage examples that a renderer shows verbatim (monospace).
    code: str | None = None


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    sections: tuple[Section, ...] = ()
    chart: Chart | None = None
    footnotes: tuple[str, ...] = ()
    tone: Tone = "info"
    # Answers to questions go to the requester alone where the platform allows it
    # (ephemeral); briefings go to the whole channel.
    audience: Audience = "requester"


def error(title: str, text: str = "", *, usage: str | None = None) -> Message:
    """A refusal: says what was wrong and, when it helps, how to ask correctly."""
    sections = [Section(text=text)] if text else []
    if usage:
        sections.append(Section(title="Usage", code=usage))
    return Message(title=title, sections=tuple(sections), tone="error")
