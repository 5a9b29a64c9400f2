"""The ``momentum`` command's parser and entry point.

Only the parser lives here, so that ``momentum --help`` and ``--version`` answer without
loading the bot (benchmarks/startup.py): a subcommand's options come from its module,
imported only when that subcommand is named, and the work is :mod:`bot.app.cli.run`'s.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path

from bot import __version__
from bot.app.cli import db as db_cli
from bot.app.cli import predictions as predictions_cli

# Each subcommand: its one-line help, and the module whose ``add_arguments`` defines its
# options (None: none, or defined below).
COMMANDS: dict[str, tuple[str, str | None]] = {
    "run": (
        "serve every configured adapter (the console when no Slack or Discord token is "
        "set), post scheduled briefings and alerts, collect from GitHub every 6 hours",
        None,
    ),
    "console": ("answer /momentum commands typed or piped on stdin", None),
    "collect": ("refresh every watched repo's stars and metadata from GitHub now", None),
    "briefing": (
        "print a briefing for a list of repos or a channel's watch list",
        "bot.app.cli.briefing",
    ),
    "compare": (
        "cumulative stars of 2 to 10 repos on one chart, with a table",
        "bot.app.cli.compare",
    ),
    "backtest": (
        "replay weekly briefings over stored history and score their predictions",
        "bot.app.cli.backtest",
    ),
    "demo": ("the whole bot offline on a synthetic GitHub (a throwaway database)", None),
}


def _demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database", type=Path, help="keep the demo database at this path instead"
    )


# GitHub serves at most 100 pages of star history (bot.clients.github.history.MAX_PAGE,
# not imported here: --help stays light).
MAX_HISTORY_PAGES = 100


def _collect_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pages", type=_history_pages, default=None, metavar="N",
        help="read N pages of star history (30 weeks each, 1 to 100) for every repo, for "
        "backtests over older weeks; by default a refresh reads one",
    )


def _history_pages(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_HISTORY_PAGES):
        raise argparse.ArgumentTypeError(f"'{text}' is not a page count from 1 to 100")
    return int(text)


def build_parser(command: str | None) -> argparse.ArgumentParser:
    """The parser, with the options of ``command`` alone: listing the others needs only
    their names and help, and this keeps their modules unloaded."""
    parser = argparse.ArgumentParser(
        prog="momentum",
        description="Tells Slack and Discord channels which open-source repositories are "
        "gaining or losing momentum, and why.",
        epilog="Configuration comes from the environment and .env; see README.md.",
    )
    parser.add_argument("--version", action="version", version=f"momentum {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (summary, module) in COMMANDS.items():
        sub = commands.add_parser(name, help=summary)
        if name != command:
            continue
        add: Callable[[argparse.ArgumentParser], None] | None = (
            import_module(module).add_arguments if module else None
        )
        if name == "demo":
            add = _demo_arguments
        elif name == "collect":
            add = _collect_arguments
        if add is not None:
            add(sub)
    # `db` and `predictions` add their own parsers and actions; their modules are light.
    db_cli.add_arguments(commands)
    predictions_cli.add_arguments(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    named = words[0] if words and words[0] in COMMANDS else None
    parser = build_parser(named)
    args = parser.parse_args(words)
    if args.command is None:
        parser.print_help()
        return 0
    from bot.app.cli.run import run_command

    return run_command(args)
