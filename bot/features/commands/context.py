"""What a command handler may use: the store, the settings and the clock, passed in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from bot.clients.feeds import FeedReader
from bot.clients.llm import ChatModel
from bot.collection.service import DataService
from bot.core.schedule import ScheduleChanges
from bot.core.settings import Settings
from bot.core.store import Store


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Context:
    store: Store
    settings: Settings
    clock: Callable[[], datetime] = field(default=utc_now)
    # True in `momentum demo`: every reply then says its figures are synthetic.
    synthetic: bool = False
    # GitHub behind the store: None where no collection runs (some tests), in which case
    # repos are added unchecked and collected by whoever runs `momentum collect`.
    data: DataService | None = None
    # Schedules changed by a command reach this process's scheduler at once.
    schedules: ScheduleChanges = field(default_factory=ScheduleChanges)
    # Reads a feed when a channel adds it; None where feeds cannot be checked (some tests).
    feeds: FeedReader | None = None
    # The deployment's language model (MOMENTUM_LLM_URL), for channels with prose on.
    model: ChatModel | None = None

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        """Today's UTC date: the default ``as_of``, so windows hold whole, finished days."""
        return self.clock().astimezone(UTC).date()
