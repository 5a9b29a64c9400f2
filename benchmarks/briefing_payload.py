"""How big a channel's briefing is on Slack and Discord: blocks and characters.

    printf '' | momentum demo --database demo.db     # once: the demo's data
    python benchmarks/briefing_payload.py demo.db [--channel console:local/console]

Composes the channel's briefing from a copy of the database (the copy takes the
predictions it makes) and prints, for Slack, the payload's block count, block types and
JSON characters with the newer blocks (``data_visualization``, ``data_table``) and with
their fallback (the PNG's ``image`` block, the ``table`` block), and, for Discord, the
Components V2 layout's components and text characters (limits: 40 and 4,000).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.discord.layout import layout
from adapters.slack.render import NATIVE_TYPES, render
from bot.core.command import ChannelKey
from bot.features.briefing.channel import channel_briefing_parts
from storage import open_store

# A file id of Slack's shape, standing for the uploaded PNG.
FILE_ID = "F0123456789"


async def measure(database: Path, channel: ChannelKey) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "briefing.db"
        shutil.copy(database, copy)
        store = await open_store(f"sqlite:///{copy}")
        try:
            record = await store.get_channel(channel)
            if record is None:
                raise SystemExit(f"{channel} is not in {database}")
            now = datetime.now(UTC)
            found = await channel_briefing_parts(
                store, record, as_of=now.date(), default_window=7, now=now, synthetic=True
            )
            if found is None:
                raise SystemExit(f"{channel} watches no repos")
            message = found.message()
        finally:
            await store.close()
    for name, native in (("native", NATIVE_TYPES), ("fallback", frozenset[str]())):
        payload = render(message, native=native, chart_file=FILE_ID).payload()
        blocks: list[dict[str, Any]] = [
            *payload["blocks"], *(b for a in payload.get("attachments", []) for b in a["blocks"])
        ]
        print(f"Slack {name}: {len(blocks)} blocks, "
              f"{len(json.dumps(payload, ensure_ascii=False)):,} JSON characters, "
              f"text fallback {len(payload['text']):,}")
        print("  " + ", ".join(block["type"] for block in blocks))
    shown = layout(message)
    if shown is None:
        print("Discord: over the Components V2 limits; sent as embeds")
    else:
        components = len(list(shown.view.walk_children()))
        print(f"Discord Components V2: {components} components, "
              f"{shown.view.content_length():,} text characters")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--channel", default="console:local/console")
    args = parser.parse_args()
    asyncio.run(measure(args.database, ChannelKey.parse(args.channel)))


if __name__ == "__main__":
    main()
