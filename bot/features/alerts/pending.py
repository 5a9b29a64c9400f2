"""Which alerts are due after a collection, recorded as sent before they are returned."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.core.command import ChannelKey
from bot.core.message import Message
from bot.core.store import RepoEvent, RepoRecord, Store
from bot.features.alerts.message import milestone_message, spike_message
from bot.features.alerts.spikes import BASELINE_DAYS, Reading, read, with_hours
from bot.features.briefing.lift import candidates, strongest
from bot.features.briefing.model import Coincidence

MILESTONES = (10_000, 50_000, 100_000)
# Counts older than this describe a spike that is over, or was never seen in time.
STALE_AFTER = timedelta(hours=36)
# An event (release, merged PR, HN story, feed item) this long before the end of the 24
# hours may have coincided with them.
EVENTS_BEFORE = timedelta(hours=72)
SPIKE = "spike"


@dataclass(frozen=True, slots=True)
class Facts:
    """What one repo's data says, shared by every channel that watches it."""

    reading: Reading
    stars: int | None
    coincidence: Coincidence | None
    recent: tuple[RepoEvent, ...]


async def pending_alerts(
    store: Store, now: datetime, serves: Callable[[ChannelKey], bool] = lambda key: True
) -> list[tuple[ChannelKey, Message]]:
    """Alerts to post now, each recorded as sent (a failed post is not retried: a late
    alert about a spike is worth less than a repeated one is annoying). Channels the
    caller cannot post to (``serves``) are left unclaimed for an instance that can."""
    due: list[tuple[ChannelKey, Message]] = []
    known: dict[int, Facts | None] = {}
    for key, settings in await store.alerting_channels():
        if not serves(key):
            continue
        for item in await store.watch_list(key):
            repo = item.repo
            if repo.id not in known:
                known[repo.id] = await _facts(store, repo, now)
            facts = known[repo.id]
            if facts is None:
                continue  # no fresh data: neither a spike nor a sign that one is over
            if facts.reading.spiking(settings):
                if await store.claim_alert(key, repo.id, SPIKE, now):
                    due.append((key, spike_message(repo.ref, facts.reading, settings,
                                                   facts.coincidence, facts.recent)))
            else:
                await store.rearm_alert(key, repo.id, SPIKE)
            if settings.milestones and facts.stars is not None:
                for mark in _crossed(facts.stars, facts.reading.last_24h):
                    if await store.claim_alert(key, repo.id, f"milestone:{mark}", now):
                        due.append((key, milestone_message(repo.ref, mark, facts.stars)))
    return due


async def _facts(store: Store, repo: RepoRecord, now: datetime) -> Facts | None:
    at = repo.stars_fetched_at
    if repo.status != "active" or at is None or now - at > STALE_AFTER:
        return None
    today = at.astimezone(UTC).date()
    # Enough days for the baseline and for measuring events three days back against theirs.
    daily = await store.daily_stars(repo.id, today - timedelta(days=BASELINE_DAYS + 5),
                                    today + timedelta(days=1))
    created = repo.metadata.created_at
    reading = read(daily, at, created.astimezone(UTC).date() if created else None)
    if reading is None:
        return None
    # Own repositories have the real hours, up to the last whole hour before the report.
    end = at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    hours = await store.hourly_stars(repo.id, end - timedelta(hours=24), end)
    reading = with_hours(reading, hours, end)
    events = candidates(await store.events(repo.id, at - EVENTS_BEFORE, at),
                        await store.mentions(repo.id, at - EVENTS_BEFORE, at))
    snapshot = await store.latest_snapshot(repo.id)
    fresh = snapshot is not None and now - snapshot.taken_at <= STALE_AFTER
    return Facts(
        reading=reading,
        stars=snapshot.stars if snapshot and fresh else None,
        # Only whole days measure an event's lift; a newer event is named without one.
        coincidence=strongest(events, daily, today),
        recent=tuple(reversed(events[-2:])),
    )


def _crossed(stars: int, last_24h: float) -> list[int]:
    """Milestones passed within the last 24 hours (not ones passed long ago, which a
    channel turning milestones on would otherwise hear about at once)."""
    return [mark for mark in MILESTONES if stars >= mark > stars - last_24h]
