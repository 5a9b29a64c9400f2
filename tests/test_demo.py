"""``momentum demo`` shows the whole product: a spike alert, a radar pick, past briefings
whose predictions are scored, and the channel's last briefing. A real process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.message import DEMO_LABEL
from bot.testing import FakeGitHub
from tests.test_console import github, momentum

__all__ = ["github"]  # the fixture, shared with the console tests

SCRIPT = "/momentum radar\n/momentum predictions\n/momentum status\n"


def last_monday_nine(now: datetime) -> datetime:
    """The console channel's default schedule: weekly, Monday 09:00 UTC."""
    monday = (now - timedelta(days=now.weekday())).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    return monday if monday <= now else monday - timedelta(weeks=1)


async def test_the_demo_shows_an_alert_a_radar_pick_and_a_scored_track_record(
    tmp_path: Path, github: FakeGitHub
) -> None:
    started = datetime.now(UTC)
    result = await momentum(["demo", "--database", "demo.db"], SCRIPT, tmp_path, github)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith(DEMO_LABEL)

    # sample-org/vectorhouse runs at 8× its ~25-30 stars a day since yesterday: whatever
    # the hour, its 24 hours hold about 8 days' worth, far above 3× the average.
    alert = out.index("Star spike: sample-org/vectorhouse")
    assert alert < out.index("Radar: young repos rising in llm, Python")
    # The demo's HN story (412 points, 138 comments) sits early on the spike's first day.
    assert "Coincided with  a Hacker News story (412 points, 138 comments)" in out

    # demo-labs/pocketllm, 40 days old, 5 + 235 × (age / 40)² stars a day: ages 33-39 are
    # the 7 days before today, 165 + 175 + 185 + 195 + 206 + 217 + 228 = 1,371 stars,
    # 195.9 a day.
    pick = next(line.split() for line in out.splitlines() if "demo-labs/pocketllm" in line)
    assert pick[:4] == ["1", "demo-labs/pocketllm", "40", "days"]
    assert pick[5] == "195.9"

    # Four weekly briefings were posted: the three older sets are scored, the newest open.
    assert "Track record: " in out
    scored = out.split("Scored, newest first")[1].split("·")[0]
    marks = [line for line in scored.splitlines() if line.startswith(("✓", "✗"))]
    assert len(marks) >= 3
    assert "\nOpen\n" in out
    run = last_monday_nine(started)
    posted = f"posted, {run:%a %b} {run.day}, 09:01 UTC"
    assert f"Last briefing  {posted}" in out
    # Prose is on for the demo channel, worded by the fake model on loopback: the four
    # past briefings, every one within the last 30 days (the oldest 3 weeks before the
    # last Monday, itself at most 6 days ago), all used its checked text.
    assert "Prose          on · 4 used, 0 fell back in the last 30 days" in out

    # Again on the same database: nothing is posted twice, the spike alerted once.
    again = await momentum(["demo", "--database", "demo.db"], SCRIPT, tmp_path, github)
    assert again.returncode == 0, again.stderr
    assert "Star spike" not in again.stdout
    assert again.stdout.count("✓") + again.stdout.count("✗") == len(marks)
    assert f"Last briefing  {posted}" in again.stdout

    # The briefing, on the same database a third time (the demo feed re-followed at this
    # run's address): the story coincides with the spike (8× a day's stars from its 06:00
    # on), named by our line or the demo model's, which quotes it. The 4 feed items (2-6
    # days ago) and the story (yesterday) are all in the window: 5 coverage items.
    briefing = await momentum(["demo", "--database", "demo.db"], "/momentum briefing\n",
                              tmp_path, github)
    assert briefing.returncode == 0, briefing.stderr
    movers = briefing.stdout.split("Accelerating")[1].split("Watch list")[0]
    spike = next(line for line in movers.splitlines() if "sample-org/vectorhouse" in line)
    assert "Show HN: vectorhouse (synthetic demo story)" in spike
    coverage = briefing.stdout.split("Attention and coverage")[1]
    assert coverage.startswith(
        "\n5 coverage items about the list's repos this week (1 Hacker News story and 4 feed "
        "items)"
    )

    # The command line on the demo's database says its figures are synthetic too, in the
    # table's footnote and on the chart it writes.
    compared = await momentum(
        ["compare", "demo-labs/swiftinfer", "demo-labs/tensorkit", "--offline",
         "--chart", "compare.png"],
        "", tmp_path, github, DATABASE_URL=f"sqlite:///{tmp_path / 'demo.db'}",
    )
    assert compared.returncode == 0, compared.stderr
    assert DEMO_LABEL in compared.stdout
    assert (tmp_path / "compare.png").read_bytes().startswith(b"\x89PNG")
