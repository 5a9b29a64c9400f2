"""The world a fake GitHub serves: repositories, their stars (and unstars), releases and
merged pull requests, seen at the moment a :class:`FakeClock` says it is.

A star is counted on the UTC day it was given and only while it is present, as GitHub's
star history counts it: an unstar shrinks the day the star was given, not the day it was
taken back.
"""

from __future__ import annotations

import asyncio
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

DAY = 86_400
WEEK = 7 * DAY


def week_start(moment: datetime | date) -> datetime:
    """The Sunday 00:00 UTC that starts the week holding ``moment``."""
    day = moment.astimezone(UTC).date() if isinstance(moment, datetime) else moment
    sunday = day - timedelta(days=(day.weekday() + 1) % 7)
    return datetime.combine(sunday, time(), UTC)


def _seconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError(f"{moment!r} has no time zone")
    return int(moment.timestamp())


@dataclass
class FakeClock:
    """The fake's "now"; ``sleep`` moves it on instead of waiting, for clients under test."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        self.advance(seconds)
        await asyncio.sleep(0)


class StarLedger(Protocol):
    """Every star ever given to a repository (unstarred ones included)."""

    def count(self, start: int, end: int) -> int:
        """Stars given at unix seconds ``start <= t < end``."""
        ...

    def timestamps(self) -> Iterator[int]: ...


class TimestampLedger:
    """Stars at exact moments (what a stargazer list shows)."""

    def __init__(self, moments: Iterable[datetime]) -> None:
        self._times = array("q", sorted(_seconds(moment) for moment in moments))

    def count(self, start: int, end: int) -> int:
        return max(0, bisect_left(self._times, end) - bisect_left(self._times, start))

    def timestamps(self) -> Iterator[int]:
        return iter(self._times)


class DailyLedger:
    """Stars as counts per UTC day, each day's stars given at its 00:00.

    Compact enough for benchmarks of a thousand repositories with 200,000 stars each.
    """

    def __init__(self, first_day: date, counts: Sequence[int]) -> None:
        self._first = _seconds(datetime.combine(first_day, time(), UTC))
        # Cumulative sums make any range a subtraction.
        self._cumulative = array("q", [0])
        for count in counts:
            if count < 0:
                raise ValueError("a day cannot have a negative number of stars")
            self._cumulative.append(self._cumulative[-1] + count)

    def _before(self, moment: int) -> int:
        """Stars given strictly before ``moment``."""
        days = -(-(moment - self._first) // DAY)  # days whose 00:00 is before ``moment``
        return self._cumulative[max(0, min(days, len(self._cumulative) - 1))]

    def count(self, start: int, end: int) -> int:
        return max(0, self._before(end) - self._before(start))

    def timestamps(self) -> Iterator[int]:
        for offset in range(len(self._cumulative) - 1):
            given = self._cumulative[offset + 1] - self._cumulative[offset]
            yield from [self._first + offset * DAY] * given


@dataclass(frozen=True, slots=True)
class Unstar:
    """A star given at ``given`` and taken back at ``removed`` (the ledger holds ``given``)."""

    given: datetime
    removed: datetime


@dataclass(frozen=True, slots=True)
class ScenarioRelease:
    tag: str
    name: str | None
    published_at: datetime


@dataclass(frozen=True, slots=True)
class ScenarioPull:
    number: int
    title: str
    merged_at: datetime


@dataclass(eq=False)
class ScenarioRepo:
    owner: str
    name: str
    github_id: int
    created_at: datetime
    stars: StarLedger
    unstars: list[Unstar] = field(default_factory=list)
    node_id: str = ""
    forks: int = 0
    description: str | None = None
    homepage: str | None = None
    topics: tuple[str, ...] = ()
    language: str | None = None
    pushed_at: datetime | None = None
    releases: list[ScenarioRelease] = field(default_factory=list)
    pulls: list[ScenarioPull] = field(default_factory=list)
    former_names: list[str] = field(default_factory=list)
    private: bool = False

    def __post_init__(self) -> None:
        if not self.node_id:
            self.node_id = f"R_kgDO{self.github_id:08d}"

    @classmethod
    def with_stars(
        cls,
        full_name: str,
        github_id: int,
        created_at: datetime,
        stars: Iterable[datetime],
        **details: object,
    ) -> ScenarioRepo:
        owner, name = full_name.split("/")
        return cls(owner, name, github_id, created_at, TimestampLedger(stars), **details)  # type: ignore[arg-type]

    @classmethod
    def with_daily(
        cls,
        full_name: str,
        github_id: int,
        created_at: datetime,
        daily: Sequence[int],
        **details: object,
    ) -> ScenarioRepo:
        """``daily[i]`` stars on the ``i``-th day from the creation day."""
        owner, name = full_name.split("/")
        ledger = DailyLedger(created_at.astimezone(UTC).date(), daily)
        return cls(owner, name, github_id, created_at, ledger, **details)  # type: ignore[arg-type]

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def present(self, start: int, end: int, now: datetime) -> int:
        """Stars given in ``[start, end)`` (unix seconds), up to ``now``, still present."""
        now_s = _seconds(now)
        end = min(end, now_s + 1)
        if end <= start:
            return 0
        taken_back = sum(
            1
            for unstar in self.unstars
            if start <= _seconds(unstar.given) < end and _seconds(unstar.removed) <= now_s
        )
        return self.stars.count(start, end) - taken_back

    def stargazer_count(self, now: datetime) -> int:
        return self.present(0, _seconds(now) + 1, now)

    def day_counts(self, week: datetime, now: datetime) -> list[int]:
        """The seven counts of the week starting ``week`` (days after ``now``: 0)."""
        first = _seconds(week)
        return [self.present(first + d * DAY, first + (d + 1) * DAY, now) for d in range(7)]

    def stargazers(self, now: datetime) -> list[tuple[int, int]]:
        """(index, unix seconds) of each star present at ``now``, oldest first."""
        now_s = _seconds(now)
        removed: dict[int, int] = {}
        for unstar in self.unstars:
            if _seconds(unstar.removed) <= now_s:
                removed[_seconds(unstar.given)] = removed.get(_seconds(unstar.given), 0) + 1
        listed = []
        for index, given in enumerate(self.stars.timestamps()):
            if given > now_s:
                break
            if removed.get(given, 0):
                removed[given] -= 1
                continue
            listed.append((index, given))
        return listed


class Scenario:
    """The repositories a fake GitHub knows, found by name (current or former) or id."""

    def __init__(
        self,
        repos: Iterable[ScenarioRepo] = (),
        collaborators: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._repos: dict[int, ScenarioRepo] = {}
        self._names: dict[str, ScenarioRepo] = {}
        self.collaborators = {
            token: {name.lower() for name in names}
            for token, names in (collaborators or {}).items()
        }
        for repo in repos:
            self.add(repo)

    def add(self, repo: ScenarioRepo) -> None:
        self._repos[repo.github_id] = repo
        self._names[repo.full_name.lower()] = repo

    def delete(self, full_name: str) -> None:
        repo = self.by_name(full_name)
        if repo is None:
            raise KeyError(full_name)
        del self._repos[repo.github_id]
        del self._names[repo.full_name.lower()]

    def rename(self, full_name: str, new_full_name: str) -> ScenarioRepo:
        repo = self.by_name(full_name)
        if repo is None:
            raise KeyError(full_name)
        repo.former_names.append(repo.full_name)
        del self._names[repo.full_name.lower()]
        repo.owner, repo.name = new_full_name.split("/")
        self._names[repo.full_name.lower()] = repo
        return repo

    def __iter__(self) -> Iterator[ScenarioRepo]:
        return iter(self._repos.values())

    def __len__(self) -> int:
        return len(self._repos)

    def by_id(self, github_id: int) -> ScenarioRepo | None:
        return self._repos.get(github_id)

    def by_name(self, full_name: str) -> ScenarioRepo | None:
        """The repository called ``full_name`` now (case-insensitive)."""
        return self._names.get(full_name.lower())

    def by_former_name(self, full_name: str) -> ScenarioRepo | None:
        key = full_name.lower()
        return next(
            (r for r in self._repos.values() if key in (n.lower() for n in r.former_names)),
            None,
        )

    def is_collaborator(self, token: str | None, repo: ScenarioRepo) -> bool:
        return token is not None and repo.full_name.lower() in self.collaborators.get(token, ())
