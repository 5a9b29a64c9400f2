"""Shared by the backtest scripts: serve a scenario from the fake GitHub on loopback,
collect it into a fresh SQLite store the way the bot does, and run ``momentum backtest``'s
own code over it."""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from bot.app.cli.backtest import add_arguments, run_backtest
from bot.clients.github import GitHubClient
from bot.collection.collector import collect
from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.testing import FakeClock, FakeGitHub, ScenarioRepo
from bot.testing.github_scenario import Scenario
from storage.sqlite import SqliteStore

CHANNEL = ChannelKey("console", "backtest", "backtest")


async def collect_and_backtest(
    repos: Sequence[ScenarioRepo],
    now: datetime,
    start: date,
    end: date,
    *,
    list_size: int,
    output: str = "text",
) -> str:
    clock = FakeClock(now)
    refs = [RepoRef(repo.owner, repo.name) for repo in repos]
    with tempfile.TemporaryDirectory(prefix="momentum-backtest-") as scratch:
        store = await SqliteStore.open(Path(scratch) / "backtest.db")
        try:
            await store.add_to_watch_list(CHANNEL, refs, "backtest", now, cap=len(refs))
            async with FakeGitHub(Scenario(repos), clock=clock) as fake:
                client = GitHubClient(
                    api_url=fake.url, graphql_url=fake.graphql_url, token="backtest",
                    clock=clock, sleep=clock.sleep,
                )
                async with client:
                    summary = await collect(store, client, clock.now)
            if summary.skipped or summary.failed:
                raise RuntimeError(f"collection incomplete: {'; '.join(summary.lines())}")
            parser = argparse.ArgumentParser()
            add_arguments(parser)
            args = parser.parse_args([
                "--repos", ",".join(map(str, refs)), "--from", start.isoformat(),
                "--to", end.isoformat(), "--list-size", str(list_size), "--format", output,
            ])
            return await run_backtest(store, args)
        finally:
            await store.close()
