"""``/momentum compare owner/name owner/name … [since SPAN] [log] [aligned] [share]``."""

from __future__ import annotations

from bot.core.command import Command
from bot.core.message import Message
from bot.features.commands.context import Context
from bot.features.commands.help import usage_error
from bot.features.compare.chart import compare_chart
from bot.features.compare.message import compare_message
from bot.features.compare.request import CompareRequestError, parse_words
from bot.features.compare.service import compare


async def compare_command(ctx: Context, command: Command, args: list[str]) -> Message:
    try:
        request = parse_words(args)
    except CompareRequestError as exc:
        return usage_error("That is not a comparison", "compare", str(exc))
    # Chat answers at once from the store; missing history is fetched in the background.
    comparison = await compare(ctx.store, ctx.data, request, ctx.now(), wait=False)
    chart = compare_chart(
        comparison.rows,
        log_scale=request.log_scale,
        aligned=request.aligned,
        synthetic=ctx.synthetic,
    )
    return compare_message(comparison, chart, synthetic=ctx.synthetic)
