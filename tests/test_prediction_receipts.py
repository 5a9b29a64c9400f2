"""Receipts: each briefing's prediction set hashed, chained to the one before, one per
channel and week, with the message it was posted in; ``momentum predictions export``
prints the ledger and ``--verify`` catches a prediction edited by hand."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.core.message import Message
from bot.core.store import ChannelSettings, Store
from bot.features.predictions.service import make_predictions
from bot.jobs.delivery import Deliverer, DeliveryPolicy
from storage.sqlite import SqliteStore
from tests.support import CHANNEL, Clock
from tests.test_predictions import AS_OF, NEXT, NOW, next_week, seed


def by_hand(key: str, week: str, made_at: str, previous: str | None, rows: list[dict[str, object]]
            ) -> str:
    """The receipt's rule written out again: SHA-256 of the sorted, spaceless JSON."""
    body = {"channel": key, "week": week, "made_at": made_at, "previous": previous,
            "predictions": rows}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


async def test_sets_are_hashed_and_chained(store: Store) -> None:
    ids = await seed(store)
    first = await make_predictions(store, CHANNEL, as_of=AS_OF, now=NOW)
    await next_week(store, ids, datetime(2026, 4, 20, 6, tzinfo=UTC))
    later = datetime(2026, 4, 20, 9, tzinfo=UTC)
    await make_predictions(store, CHANNEL, as_of=NEXT, now=later)
    sets = await store.prediction_sets(CHANNEL)
    # Apr 13 2026 is the Monday of ISO week 16 (Jan 1 was a Thursday, in week 1).
    assert [(s.week, s.previous) for s in sets] == [
        ("2026-W16", None), ("2026-W17", sets[0].digest)
    ]
    rows = [
        {"kind": p.kind, "statement": p.statement, "probability": p.probability,
         "due": "2026-04-19", "inputs": p.inputs}
        for p in first
    ]
    assert sets[0].digest == by_hand(
        "slack:T1/C1", "2026-W16", "2026-04-13T09:30:00+00:00", None, rows
    )
    # Asked for again later the same week: the same set, no new receipt.
    again = await make_predictions(store, CHANNEL, as_of=date(2026, 4, 22), now=later)
    assert {p.set_id for p in again} == {sets[1].id}
    assert len(await store.prediction_sets(CHANNEL)) == 2


async def test_two_instances_make_one_set(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    one = await SqliteStore.open(path)
    two = await SqliteStore.open(path)
    try:
        await seed(one)
        made = await asyncio.gather(
            make_predictions(one, CHANNEL, as_of=AS_OF, now=NOW),
            make_predictions(two, CHANNEL, as_of=AS_OF, now=NOW),
        )
        assert [p.id for p in made[0]] == [p.id for p in made[1]]
        assert len(await one.prediction_sets(CHANNEL)) == 1
        assert len(await one.predictions(CHANNEL)) == 3
    finally:
        await one.close()
        await two.close()


async def test_the_scheduled_post_records_its_message_id(store: Store) -> None:
    # The channel exists from the week before: a period due before it was never owed.
    await store.add_channel(CHANNEL, NOW - timedelta(days=7))
    await seed(store)
    await store.save_channel_settings(CHANNEL, ChannelSettings(timezone="UTC"))

    class Poster:
        async def send(self, channel: object, message: Message) -> str:
            return "1713.0042"

    async def compose(key: object, as_of: date) -> Message:
        await make_predictions(store, CHANNEL, as_of=as_of, now=NOW)
        return Message(title="briefing")

    async def no_sleep(seconds: float) -> None:
        return None

    clock = Clock(NOW)  # Monday 09:30 UTC: the weekly 09:00 post is due
    bot = Deliverer(store, {"slack": Poster()}, compose, default_timezone="UTC",
                    instance="a", clock=clock, policy=DeliveryPolicy(), sleep=no_sleep)
    channel = await store.get_channel(CHANNEL)
    assert channel is not None
    assert await bot.deliver_due(channel) == "done"
    (made,) = await store.prediction_sets(CHANNEL)
    assert (made.week, made.message_id) == ("2026-W16", "1713.0042")


def export(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOMENTUM_", "GITHUB_"))}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    return subprocess.run(
        [sys.executable, "-m", "bot", "predictions", "export", *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )


async def test_export_verifies_and_catches_an_edit(tmp_path: Path) -> None:
    database = tmp_path / "m.db"
    store = await SqliteStore.open(database)
    ids = await seed(store)
    await make_predictions(store, CHANNEL, as_of=AS_OF, now=NOW)
    await next_week(store, ids, datetime(2026, 4, 20, 6, tzinfo=UTC))
    await make_predictions(store, CHANNEL, as_of=NEXT, now=datetime(2026, 4, 20, 9, tzinfo=UTC))
    sets = await store.prediction_sets(CHANNEL)
    await store.close()

    good = export(database, "--channel", "slack:T1/C1", "--verify")
    assert good.returncode == 0, good.stderr
    ledger = json.loads(good.stdout)
    assert [s["sha256"] for s in ledger["sets"]] == [s.digest for s in sets]
    assert ledger["sets"][1]["previous"] == sets[0].digest
    assert len(ledger["sets"][0]["predictions"]) == 3
    assert "all 2 sets verify" in good.stderr

    # Someone makes a past prediction look bolder than it was.
    with sqlite3.connect(database) as db:
        db.execute("UPDATE predictions SET probability = 0.99 WHERE id = 2")
    bad = export(database, "--channel", "slack:T1/C1", "--verify")
    assert bad.returncode == 1
    assert "2026-W16: its predictions no longer match its SHA-256." in bad.stderr
    # Without --verify the ledger still prints, as it is now.
    assert export(database, "--channel", "slack:T1/C1").returncode == 0

    wrong = export(database, "--channel", "nowhere")
    assert wrong.returncode == 2
    assert "is not a channel" in wrong.stderr
    assert "Traceback" not in wrong.stderr
