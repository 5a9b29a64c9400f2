"""``/momentum compare owner/name owner/name … [since SPAN] [log] [aligned] [share]``."""

from __future__ import annotations

import asyncio

from bot.core.command import Command, ReplyLater
from bot.core.message import Message
from bot.core.repo_ref import RepoRef
from bot.features.commands.context import Context
from bot.features.commands.help import usage_error
from bot.features.compare.chart import compare_chart
from bot.features.compare.message import compare_message
from bot.features.compare.request import CompareRequest, CompareRequestError, parse_words
from bot.features.compare.service import Comparison, Fetched, compare


async def compare_command(ctx: Context, command: Command, args: list[str]) -> Message:
    try:
        request = parse_words(args)
    except CompareRequestError as exc:
        return usage_error("That is not a comparison", "compare", str(exc))
    # Chat answers at once from the store; missing history is fetched in the background,
    # and where the platform allows a second reply, the full comparison follows it.
    first: asyncio.Future[Comparison] = asyncio.get_running_loop().create_future()
    later = command.reply_later
    fetched = None if later is None else _follow_up(ctx, request, first, later)
    comparison = await compare(ctx.store, ctx.data, request, ctx.now(), wait=False,
                               fetched=fetched)
    first.set_result(comparison)
    return _message(ctx, comparison, follows=fetched is not None)


def _follow_up(
    ctx: Context, request: CompareRequest, first: asyncio.Future[Comparison], later: ReplyLater
) -> Fetched:
    async def fetched(missed: tuple[RepoRef, ...]) -> None:
        # The background fetch may end before the first answer is even composed.
        if not (await first).collecting:
            return  # only page 1 was refreshed: the first answer already had every curve
        again = await compare(ctx.store, None, request, ctx.now(), wait=False)
        await later(_message(ctx, again, missed=missed))

    return fetched


def _message(
    ctx: Context,
    comparison: Comparison,
    *,
    follows: bool = False,
    missed: tuple[RepoRef, ...] | None = None,
) -> Message:
    request = comparison.request
    chart = compare_chart(
        comparison.rows,
        log_scale=request.log_scale,
        aligned=request.aligned,
        synthetic=ctx.synthetic,
    )
    return compare_message(
        comparison, chart, synthetic=ctx.synthetic, follows=follows, missed=missed
    )
