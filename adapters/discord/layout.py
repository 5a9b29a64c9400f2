"""Renders a core :class:`Message` as Discord Components V2: a ``LayoutView`` of one
container holding text displays, separators and the chart in a media gallery.

Discord's limits for a message with the ``IS_COMPONENTS_V2`` flag: 40 components
counted with the nested ones, 4,000 characters across all text displays, no ``content``
or ``embeds`` beside them, and attachments shown only where a component names them
(``attachment://chart.png``). A message that does not fit is not cut: :func:`layout`
answers None and the sender uses the embeds (:mod:`adapters.discord.render`), which is
also what it falls back to when Discord refuses the layout. Text is escaped as in the
embeds (``escape.py``); the chart's alt text goes in the gallery item's description
only.
"""

from __future__ import annotations

from dataclasses import dataclass

import discord

from adapters.discord import escape
from adapters.discord.render import ERROR_COLOUR, INFO_COLOUR, chart_file, link, table_lines
from bot.core.message import Message, Section, render_spans

MAX_COMPONENTS = 40
MAX_TEXT = 4000
MAX_MEDIA_DESCRIPTION = 1024
_FENCE = "```"


@dataclass(frozen=True, slots=True)
class Layout:
    """What a Components V2 send needs: the view and the files it shows."""

    view: discord.ui.LayoutView
    files: list[discord.File]


def layout(message: Message) -> Layout | None:
    """The message as one container; None when it exceeds Discord's limits."""
    items: list[discord.ui.Item[discord.ui.LayoutView]] = [
        discord.ui.TextDisplay(f"## {escape.inline(message.title)}")
    ]
    files: list[discord.File] = []
    gallery: discord.ui.MediaGallery[discord.ui.LayoutView] | None = None
    if message.chart is not None:
        file = chart_file(message.chart)
        files.append(file)
        gallery = discord.ui.MediaGallery(
            discord.MediaGalleryItem(
                f"attachment://{file.filename}",
                description=escape.trim(
                    escape.plain(message.chart.alt_text), MAX_MEDIA_DESCRIPTION
                ) or None,
            )
        )
    for section in message.sections:
        # The chart goes with the full table, as in Slack; else at the end.
        if section.table is not None and gallery is not None:
            items += [discord.ui.Separator(), gallery]
            gallery = None
        text = _section_text(section)
        if text:
            items += [discord.ui.Separator(), discord.ui.TextDisplay(text)]
    if gallery is not None:
        items += [discord.ui.Separator(), gallery]
    if message.footnotes:
        notes = "\n".join(f"-# {escape.inline(note)}" for note in message.footnotes)
        items += [discord.ui.Separator(), discord.ui.TextDisplay(notes)]
    # The container counts as a component too.
    if 1 + len(items) > MAX_COMPONENTS:
        return None
    colour = ERROR_COLOUR if message.tone == "error" else INFO_COLOUR
    view = discord.ui.LayoutView(timeout=None)
    view.add_item(discord.ui.Container(*items, accent_colour=colour))
    if view.content_length() > MAX_TEXT:
        return None
    return Layout(view, files)


def _section_text(section: Section) -> str:
    parts: list[str] = []
    if section.title:
        parts.append(f"**{escape.inline(section.title)}**")
    if section.text:
        parts.append(render_spans(section.text, escape.inline, link))
    parts += [
        f"**{escape.inline(field.label)}**: {escape.inline(field.value)}"
        for field in section.fields
    ]
    if section.table is not None:
        header, rows = table_lines(section.table)
        parts.append("\n".join([_FENCE, *header, *rows, _FENCE]))
    if section.code:
        parts.append("\n".join([_FENCE, escape.code(section.code), _FENCE]))
    return "\n".join(parts)
