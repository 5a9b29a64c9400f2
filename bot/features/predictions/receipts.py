"""Receipts: each briefing's prediction set hashed and chained, so anyone holding the
ledger can check that no prediction was changed after it was made.

A set's digest is the SHA-256 of its canonical JSON (keys sorted, no spaces, UTF-8): the
channel, the week, when it was made, the digest of the channel's previous set, and each
prediction as it was made (kind, statement, probability, due date, inputs). Outcomes are
left out: they are added later, from stored data anyone can re-check.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from bot.core.command import ChannelKey
from bot.core.store import Prediction, PredictionDraft, PredictionSet


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def canonical(
    key: ChannelKey,
    week: str,
    made_at: datetime,
    previous: str | None,
    drafts: Sequence[PredictionDraft],
) -> bytes:
    body = {
        "channel": str(key),
        "week": week,
        "made_at": made_at.astimezone(UTC).isoformat(),
        "previous": previous,
        "predictions": [
            {
                "kind": draft.kind,
                "statement": draft.statement,
                "probability": draft.probability,
                "due": draft.due.isoformat(),
                "inputs": draft.inputs,
            }
            for draft in drafts
        ],
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(
    key: ChannelKey,
    week: str,
    made_at: datetime,
    previous: str | None,
    drafts: Sequence[PredictionDraft],
) -> str:
    return hashlib.sha256(canonical(key, week, made_at, previous, drafts)).hexdigest()


def draft_of(prediction: Prediction) -> PredictionDraft:
    return PredictionDraft(
        prediction.kind, prediction.statement, prediction.inputs, prediction.probability,
        prediction.due,
    )


def ledger(
    sets: Sequence[PredictionSet], predictions: Sequence[Prediction]
) -> list[dict[str, Any]]:
    """The channel's sets, oldest first, each with its predictions and their outcomes."""
    return [
        {
            "week": s.week,
            "made_at": s.made_at.astimezone(UTC).isoformat(),
            "message_id": s.message_id,
            "previous": s.previous,
            "sha256": s.digest,
            "predictions": [
                {
                    "kind": p.kind,
                    "statement": p.statement,
                    "probability": p.probability,
                    "due": p.due.isoformat(),
                    "inputs": p.inputs,
                    "outcome": p.outcome,
                }
                for p in predictions
                if p.set_id == s.id
            ],
        }
        for s in sets
    ]


def verify(sets: Sequence[PredictionSet], predictions: Sequence[Prediction]) -> list[str]:
    """What does not check out, one sentence each; empty when the whole chain holds."""
    problems = []
    previous: str | None = None
    for s in sets:
        mine = [draft_of(p) for p in predictions if p.set_id == s.id]
        if s.previous != previous:
            problems.append(f"{s.week}: its previous hash is not the hash of the set before it.")
        if digest(s.channel, s.week, s.made_at, s.previous, mine) != s.digest:
            problems.append(f"{s.week}: its predictions no longer match its SHA-256.")
        previous = s.digest
    return problems
