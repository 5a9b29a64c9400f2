"""What the core answers with: a platform-neutral message that each adapter renders.

Every string in a message is plain text. Nothing here is markup, so a renderer escapes all
of it for its platform; that is what keeps a stranger's repo description from pinging a
channel or forming a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Every reply made from `momentum demo` data carries this line.
DEMO_LABEL = "DEMO: fictional repositories with synthetic figures, not GitHub data."

Tone = Literal["info", "error"]
Audience = Literal["requester", "channel"]


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
class Chart:
    png: bytes
    alt_text: str
    filename: str = "chart.png"


@dataclass(frozen=True, slots=True)
class Section:
    title: str | None = None
    text: str = ""
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
