"""Fakes of the services Momentum talks to, for tests, benchmarks and ``momentum demo``.

They speak real HTTP on 127.0.0.1 so the code under test runs exactly as in production.
"""

from bot.testing.fake_github import FakeGitHub, Fault
from bot.testing.github_scenario import (
    FakeClock,
    ScenarioPull,
    ScenarioRelease,
    ScenarioRepo,
    Unstar,
    week_start,
)
from bot.testing.other_host import OtherHost

__all__ = [
    "FakeClock",
    "FakeGitHub",
    "Fault",
    "OtherHost",
    "ScenarioPull",
    "ScenarioRelease",
    "ScenarioRepo",
    "Unstar",
    "week_start",
]
