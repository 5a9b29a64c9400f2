"""``momentum predictions export``: a channel's prediction ledger, with its receipts."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from bot.core.command import ChannelKey
from bot.core.store import Store
from bot.features.predictions.receipts import ledger, verify

if TYPE_CHECKING:
    from bot.core.settings import Settings


def add_arguments(commands: argparse._SubParsersAction[Any]) -> None:
    predictions = commands.add_parser(
        "predictions", help="a channel's prediction ledger, with the receipts' hashes"
    )
    actions = predictions.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export", help="print the channel's prediction sets as JSON, each with its SHA-256 "
        "and the hash of the set before it"
    )
    export.add_argument("--channel", required=True, metavar="KEY",
                        help="platform:workspace/channel, e.g. slack:T0123/C0456")
    export.add_argument("--verify", action="store_true",
                        help="recompute every hash from the stored predictions; exit 1 when "
                        "one does not match")


async def predictions_main(settings: Settings, args: argparse.Namespace) -> int:
    try:
        key = ChannelKey.parse(args.channel)
    except ValueError as exc:
        print(f"momentum: {exc}", file=sys.stderr)
        return 2
    from storage import open_store  # the composition root's job, done here for the CLI

    store = await open_store(settings.database_url)
    try:
        return await export(store, key, check=args.verify)
    finally:
        await store.close()


async def export(store: Store, key: ChannelKey, *, check: bool) -> int:
    sets = await store.prediction_sets(key)
    predictions = await store.predictions(key)
    print(json.dumps({"channel": str(key), "sets": ledger(sets, predictions)}, indent=2))
    if not check:
        return 0
    problems = verify(sets, predictions)
    for problem in problems:
        print(f"momentum: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"momentum: all {len(sets)} sets verify; the chain holds.", file=sys.stderr)
    return 0
