"""The ``momentum`` command: the composition root that wires settings, store and adapters."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from adapters.console import ConsoleAdapter
from bot import __version__
from bot.app.cli import db as db_cli
from bot.app.cli.backtest import add_arguments as add_backtest_arguments
from bot.app.cli.backtest import backtest_main
from bot.app.cli.briefing import (
    BriefingRequest,
    BriefingRequestError,
    collect_for_briefing,
    print_briefing,
)
from bot.app.cli.briefing import add_arguments as add_briefing_arguments
from bot.app.cli.briefing import parse_request as parse_briefing_request
from bot.app.cli.compare import add_arguments as add_compare_arguments
from bot.app.cli.compare import compare_main
from bot.app.progress import progress_bar
from bot.app.runtime import open_services
from bot.core.adapter import Adapter
from bot.core.settings import Settings, SettingsError, load_settings
from bot.core.store import Store
from bot.features.commands import Router
from bot.features.commands.context import utc_now
from bot.features.compare.request import CompareRequestError
from storage import StoreUnavailable

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
        help="serve every configured adapter (the console when no Slack or Discord token is "
        "set), post scheduled briefings and alerts, collect from GitHub every 6 hours",
    )
    commands.add_parser("console", help="answer /momentum commands typed or piped on stdin")
    commands.add_parser(
        "collect", help="refresh every watched repo's stars and metadata from GitHub now"
    )
    briefing = commands.add_parser(
        "briefing", help="print a briefing for a list of repos or a channel's watch list"
    )
    add_briefing_arguments(briefing)
    compare = commands.add_parser(
        "compare", help="cumulative stars of 2 to 10 repos on one chart, with a table"
    )
    add_compare_arguments(compare)
    backtest = commands.add_parser(
        "backtest", help="replay weekly briefings over stored history and score their predictions"
    )
    add_backtest_arguments(backtest)
    demo = commands.add_parser(
        "demo", help="the whole bot offline on a synthetic GitHub (a throwaway database)"
    )
    demo.add_argument(
        "--database", type=Path, help="keep the demo database at this path instead"
    )
    db_cli.add_arguments(commands)
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
        if settings.log_level != "DEBUG":
            # A line per HTTP request or per job run drowns what matters.
            logging.getLogger("httpx").setLevel(logging.WARNING)
            logging.getLogger("apscheduler").setLevel(logging.WARNING)
        if args.command == "db":
            return asyncio.run(db_cli.run(args, settings.database_url))
        if args.command == "demo":
            from bot.app.demo import run_demo

            return asyncio.run(run_demo(settings, args.database))
        if args.command == "backtest":
            return asyncio.run(backtest_main(settings, args))
        if args.command == "briefing":
            return asyncio.run(_briefing(settings, parse_briefing_request(args)))
        if args.command == "compare":
            return asyncio.run(compare_main(settings, args))
        if args.command == "collect":
            return asyncio.run(_collect(settings))
        if args.command == "console":
            return asyncio.run(_serve(settings, console_only=True))
        return asyncio.run(_serve(settings, console_only=False))
    except (
        SettingsError, StartupError, StoreUnavailable, BriefingRequestError, CompareRequestError
    ) as exc:
        print(f"momentum: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def _serve(settings: Settings, *, console_only: bool) -> int:
    async with open_services(settings) as services:
        router = services.router
        if console_only:
            await run_all([ConsoleAdapter(router)])
            return 0
        adapters = _configured_adapters(settings, router, services.store)
        scheduler = services.scheduler(adapters)
        await scheduler.start()
        try:
            await run_all(adapters)
        finally:
            await scheduler.shutdown()
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

    return SlackAdapter(settings, router, store)


def _discord_adapter(settings: Settings, router: Router, store: Store) -> Adapter:
    # Imported here so that discord.py loads only when a Discord token is configured.
    from adapters.discord.bot import DiscordAdapter

    return DiscordAdapter(settings, router, store)


async def run_all(adapters: Sequence[Adapter]) -> None:
    try:
        async with asyncio.TaskGroup() as group:
            for adapter in adapters:
                group.create_task(adapter.run(), name=f"adapter-{adapter.name}")
    finally:
        for adapter in adapters:
            await adapter.close()


async def _collect(settings: Settings) -> int:
    async with open_services(settings) as services:
        with progress_bar("Collecting from GitHub") as progress:
            summary = await services.data.collect(progress=progress)
    print("\n".join(summary.lines()))
    return 0


async def _briefing(settings: Settings, request: BriefingRequest) -> int:
    now = utc_now()
    today = now.date()
    async with open_services(settings) as services:
        if not request.offline:
            with progress_bar("Collecting what the briefing needs") as progress:
                await collect_for_briefing(services, request, today, progress)
        output = await print_briefing(
            services.store, request, today=today, now=now, default_window=settings.window_days
        )
    print(output)
    return 0
