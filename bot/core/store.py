"""The storage contract the core relies on, and the records it trades in.

``storage/`` implements :class:`Store` (SQLite now, PostgreSQL later); both must pass
``tests/test_store_contract.py``. Times are timezone-aware UTC datetimes; days are UTC
dates. Every method that changes something takes the moment as an argument, so tests and
replays control the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Protocol

from bot.core.command import ChannelKey, Platform
from bot.core.repo_ref import RepoRef

RepoStatus = Literal["active", "gone"]
EventKind = Literal["release", "pull_request", "hn_story", "feed_item"]
ScheduleKind = Literal["weekly", "daily", "off"]
DeliveryStatus = Literal["claimed", "done", "failed", "skipped"]
# Which text a posted briefing used: the deterministic one (no prose asked for), the
# channel's model's (every figure checked), or the deterministic one after the model's
# was refused or failed.
BriefingText = Literal["template", "model", "fallback"]
# Who may change a channel's list and schedule: everyone in it, or only those holding the
# platform's managing role (Slack workspace admins and owners, Discord Manage Channels).
Access = Literal["everyone", "managers"]


@dataclass(frozen=True, slots=True)
class RepoMetadata:
    """What GitHub says about a repository; ``ref`` is its current name (it may have been
    renamed or transferred since it was first watched)."""

    ref: RepoRef
    node_id: str | None = None
    github_id: int | None = None
    description: str | None = None
    primary_language: str | None = None
    topics: tuple[str, ...] = ()
    created_at: datetime | None = None
    pushed_at: datetime | None = None
    # The homepage GitHub lists for it (None when it lists none): HN stories linking there
    # are about the repository too.
    homepage: str | None = None


@dataclass(frozen=True, slots=True)
class RepoRecord:
    id: int
    ref: RepoRef
    status: RepoStatus
    added_at: datetime
    metadata: RepoMetadata
    metadata_fetched_at: datetime | None = None
    # When GitHub last reported the repository's daily stars (None: never, so backfill).
    stars_fetched_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Snapshot:
    taken_at: datetime
    stars: int
    forks: int | None = None


@dataclass(frozen=True, slots=True)
class RepoEvent:
    """A release (``key``: tag) or merged pull request (``key``: number) of a repository,
    or a mention of it: a Hacker News story (``key``: story id; ``url``: its HN page;
    ``points`` and ``comments``) or a feed item (``key``: the item's id; ``source``: the
    feed's title)."""

    kind: EventKind
    key: str
    title: str
    occurred_at: datetime
    url: str | None = None
    points: int | None = None
    comments: int | None = None
    source: str | None = None


MENTION_KINDS: frozenset[EventKind] = frozenset({"hn_story", "feed_item"})


@dataclass(frozen=True, slots=True)
class FeedRecord:
    """A feed a channel follows, and how its last fetch went (``error``: one sentence)."""

    id: int
    url: str
    title: str
    added_by: str
    added_at: datetime
    fetched_at: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    failures: int = 0


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    """A channel's own choices; ``None`` means the deployment's default setting."""

    window_days: int | None = None
    timezone: str | None = None
    schedule: ScheduleKind = "weekly"
    schedule_weekday: int = 0  # Monday; ignored unless weekly
    schedule_time: str = "09:00"
    # Briefings worded by the deployment's model (MOMENTUM_LLM_URL), checked before posting.
    prose: bool = False


@dataclass(frozen=True, slots=True)
class ChannelRecord:
    id: int
    key: ChannelKey
    settings: ChannelSettings
    created_at: datetime
    paused_reason: str | None = None


@dataclass(frozen=True, slots=True)
class WatchedRepo:
    repo: RepoRecord
    added_by: str
    added_at: datetime


@dataclass(frozen=True, slots=True)
class WatchChange:
    """The outcome of adding to or removing from a watch list."""

    changed: list[RepoRef] = field(default_factory=list)
    unchanged: list[RepoRef] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    user: str
    action: Literal["add", "remove"]
    ref: RepoRef


@dataclass(frozen=True, slots=True)
class Delivery:
    channel: ChannelKey
    period: str
    status: DeliveryStatus
    claimed_by: str
    claimed_at: datetime
    finished_at: datetime | None = None
    message_id: str | None = None
    error: str | None = None
    text: BriefingText | None = None  # None: not posted, or posted before this was kept
    text_note: str | None = None  # why a "fallback" fell back


@dataclass(frozen=True, slots=True)
class Prediction:
    id: int
    channel: ChannelKey
    kind: str
    statement: str
    inputs: Mapping[str, object]
    probability: float
    made_at: datetime
    due: date
    outcome: bool | None = None
    resolved_at: datetime | None = None
    set_id: int | None = None  # the briefing's set it belongs to (PredictionSet.id)


@dataclass(frozen=True, slots=True)
class PredictionDraft:
    """A prediction about to be stored as part of a set."""

    kind: str
    statement: str
    inputs: Mapping[str, object]
    probability: float
    due: date


@dataclass(frozen=True, slots=True)
class PredictionSet:
    """One briefing's predictions as a receipt: ``digest`` is the SHA-256 of the set's
    canonical JSON, which holds ``previous``, the digest of the channel's set before it."""

    id: int
    channel: ChannelKey
    week: str  # ISO week of the briefing, e.g. 2026-W16: one set per channel and week
    made_at: datetime
    digest: str
    previous: str | None
    message_id: str | None = None


@dataclass(frozen=True, slots=True)
class RadarCandidate:
    """A young repository GitHub search found for ``theme`` (``topic:llm``,
    ``language:Rust``); ``rank`` is its place in the answer (1: most stars)."""

    theme: str
    repo: RepoRecord
    rank: int
    found_at: datetime


@dataclass(frozen=True, slots=True)
class AlertSettings:
    """A channel's spike alerts: stars in 24 hours above ``factor`` × the 28-day daily
    average and at least ``floor``; ``milestones``: also at 10k, 50k and 100k stars."""

    factor: float = 3.0
    floor: int = 20
    milestones: bool = False


@dataclass(frozen=True, slots=True)
class StargazerAccess:
    """Whether a token (``viewer``, see ``GitHubClient.viewer``) may read a repository's
    closed stargazer list, as its one try at ``checked_at`` found."""

    listable: bool
    checked_at: datetime


class FeedListFull(Exception):
    def __init__(self, cap: int) -> None:
        super().__init__(f"a channel may follow at most {cap} feeds")
        self.cap = cap


class WatchListFull(Exception):
    """Adding would take a channel's list past its cap; nothing was added."""

    def __init__(self, size: int, adding: int, cap: int) -> None:
        super().__init__(f"the list holds {size} of {cap} repos; {adding} more would not fit")
        self.size = size
        self.adding = adding
        self.cap = cap


class StoreFull(Exception):
    """The database has no room left (disk or size limit); the write was rolled back."""


class Store(Protocol):
    async def close(self) -> None: ...

    # Repositories
    async def add_repo(self, ref: RepoRef, at: datetime) -> RepoRecord:
        """The repository's record, created if it is new (returned as it is if not)."""
        ...

    async def find_repo(self, ref: RepoRef) -> RepoRecord | None: ...

    async def find_repo_by_github_id(self, github_id: int) -> RepoRecord | None:
        """The repository GitHub numbers ``github_id``, whatever it is called now."""
        ...

    async def save_repo_metadata(self, repo_id: int, metadata: RepoMetadata, at: datetime) -> None:
        """Store what GitHub says; a new ``metadata.ref`` renames the repo, keeping history."""
        ...

    async def mark_repo_gone(self, repo_id: int) -> None: ...

    async def watched_repos(self) -> list[RepoRecord]:
        """Every repository on at least one watch list."""
        ...

    async def repos_by_id(self, repo_ids: Sequence[int]) -> dict[int, RepoRecord]:
        """The records of those of ``repo_ids`` the store has."""
        ...

    # Star counts and events
    async def add_snapshot(self, repo_id: int, snapshot: Snapshot) -> None: ...

    async def latest_snapshot(
        self, repo_id: int, at: datetime | None = None
    ) -> Snapshot | None:
        """The newest snapshot, or the newest taken at or before ``at``."""
        ...

    async def latest_snapshots(
        self, repo_ids: Sequence[int], at: datetime
    ) -> dict[int, Snapshot]:
        """Each repository's newest snapshot taken at or before ``at`` (none: left out)."""
        ...

    async def put_daily_stars(
        self, repo_id: int, counts: Mapping[date, int], reported_at: datetime
    ) -> None:
        """Store GitHub's count for each day, replacing any earlier report of that day, and
        note ``reported_at`` as the repository's ``stars_fetched_at`` (if later)."""
        ...

    async def daily_stars(self, repo_id: int, start: date, end: date) -> dict[date, int]:
        """Counts for the days ``start`` (inclusive) to ``end`` (exclusive) that are stored."""
        ...

    async def daily_stars_many(
        self, repo_ids: Sequence[int], start: date, end: date
    ) -> dict[int, dict[date, int]]:
        """:meth:`daily_stars` of each of ``repo_ids`` in one read (every id is a key)."""
        ...

    async def put_hourly_stars(
        self, repo_id: int, counts: Mapping[datetime, int], reported_at: datetime
    ) -> None:
        """Store the stars given in each whole UTC hour (keyed by its start), replacing
        earlier reports of those hours and forgetting hours before the earliest given."""
        ...

    async def hourly_stars(
        self, repo_id: int, start: datetime, end: datetime
    ) -> dict[datetime, int]:
        """Counts for the hours starting at ``start`` (inclusive) to ``end`` (exclusive)
        that are stored."""
        ...

    async def stargazer_access(self, viewer: str) -> dict[int, StargazerAccess]:
        """What ``viewer`` has learned about reading stargazer lists, by repository id."""
        ...

    async def set_stargazer_access(
        self, repo_id: int, viewer: str, listable: bool, at: datetime
    ) -> None: ...

    async def add_events(self, repo_id: int, events: Iterable[RepoEvent]) -> None:
        """Store events; one already stored (same kind and key) is updated."""
        ...

    async def events(self, repo_id: int, since: datetime, until: datetime) -> list[RepoEvent]:
        """Events with ``since <= occurred_at < until``, oldest first."""
        ...

    async def events_many(
        self, repo_ids: Sequence[int], since: datetime, until: datetime
    ) -> dict[int, list[RepoEvent]]:
        """:meth:`events` of each of ``repo_ids`` in one read (every id is a key)."""
        ...

    # Mentions (HN stories, feed items) and the feeds channels follow
    async def add_mentions(
        self, repo_id: int, mentions: Iterable[RepoEvent], feed_id: int | None = None
    ) -> None:
        """Store ``hn_story`` or ``feed_item`` events; one already stored (same kind and
        key) is updated (a story's points and comments grow)."""
        ...

    async def mentions(self, repo_id: int, since: datetime, until: datetime) -> list[RepoEvent]:
        """Mentions with ``since <= occurred_at < until``, oldest first."""
        ...

    async def mentions_many(
        self, repo_ids: Sequence[int], since: datetime, until: datetime
    ) -> dict[int, list[RepoEvent]]:
        """:meth:`mentions` of each of ``repo_ids`` in one read (every id is a key)."""
        ...

    async def add_feed(
        self, key: ChannelKey, url: str, title: str, user: str, at: datetime, cap: int
    ) -> FeedRecord | None:
        """Follow a feed (None: the channel already does), or raise :class:`FeedListFull`."""
        ...

    async def remove_feed(self, key: ChannelKey, url: str) -> bool: ...

    async def channel_feeds(self, key: ChannelKey) -> list[FeedRecord]:
        """The channel's feeds in the order they were added."""
        ...

    async def followed_feeds(self) -> list[tuple[ChannelKey, FeedRecord]]: ...

    async def record_feed_fetch(
        self,
        feed_id: int,
        at: datetime,
        *,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """A fetch's outcome: on success the validators are kept and failures reset; an
        error is kept with the count of failures in a row."""
        ...

    # Channels and watch lists
    async def get_channel(self, key: ChannelKey) -> ChannelRecord | None: ...

    async def add_channel(self, key: ChannelKey, at: datetime) -> ChannelRecord:
        """The channel's record, created with default settings if it is new."""
        ...

    async def save_channel_settings(self, key: ChannelKey, settings: ChannelSettings) -> None: ...

    async def pause_channel(self, key: ChannelKey, reason: str | None) -> None:
        """Pause the channel's scheduled posts and say why (``None`` resumes them)."""
        ...

    async def workspace_channels(self, platform: Platform, workspace: str) -> list[ChannelRecord]:
        """Every channel the store knows in the workspace (paused or not), oldest first."""
        ...

    async def workspace_access(self, platform: Platform, workspace: str) -> Access | None:
        """The workspace's choice of who manages channels; None when it made none."""
        ...

    async def set_workspace_access(
        self, platform: Platform, workspace: str, access: Access | None
    ) -> None: ...

    async def watch_list(self, key: ChannelKey) -> list[WatchedRepo]:
        """The channel's repositories in the order they were added."""
        ...

    async def watch_list_ids(self) -> dict[ChannelKey, tuple[int, ...]]:
        """Every channel's watch list as repository ids in list order (channels with an
        empty list are left out): which channels watch the same list."""
        ...

    async def add_to_watch_list(
        self, key: ChannelKey, refs: Sequence[RepoRef], user: str, at: datetime, cap: int
    ) -> WatchChange:
        """Add all of ``refs`` or, raising :class:`WatchListFull`, none of them."""
        ...

    async def remove_from_watch_list(
        self, key: ChannelKey, refs: Sequence[RepoRef], user: str, at: datetime
    ) -> WatchChange: ...

    async def watch_audit(self, key: ChannelKey) -> list[AuditEntry]:
        """Who added and removed what, oldest first."""
        ...

    # Scheduled deliveries
    async def claim_delivery(
        self, key: ChannelKey, period: str, claimer: str, at: datetime
    ) -> bool:
        """Claim the channel's post for ``period``; False when it is claimed already."""
        ...

    async def finish_delivery(
        self,
        key: ChannelKey,
        period: str,
        status: DeliveryStatus,
        at: datetime,
        *,
        message_id: str | None = None,
        error: str | None = None,
        text: BriefingText | None = None,
        text_note: str | None = None,
    ) -> None: ...

    async def get_delivery(self, key: ChannelKey, period: str) -> Delivery | None: ...

    async def take_over_delivery(
        self, key: ChannelKey, period: str, claimer: str, at: datetime, stale_before: datetime
    ) -> bool:
        """Claim a period whose claim was left unfinished before ``stale_before`` (its
        claimer crashed); False when it is finished or someone else holds it."""
        ...

    async def recent_deliveries(self, key: ChannelKey, limit: int) -> list[Delivery]:
        """The channel's latest deliveries, newest first."""
        ...

    async def stale_claims(self, stale_before: datetime, since: datetime) -> list[Delivery]:
        """Claims still unfinished that were made in ``[since, stale_before)``: their
        claimers most likely died. Oldest first."""
        ...

    async def scheduled_channels(self) -> list[ChannelRecord]:
        """Channels with a schedule, a non-empty watch list and no pause."""
        ...

    # Small named facts that outlive a run
    async def get_state(self, key: str) -> str | None: ...

    async def set_state(self, key: str, value: str, at: datetime) -> None: ...

    # Several instances on one database
    async def try_lock_repo(self, repo_id: int) -> bool:
        """Take the repository's collection lock; False when any instance (this one
        included) holds it. A lock dies with its holder's connection or process."""
        ...

    async def unlock_repo(self, repo_id: int) -> None: ...

    # Predictions
    async def add_prediction_set(
        self,
        key: ChannelKey,
        week: str,
        made_at: datetime,
        digest: str,
        previous: str | None,
        drafts: Sequence[PredictionDraft],
    ) -> bool:
        """Store a set and its predictions together; False (nothing stored) when the
        channel has a set for ``week`` already (another instance made it)."""
        ...

    async def prediction_sets(self, key: ChannelKey) -> list[PredictionSet]:
        """The channel's sets, oldest first."""
        ...

    async def set_prediction_message(self, key: ChannelKey, week: str, message_id: str) -> None:
        """Record the id of the message the week's set was first posted in (a daily
        schedule posts the week's set again; the first post is the receipt's)."""
        ...

    async def predictions(self, key: ChannelKey, *, open_only: bool = False) -> list[Prediction]:
        """The channel's predictions, oldest first."""
        ...

    async def resolve_prediction(self, prediction_id: int, outcome: bool, at: datetime) -> None: ...

    # Radar
    async def watching_channels(self) -> list[ChannelKey]:
        """Channels whose watch list is not empty."""
        ...

    async def save_radar_pool(self, theme: str, repo_ids: Sequence[int], at: datetime) -> None:
        """Replace the candidates of ``theme`` with ``repo_ids``, best first."""
        ...

    async def radar_pool(self, themes: Sequence[str]) -> list[RadarCandidate]:
        """The candidates of these themes, by theme (in the order given), then rank."""
        ...

    # Spike alerts
    async def alert_settings(self, key: ChannelKey) -> AlertSettings | None:
        """The channel's alert settings; None when alerts are off."""
        ...

    async def set_alert_settings(
        self, key: ChannelKey, settings: AlertSettings | None, at: datetime
    ) -> None:
        """Turn alerts on with ``settings``, or off with None."""
        ...

    async def alerting_channels(self) -> list[tuple[ChannelKey, AlertSettings]]:
        """Channels with alerts on and no pause."""
        ...

    async def claim_alert(self, key: ChannelKey, repo_id: int, kind: str, at: datetime) -> bool:
        """Record that the ``kind`` alert (``spike``, ``milestone:10000``) about the repo is
        being sent; False when it was sent already and not re-armed since."""
        ...

    async def rearm_alert(self, key: ChannelKey, repo_id: int, kind: str) -> None:
        """Forget that the alert was sent, so its next occurrence is sent again."""
        ...
