"""``momentum backtest``: how the predictions would have scored over stored history."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, timedelta
from typing import Any

from bot.app.cli.dates import day_option
from bot.core import formatting as fmt
from bot.core.repo_ref import InvalidRepoRef, RepoRef, split_repo_words
from bot.core.settings import Settings
from bot.core.store import Store
from bot.features.commands.context import utc_now
from bot.features.predictions.claims import KINDS
from bot.features.predictions.model import HISTORY_WEEKS, WEEK
from bot.features.predictions.replay import Backtest, RepoHistory, replay
from bot.features.predictions.score import TrackRecord

FORMATS = ("text", "json")


class BacktestError(Exception):
    """The options do not describe a backtest; ``str()`` says why in one line."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repos", required=True, help="the list: owner/name,owner/name,…")
    parser.add_argument("--from", dest="start", required=True, metavar="DATE",
                        help="the first briefing's date (UTC), e.g. 2026-01-05")
    parser.add_argument("--to", dest="end", required=True, metavar="DATE",
                        help="no briefing after this date; briefings are 7 days apart")
    parser.add_argument(
        "--list-size", type=int, metavar="N",
        help="replay the repos as several channels' lists of N, in the order given "
        "(default: one list of them all)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text")


async def backtest_main(settings: Settings, args: argparse.Namespace) -> int:
    """The CLI's entry: open the configured store, print the backtest."""
    from storage import open_store  # the composition root's job, done here for the CLI

    store = await open_store(settings.database_url)
    try:
        output = await run_backtest(store, args)
    except BacktestError as exc:
        print(f"momentum: {exc}", file=sys.stderr)
        return 2
    finally:
        await store.close()
    print(output)
    return 0


async def run_backtest(store: Store, args: argparse.Namespace) -> str:
    refs, start, end = _parse(args)
    size = args.list_size or len(refs)
    if size < 1:
        raise BacktestError("--list-size must be at least 1")
    histories: dict[int, RepoHistory] = {}
    ids = []
    first = start - timedelta(days=HISTORY_WEEKS * WEEK)
    last = end + timedelta(days=2 * WEEK)
    for ref in refs:
        repo = await store.find_repo(ref)
        if repo is None:
            raise BacktestError(f"the store has no data for {ref}: watch it and collect first")
        daily = await store.daily_stars(repo.id, first, last)
        histories[repo.id] = RepoHistory(str(repo.ref), daily, repo.stars_fetched_at)
        ids.append(repo.id)
    lists = [ids[n : n + size] for n in range(0, len(ids), size)]
    result = replay(histories, lists, start, end)
    if args.format == "json":
        return json.dumps(backtest_json(result), indent=2)
    return backtest_text(result)


def _parse(args: argparse.Namespace) -> tuple[list[RepoRef], date, date]:
    try:
        refs = list(dict.fromkeys(RepoRef.parse(item) for item in split_repo_words([args.repos])))
    except InvalidRepoRef as exc:
        raise BacktestError(str(exc)) from None
    if not refs:
        raise BacktestError("--repos names no repo")
    today = utc_now().date()
    try:
        start = day_option("--from", args.start, today)
        end = day_option("--to", args.end, today)
    except ValueError as exc:
        raise BacktestError(str(exc)) from None
    if end < start:
        raise BacktestError("--to is before --from")
    return refs, start, end


def backtest_text(result: Backtest) -> str:
    scored = len(result.scored)
    lines = [
        f"Backtest: {result.briefings} weekly briefings of {result.lists} "
        f"list{'s' if result.lists != 1 else ''}, {result.start} to {result.end}; "
        f"{len(result.made)} predictions made, {scored} scored "
        f"({len(result.made) - scored} without data for their week).",
        result.record().text(),
    ]
    record = result.record()
    if record.base_rate is not None:
        lines.append(f"Base rate: {record.base_rate:.1%} came true.")
    for kind in KINDS:
        part = result.record(kind)
        if part.count:
            lines.append(f"  {kind}: {kind_text(part)}")
    lines += ["", "Calibration (predicted probability against how often it came true):",
              "  predicted   count   mean predicted   came true"]
    for bucket in result.calibration():
        lines.append(
            f"  {bucket.low:4.0%}–{bucket.high:<4.0%}  {bucket.count:6d}   "
            f"{bucket.mean_probability:14.0%}   {bucket.observed:9.0%}"
        )
    return "\n".join(lines)


def kind_text(part: TrackRecord) -> str:
    """One kind's skill against its own base rate; "n/a" when every one came true or
    none did (no forecaster can beat saying so)."""
    assert part.brier is not None
    assert part.base_rate is not None
    scored = fmt.plural(part.count, "scored prediction")
    if part.skill is None:
        outcome = "every one came true" if part.base_rate == 1 else "none came true"
        return f"n/a ({outcome}) across {scored}"
    return f"{max(0.0, part.skill):.1f}/10 across {scored} (Brier {part.brier:.2f})"


def backtest_json(result: Backtest) -> dict[str, Any]:
    record = result.record()
    return {
        "from": result.start.isoformat(),
        "to": result.end.isoformat(),
        "lists": result.lists,
        "briefings": result.briefings,
        "made": len(result.made),
        "scored": record.count,
        "brier": record.brier,
        "base_rate": record.base_rate,
        "skill": record.skill,
        "track_record": record.text(),
        "within_kind_skill": record.within_kind,
        "by_kind": {
            kind: {
                "scored": part.count, "brier": part.brier, "base_rate": part.base_rate,
                "skill": part.skill,
            }
            for kind in KINDS
            if (part := result.record(kind)).count
        },
        "calibration": [
            {
                "low": bucket.low,
                "high": bucket.high,
                "count": bucket.count,
                "mean_probability": bucket.mean_probability,
                "observed": bucket.observed,
            }
            for bucket in result.calibration()
        ],
        "predictions": [
            {
                "list": item.list_number,
                "as_of": item.as_of.isoformat(),
                "kind": item.proposal.kind,
                "statement": item.proposal.statement,
                "probability": item.proposal.probability,
                "due": item.proposal.due.isoformat(),
                "outcome": item.outcome,
            }
            for item in result.made
        ],
    }
