"""The ``momentum`` command: the composition root that wires settings, store and adapters."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from adapters.console import CONSOLE_CHANNEL, ConsoleAdapter
from bot import __version__
from bot.adapter import Adapter
from bot.briefing_cli import BriefingRequest, BriefingRequestError, print_briefing
from bot.briefing_cli import add_arguments as add_briefing_arguments
from bot.briefing_cli import parse_request as parse_briefing_request
from bot.commands import Router
from bot.context import Context, utc_now
from bot.demo import DEMO_LABEL, seed_demo
from bot.settings import Settings, SettingsError, load_settings
from bot.store import Store
from storage import StoreUnavailable, open_store

log = logging.getLogger("momentum")


class StartupError(Exception):
    """Momentum cannot start; ``str()`` is one line that says why."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="momentum",
        description="Tells Slack and Discord channels which open-source repositories are "
        "gaining or losing momentum, and why.",
        epilog="Configuration comes from the environment and .env; see README.md.",
    )
    parser.add_argument("--version", action="version", version=f"momentum {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "run",
        help="start every configured adapter (the console when no Slack or Discord token is set)",
    )
    commands.add_parser("console", help="answer /momentum commands typed or piped on stdin")
    briefing = commands.add_parser(
        "briefing", help="print a briefing for a list of repos or a channel's watch list"
    )
    add_briefing_arguments(briefing)
    demo = commands.add_parser(
        "demo", help="run the console offline on synthetic data (a throwaway database)"
    )
    demo.add_argument(
        "--database", type=Path, help="keep the demo database at this path instead"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        settings = load_settings()
        logging.basicConfig(
            level=settings.log_level,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
            stream=sys.stderr,
        )
        if args.command == "demo":
            return asyncio.run(_demo(settings, args.database))
        if args.command == "briefing":
            return asyncio.run(_briefing(settings, parse_briefing_request(args)))
        if args.command == "console":
            return asyncio.run(_serve(settings, console_only=True))
        return asyncio.run(_serve(settings, console_only=False))
    except (SettingsError, StartupError, StoreUnavailable, BriefingRequestError) as exc:
        print(f"momentum: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def _serve(settings: Settings, *, console_only: bool) -> int:
    store = await open_store(settings.database_url)
    try:
        router = Router(Context(store, settings, utc_now))
        adapters = (
            [ConsoleAdapter(router)]
            if console_only
            else _configured_adapters(settings, router, store)
        )
        await _run_all(adapters)
    finally:
        await store.close()
    return 0


def _configured_adapters(settings: Settings, router: Router, store: Store) -> list[Adapter]:
    adapters: list[Adapter] = []
    if settings.slack_configured:
        adapters.append(_slack_adapter(settings, router, store))
    if settings.discord_configured:
        adapters.append(_discord_adapter(settings, router, store))
    return adapters or [ConsoleAdapter(router)]


def _slack_adapter(settings: Settings, router: Router, store: Store) -> Adapter:
    # Imported here so that the core and the console never load slack_bolt.
    from adapters.slack.app import SlackAdapter
    from adapters.slack.installations import StoreInstallationStore, StoreOAuthStateStore

    return SlackAdapter(
        settings,
        router,
        installation_store=StoreInstallationStore(store),
        state_store=StoreOAuthStateStore(store),
    )


def _discord_adapter(settings: Settings, router: Router, store: Store) -> Adapter:
    # Imported here so that discord.py loads only when a Discord token is configured.
    from adapters.discord.bot import DiscordAdapter

    return DiscordAdapter(settings, router, store)


async def _run_all(adapters: Sequence[Adapter]) -> None:
    try:
        async with asyncio.TaskGroup() as group:
            for adapter in adapters:
                group.create_task(adapter.run(), name=f"adapter-{adapter.name}")
    finally:
        for adapter in adapters:
            await adapter.close()


async def _briefing(settings: Settings, request: BriefingRequest) -> int:
    store = await open_store(settings.database_url)
    try:
        output = await print_briefing(
            store, request, today=utc_now().date(), default_window=settings.window_days
        )
    finally:
        await store.close()
    print(output)
    return 0


async def _demo(settings: Settings, database: Path | None) -> int:
    with tempfile.TemporaryDirectory(prefix="momentum-demo-") as scratch:
        path = database or Path(scratch) / "demo.db"
        store = await open_store(f"sqlite:///{path}")
        try:
            now = utc_now()
            if not await store.watch_list(CONSOLE_CHANNEL):
                await seed_demo(store, CONSOLE_CHANNEL, now)
            router = Router(Context(store, settings, utc_now, synthetic=True))
            console = ConsoleAdapter(router, banner=DEMO_LABEL)
            if not sys.stdin.isatty():
                print(DEMO_LABEL + "\n")
            await _run_all([console])
        finally:
            await store.close()
    return 0
