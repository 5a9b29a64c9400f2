"""Making a stranger's plain text safe inside Slack ``mrkdwn`` and ``plain_text`` objects.

Slack parses ``&``, ``<`` and ``>`` as control characters in every text object: ``<!channel>``
pings a channel, ``<@U123>`` mentions a user, ``<https://x|y>`` makes a link. Escaping
those three as HTML entities is what Slack documents, and it is enough to stop every
``<…>`` construct. What escaping does not stop is handled here too:

- bare ``scheme://…``, ``mailto:`` and ``www.`` addresses, which clients link on sight;
- ``@channel`` / ``@here`` / ``@everyone``, which become pings when a message is posted with
  ``link_names``;
- mrkdwn emphasis (``*``, ``_``, ``~``, backticks) and line-leading ``>`` quotes, which would
  let a description restyle or break the layout around it.

Invisible word joiners (U+2060) break the link and mention patterns without changing what
a reader sees; formatting characters that could open or close a span are swapped for
look-alikes. A ``_`` or ``*`` between two letters or digits (``snake_case``) cannot form a
span, so it is left alone and names stay copyable.
"""

from __future__ import annotations

import re
from functools import lru_cache

from adapters.text import clean

WORD_JOINER = "\u2060"

_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{1,31}):(?=//)")
_MAILTO = re.compile(r"(?i)\b(mailto|tel|slack):")
_WWW = re.compile(r"(?i)\bwww\.")
_BROADCAST = re.compile(r"(?i)([@!])(?=(channel|here|everyone|subteam)\b)")
# Emphasis opens after a non-alphanumeric character and closes before one.
_EMPHASIS = re.compile(r"(?<![A-Za-z0-9])[*_~]|[*_~](?![A-Za-z0-9])")
_LOOKALIKE = {"*": "\u2217", "_": "\uff3f", "~": "\u223c"}
_QUOTE = re.compile(r"(?m)^(\s*)>")


# Escaped texts remembered: a fan-out renders the same list's names, figures and titles
# for every channel watching it, and escaping was a tenth of rendering a post there. A
# few thousand short strings are some hundreds of kilobytes.
_REMEMBERED = 4096


def escape_entities(text: str) -> str:
    # ``&`` first, so the entities made for ``<`` and ``>`` are not escaped again. Three
    # C-level passes: a Python loop per character was most of an answer's rendering time.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def defuse(text: str) -> str:
    """Breaks links and mentions that survive entity escaping (shared by every text kind)."""
    # Each pattern needs a character most figures and names lack: looking for it first
    # spares an answer's dozens of short strings most of the regex passes.
    if ":" in text:
        text = _SCHEME.sub(lambda m: m[1] + ":" + WORD_JOINER, text)
        text = _MAILTO.sub(lambda m: m[1] + WORD_JOINER + ":", text)
    if "." in text:
        text = _WWW.sub(lambda m: m[0][:3] + WORD_JOINER + ".", text)
    if "@" in text or "!" in text:
        text = _BROADCAST.sub(lambda m: m[1] + WORD_JOINER, text)
    return text


@lru_cache(maxsize=_REMEMBERED)
def mrkdwn(text: str) -> str:
    """A stranger's text as inert mrkdwn: shows as written, pings nobody, links nothing."""
    text = clean(text).replace("`", "\u02cb")
    if ">" in text:
        text = _QUOTE.sub(lambda m: m[1] + "\uff1e", text)
    if "*" in text or "_" in text or "~" in text:
        text = _EMPHASIS.sub(lambda m: _LOOKALIKE[m[0]], text)
    return escape_entities(defuse(text))


@lru_cache(maxsize=_REMEMBERED)
def code(text: str) -> str:
    """Text for inside a ``` block: no formatting applies there, but entities, links and
    mentions are still parsed, and a backtick run would end the block early."""
    return escape_entities(defuse(clean(text).replace("`", "\u02cb")))


@lru_cache(maxsize=_REMEMBERED)
def plain(text: str) -> str:
    """Text for a ``plain_text`` object (headers): no formatting, but the same control
    characters and auto-linking."""
    return escape_entities(defuse(clean(text)))


def clip(escaped: str, limit: int, marker: str = "…") -> str:
    """Shortens escaped text to ``limit`` characters, marker included, never cutting an
    entity (``&amp;``) in half."""
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: max(limit - len(marker), 0)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + marker
