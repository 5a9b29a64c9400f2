"""Asks the model to word a briefing and keeps its text only when every check passes."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from bot.clients.llm import ChatModel, ModelError
from bot.features.briefing.model import Briefing
from bot.features.prose import prompt
from bot.features.prose.facts import ProseFacts, facts_from_briefing
from bot.features.prose.verify import LEDE_MAX, LINE_MAX, Verdict, verify_causes, verify_text

log = logging.getLogger(__name__)

ProseSource = Literal["model", "template"]


@dataclass(frozen=True, slots=True)
class Prose:
    """The model's verified lede and one line per mover (keyed by ``RepoRef.key``), or,
    when ``source`` is "template", nothing but the reason the briefing's own text stands."""

    source: ProseSource
    lede: str = ""
    lines: Mapping[str, str] = field(default_factory=dict)
    reason: str = ""


async def write_prose(model: ChatModel, facts: ProseFacts) -> Prose:
    try:
        answer = await model.complete_json(prompt.messages(facts))
    except ModelError as exc:
        return Prose("template", reason=str(exc))
    lede = answer.get("lede")
    movers = answer.get("movers", {})
    if not isinstance(lede, str) or not isinstance(movers, dict):
        return Prose("template", reason="the model's answer lacked a lede or mover lines")
    verdict = _checked(verify_text(lede, facts, limit=LEDE_MAX), verify_causes(lede, facts))
    if not verdict.ok:
        return Prose("template", reason=f"the lede {verdict.reason}")
    given = {str(name).lower(): text for name, text in movers.items()}
    lines: dict[str, str] = {}
    for mover in facts.movers:
        text = given.get(mover.ref.key)
        if not isinstance(text, str):
            return Prose("template", reason=f"no line for {mover.ref}")
        verdict = _checked(
            verify_text(text, facts, limit=LINE_MAX),
            verify_causes(text, facts, repo=mover.ref.key),
        )
        if not verdict.ok:
            return Prose("template", reason=f"the line for {mover.ref} {verdict.reason}")
        lines[mover.ref.key] = text.strip()
    if set(given) - set(lines):
        return Prose("template", reason="the model wrote lines for repos that did not move")
    return Prose("model", lede=lede.strip(), lines=lines)


def _checked(*verdicts: Verdict) -> Verdict:
    """The first refusal, or the pass."""
    return next((verdict for verdict in verdicts if not verdict.ok), Verdict(True))


async def word_briefing(model: ChatModel, briefing: Briefing) -> Prose | None:
    """The model's wording of ``briefing``; None when it has no figures to word. Whatever
    goes wrong, the answer is a "template" Prose saying why: a briefing never fails, nor
    waits past the model's timeout, for its wording."""
    if not briefing.measured:
        return None
    try:
        return await write_prose(model, facts_from_briefing(briefing))
    except Exception as exc:
        log.exception("wording the briefing failed")
        failure = type(exc).__name__
        return Prose("template", reason=f"the model's answer could not be checked ({failure})")
