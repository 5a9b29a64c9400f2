"""``momentum compare``: the chat comparison, printed as text, Markdown or JSON."""

from __future__ import annotations

import argparse
import asyncio
import json
from functools import partial
from pathlib import Path

from adapters.markdown import render_markdown
from adapters.text import render_text
from bot.app.cli.chart_file import check_chart_path, write_chart
from bot.app.runtime import open_services
from bot.core.repo_ref import InvalidRepoRef, RepoRef, split_repo_words
from bot.core.settings import Settings
from bot.features.commands.context import utc_now
from bot.features.compare.chart import compare_chart
from bot.features.compare.message import compare_message, comparison_json
from bot.features.compare.request import (
    DEFAULT_SPAN_DAYS,
    CompareRequest,
    CompareRequestError,
    check,
    parse_span,
)
from bot.features.compare.service import compare

FORMATS = ("text", "markdown", "json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("repos", nargs="+", metavar="owner/name", help="2 to 10 repos")
    parser.add_argument(
        "--since", default=f"{DEFAULT_SPAN_DAYS}d", metavar="SPAN",
        help="how far back: 90d, 12w, 6m, 1y or all (default: 90d)",
    )
    parser.add_argument("--log", action="store_true", help="a log-scale y axis")
    parser.add_argument(
        "--aligned", action="store_true", help="start every curve at its repo's creation"
    )
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--chart", type=Path, metavar="FILE.png", help="also write the chart")
    parser.add_argument(
        "--offline", action="store_true",
        help="use stored data only; do not fetch missing history from GitHub",
    )


def parse_request(args: argparse.Namespace) -> CompareRequest:
    try:
        refs = [RepoRef.parse(item) for item in split_repo_words(args.repos)]
    except InvalidRepoRef as exc:
        raise CompareRequestError(str(exc)) from None
    span = parse_span(args.since)
    if args.chart is not None:
        check_chart_path(args.chart)
    return check(list(dict.fromkeys(refs)), span, log=args.log, aligned=args.aligned)


async def compare_main(settings: Settings, args: argparse.Namespace) -> int:
    request = parse_request(args)
    async with open_services(settings) as services:
        data = None if args.offline else services.data
        comparison = await compare(services.store, data, request, utc_now(), wait=True)
        # The demo's database says its figures are synthetic; so must everything drawn from it.
        synthetic = services.context.synthetic
    chart = None
    if args.chart is not None or args.format != "json":
        chart = await asyncio.to_thread(
            partial(compare_chart, log_scale=request.log_scale, aligned=request.aligned,
                    synthetic=synthetic),
            comparison.rows,
        )
    chart = write_chart(chart, args.chart, markdown=args.format == "markdown")
    if args.format == "json":
        print(json.dumps({**comparison_json(comparison), "synthetic": synthetic}, indent=2,
                         ensure_ascii=False))
        return 0
    message = compare_message(comparison, chart, synthetic=synthetic)
    print(render_markdown(message) if args.format == "markdown" else render_text(message))
    return 0 if comparison.rows else 1
