"""The ``momentum`` subcommands at work: the composition root that wires settings, store
and adapters (the parser, kept light, is :mod:`bot.app.cli`)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from pathlib import Path

from adapters.console import ConsoleAdapter
from bot.app.cli import db as db_cli
from bot.app.cli import predictions as predictions_cli
from bot.app.cli.backtest import backtest_main
from bot.app.cli.briefing import (
    BriefingRequest,
    BriefingRequestError,
    collect_for_briefing,
    print_briefing,
)
from bot.app.cli.briefing import parse_request as parse_briefing_request
from bot.app.cli.chart_file import ChartFileError
from bot.app.cli.compare import compare_main
from bot.app.progress import progress_bar
from bot.app.runtime import open_services, serve
from bot.core.adapter import Adapter
from bot.core.settings import Settings, SettingsError, load_settings
from bot.core.store import Store
from bot.features.commands import Router
from bot.features.commands.context import utc_now
from bot.features.compare.request import CompareRequestError
from storage import StoreUnavailable, redacted_url

log = logging.getLogger("momentum")


class StartupError(Exception):
    """Momentum cannot start; ``str()`` is one line that says why."""


def run_command(args: argparse.Namespace) -> int:
    """Run the subcommand ``args`` names; the exit status."""
    try:
        settings = load_settings()
        on_console = args.command in {"console", "demo"} or (
            args.command == "run" and not (settings.slack_configured or settings.discord_configured)
        )
        # Log lines between a prompt and its answer make the console unreadable: there,
        # only warnings and errors, unless LOG_LEVEL asks for more.
        quiet = on_console and "log_level" not in settings.model_fields_set
        logging.basicConfig(
            level="WARNING" if quiet else settings.log_level,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
            stream=sys.stderr,
        )
        if args.command == "run" and on_console:
            print(f"momentum: {_console_notice(settings)}", file=sys.stderr)
        if settings.log_level != "DEBUG":
            # A line per HTTP request or per job run drowns what matters.
            logging.getLogger("httpx").setLevel(logging.WARNING)
            logging.getLogger("apscheduler").setLevel(logging.WARNING)
        if args.command == "db":
            return asyncio.run(db_cli.run(args, settings.database_url))
        if args.command == "predictions":
            return asyncio.run(predictions_cli.predictions_main(settings, args))
        if args.command == "demo":
            from bot.app.demo import run_demo

            return asyncio.run(run_demo(settings, args.database))
        if args.command == "backtest":
            return asyncio.run(backtest_main(settings, args))
        if args.command == "briefing":
            return asyncio.run(
                _briefing(settings, parse_briefing_request(args, utc_now().date()))
            )
        if args.command == "compare":
            return asyncio.run(compare_main(settings, args))
        if args.command == "collect":
            return asyncio.run(_collect(settings, args.pages))
        if args.command == "console":
            return asyncio.run(_serve(settings, console_only=True))
        return asyncio.run(_serve(settings, console_only=False))
    except (
        SettingsError, StartupError, StoreUnavailable, BriefingRequestError, CompareRequestError,
        ChartFileError,
    ) as exc:
        print(f"momentum: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def _serve(settings: Settings, *, console_only: bool) -> int:
    async with open_services(settings) as services:
        router = services.router
        if console_only:
            await serve([ConsoleAdapter(router)])
            return 0
        adapters = _configured_adapters(settings, router, services.store)
        await serve(adapters, services.scheduler(adapters), stop=_stop_on_sigterm())
    return 0


def _stop_on_sigterm() -> asyncio.Event:
    """Set on SIGTERM (``docker stop``, systemd, Kubernetes): the bot claims no more
    briefings, lets the posts under way finish and exits 0; what it had not claimed is
    posted at the next start. Without a handler Python dies at once, mid-post."""
    stop = asyncio.Event()

    def stopping() -> None:
        log.warning("SIGTERM: finishing the posts under way, then stopping")
        stop.set()

    with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows loops
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping)
    return stop


def _configured_adapters(settings: Settings, router: Router, store: Store) -> list[Adapter]:
    adapters: list[Adapter] = []
    if settings.slack_configured:
        adapters.append(_slack_adapter(settings, router, store))
    if settings.discord_configured:
        adapters.append(_discord_adapter(settings, router, store))
    return adapters or [ConsoleAdapter(router)]


def _console_notice(settings: Settings) -> str:
    return (
        "No Slack or Discord token is set: serving this console, and posting scheduled "
        f"briefings here. Data: {_data_location(settings.database_url)}."
    )


def _data_location(database_url: str) -> str:
    """Where the data lives, for people: the SQLite file's full path, or the PostgreSQL
    address without its password."""
    if database_url.startswith("sqlite:///"):
        return str(Path(database_url.removeprefix("sqlite:///")).resolve())
    return redacted_url(database_url)


def _slack_adapter(settings: Settings, router: Router, store: Store) -> Adapter:
    # Imported here so that the core and the console never load slack_bolt.
    from adapters.slack.app import SlackAdapter

    return SlackAdapter(settings, router, store)


def _discord_adapter(settings: Settings, router: Router, store: Store) -> Adapter:
    # Imported here so that discord.py loads only when a Discord token is configured.
    from adapters.discord.bot import DiscordAdapter

    return DiscordAdapter(settings, router, store)


def _say(line: str) -> None:
    print(f"momentum: {line}", file=sys.stderr)


async def _collect(settings: Settings, pages: int | None) -> int:
    async with open_services(settings) as services:
        services.github.on_wait = _say
        if services.context.synthetic:
            raise StartupError(
                "this is a demo database (synthetic repos that GitHub does not have); "
                "collect into another DATABASE_URL, or refresh it with momentum demo --database"
            )
        with progress_bar("Collecting from GitHub") as progress:
            summary = await services.data.collect(pages=pages, progress=progress)
    print("\n".join(summary.lines()))
    if summary.unreachable is not None:
        print(
            f"momentum: GitHub could not be reached at {settings.github_api_url}, so nothing "
            "was collected; check the network (or GITHUB_API_URL) and run it again, or use "
            "`momentum briefing --offline` to read the stored data",
            file=sys.stderr,
        )
        return 1
    return 0


async def _briefing(settings: Settings, request: BriefingRequest) -> int:
    now = utc_now()
    today = now.date()
    async with open_services(settings) as services:
        services.github.on_wait = _say
        # A demo database's repos exist only on the demo's synthetic GitHub.
        if not request.offline and not services.context.synthetic:
            with progress_bar("Collecting what the briefing needs") as progress:
                summary = await collect_for_briefing(services, request, today, progress)
            if summary is not None and summary.unreachable is not None:
                print("\n".join(summary.lines()), file=sys.stderr)
                print(
                    f"momentum: GitHub could not be reached at {settings.github_api_url}, so "
                    "the briefing's data could not be brought up to date; run it again with "
                    "--offline to brief from the stored data",
                    file=sys.stderr,
                )
                return 1
            for line in summary.lines() if summary is not None else []:
                log.info("%s", line)
        output = await print_briefing(
            services.store,
            request,
            today=today,
            now=now,
            default_window=settings.window_days,
            synthetic=services.context.synthetic,
            model=services.context.model,
        )
    print(output)
    return 0
