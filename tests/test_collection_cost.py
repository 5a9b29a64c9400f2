"""What a first briefing of new repos costs on GitHub, counted on the fake (issue 20)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.testing import FakeGitHub, ScenarioRepo
from tests.github_support import TOKEN
from tests.test_console import momentum


async def test_a_first_briefing_of_seven_new_repos_reads_one_history_page_each(
    tmp_path: Path,
) -> None:
    # Two years old, so every repo's history runs to four pages (104 weeks / 30).
    created = datetime.now(UTC) - timedelta(days=730)
    names = [f"org/r{n}" for n in range(7)]
    repos = [ScenarioRepo.with_daily(name, 10 + n, created, [10] * 731)
             for n, name in enumerate(names)]
    async with FakeGitHub(repos) as fake:
        result = await momentum(
            ["briefing", "--repos", ",".join(names), "--format", "json"], "", tmp_path, fake,
            GITHUB_TOKEN=TOKEN,
        )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["repos"]) == 7
    # A 7-day window, the 7 before and a 28-day baseline reach 42 days back: page 1 (30
    # weeks) holds them. One history call per repo, and the metadata of all seven in one
    # GraphQL query of 21 connections (0.21 points, at least 1): 7 calls and 1 point.
    assert fake.stats.calls["history"] == 7
    assert fake.stats.rest_calls == 7
    assert fake.stats.graphql_points == 1


async def test_deeper_history_is_read_only_when_asked(tmp_path: Path) -> None:
    created = datetime.now(UTC) - timedelta(days=730)
    repo = ScenarioRepo.with_daily("org/deep", 1, created, [10] * 731)
    async with FakeGitHub([repo]) as fake:
        added = await momentum(["console"], "watch add org/deep\n", tmp_path, fake)
        assert "Added 1 repo" in added.stdout
        assert fake.stats.calls["history"] == 1  # the first collection: page 1
        deep = await momentum(["collect", "--pages", "3"], "", tmp_path, fake)
        assert deep.returncode == 0, deep.stderr
        assert fake.stats.calls["history"] == 1 + 3
        assert "1 of 1 repositories refreshed (1 backfilled)" in deep.stdout
        bad = await momentum(["collect", "--pages", "0"], "", tmp_path, fake)
    assert bad.returncode == 2
    assert "'0' is not a page count from 1 to 100" in bad.stderr
    assert "Traceback" not in bad.stderr
