"""The checks the fake Discord applies to a message sent with the ``IS_COMPONENTS_V2``
flag, as Discord documents them (Components > Using Message Components): no ``content``,
``embeds``, ``poll`` or ``stickers`` beside the components; at most 40 components,
nested ones counted; at most 4,000 characters across all text displays; a media
gallery of 1-10 items, each ``attachment://`` address naming a file sent with the
message. Each problem is one string; the fake answers 400 Invalid Form Body with them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

IS_COMPONENTS_V2 = 1 << 15
MAX_COMPONENTS = 40
MAX_TEXT = 4000
TEXT_DISPLAY = 10
MEDIA_GALLERY = 12
KNOWN_TYPES = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 17})


def is_v2(body: Mapping[str, Any]) -> bool:
    return bool(int(body.get("flags") or 0) & IS_COMPONENTS_V2)


def v2_problems(body: Mapping[str, Any], filenames: Sequence[str]) -> list[str]:
    problems = [
        f"{name} cannot be used with IS_COMPONENTS_V2"
        for name in ("content", "embeds", "poll", "stickers")
        if body.get(name)
    ]
    components = list(_walk(body.get("components") or []))
    if not components:
        problems.append("components: a Components V2 message needs at least one")
    if len(components) > MAX_COMPONENTS:
        problems.append(f"components: {len(components)} is more than {MAX_COMPONENTS}")
    text = 0
    for component in components:
        kind = component.get("type")
        if kind not in KNOWN_TYPES:
            problems.append(f"components: unknown type {kind!r}")
        if kind == TEXT_DISPLAY:
            content = component.get("content")
            if not isinstance(content, str) or not content:
                problems.append("text display: content must be a non-empty string")
            else:
                text += len(content)
        if kind == MEDIA_GALLERY:
            problems += _gallery(component, filenames)
    if text > MAX_TEXT:
        problems.append(f"text displays: {text} characters is more than {MAX_TEXT}")
    return problems


def _walk(components: object) -> Iterator[Mapping[str, Any]]:
    for component in components if isinstance(components, list) else []:
        if not isinstance(component, Mapping):
            continue
        yield component
        yield from _walk(component.get("components"))
        accessory = component.get("accessory")
        if isinstance(accessory, Mapping):
            yield accessory


def _gallery(component: Mapping[str, Any], filenames: Sequence[str]) -> list[str]:
    items = component.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= 10:
        return ["media gallery: 1 to 10 items"]
    problems = []
    for item in items:
        url = str(((item or {}).get("media") or {}).get("url") or "")
        if url.startswith("attachment://") and url.removeprefix("attachment://") not in filenames:
            problems.append(f"media gallery: {url} names no attached file")
        description = (item or {}).get("description")
        if description is not None and len(str(description)) > 1024:
            problems.append("media gallery: a description is more than 1024 characters")
    return problems
