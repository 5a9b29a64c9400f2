"""Strangers' text made inert for Discord: it cannot mention, link or format.

Every string in a core ``Message`` is plain text, so every string passes through one of
these before it reaches an embed. ``AllowedMentions.none()`` on each send stops pings;
escaping also stops a mention, a channel link or a masked link from *rendering*.
"""

from __future__ import annotations

import re

from discord.utils import escape_markdown, escape_mentions

from adapters.text import clean

ZWSP = "\u200b"

# `<@id>`, `<@!id>`, `<@&id>`, `<#id>`, `</cmd:id>`, `<t:…>`, `<:emoji:id>`, `<https://…>`:
# Discord's angle-bracket syntax always starts right after "<"; a zero-width space there
# leaves the text readable and unparsed.
_ANGLE = re.compile(r"<(?=[@#/:a-zA-Z!&])")
# A masked link needs "](" adjacent; a bare URL needs "scheme://" adjacent.
_MASKED_LINK = re.compile(r"\]\s*\(")
_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*):(?=//)")
_BACKTICK = re.compile("`")


def _neutralise(text: str) -> str:
    text = _ANGLE.sub("<" + ZWSP, clean(text))
    text = _MASKED_LINK.sub(lambda m: "]" + ZWSP + m.group(0)[1:], text)
    text = _SCHEME.sub(lambda m: m.group(1) + ZWSP + ":", text)
    return escape_mentions(text)


def inline(text: str) -> str:
    """For places Discord renders as markdown: titles, descriptions, field names and values."""
    # Neutralise first, without backslashes, so escape_markdown's own backslash escaping
    # cannot be doubled into a literal backslash that re-enables the syntax.
    return escape_markdown(_neutralise(text), ignore_links=False)


def code(text: str) -> str:
    """For the inside of a ``` block: nothing renders there except a fence that closes it."""
    return _BACKTICK.sub("`" + ZWSP, clean(text))


def plain(text: str) -> str:
    """For footers and alt text, which Discord shows verbatim: a markdown backslash would
    show, so only mentions and angle-bracket syntax are neutralised."""
    return _neutralise(text)


def units(text: str) -> int:
    """Length as Discord counts it. Its limits are checked by JavaScript-style UTF-16 code
    units on some paths, which is never fewer than code points, so counting units is safe
    either way."""
    return len(text.encode("utf-16-le")) // 2


def trim(text: str, limit: int, *, ellipsis: str = "…") -> str:
    """``text`` cut to ``limit`` units, marked with an ellipsis when something was cut."""
    if units(text) <= limit:
        return text
    room = limit - units(ellipsis)
    cut = text
    # Cut by code points so a surrogate pair is never split; shrink from a close estimate.
    cut = cut[: max(room, 0)]
    while cut and units(cut) > room:
        cut = cut[:-1]
    # A dangling backslash would escape the ellipsis and show itself.
    if (len(cut) - len(cut.rstrip("\\"))) % 2:
        cut = cut[:-1]
    return cut + ellipsis
