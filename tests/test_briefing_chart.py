"""The briefing's chart: both windows told apart, causes marked, a log scale when the
lines differ widely, a DEMO mark on demo data, readable 400 px wide, alt text once."""

from __future__ import annotations

import gc
import struct
from datetime import date

from adapters.markdown import render_markdown
from adapters.text import render_text
from bot.core.store import RepoEvent
from bot.features.briefing.chart import (
    briefing_chart,
    chart_days,
    draw,
    event_label,
    log_scale,
    marked_events,
    top_movers,
)
from bot.features.briefing.message import briefing_message
from tests.briefing_support import RELEASE, briefing, repo


def png_width(png: bytes) -> int:
    # IHDR: 8-byte signature, 4-byte length, "IHDR", then width and height (big-endian).
    return int(struct.unpack(">I", png[16:20])[0])


def test_the_days_span_both_windows_and_the_cause_is_marked() -> None:
    rocket = repo("acme/rocket", prior=70, now=700, event=RELEASE)
    shown = briefing(rocket, repo("acme/slow", prior=140, now=70))
    movers = top_movers(shown)
    days = chart_days(shown, movers)
    # 14 days before Apr 13: Mar 30 .. Apr 12; the current window starts Apr 6, the 8th.
    assert (days[0], days[7], days[-1]) == (date(2026, 3, 30), date(2026, 4, 6), date(2026, 4, 12))
    # rocket moved most (+90/day against -10/day), so it is line 0, with its release.
    assert marked_events(movers, days) == [(0, RELEASE)]
    chart = briefing_chart(shown)
    assert chart is not None
    assert "v2.0 marked on Apr 8" in chart.alt_text
    assert "the window before Apr 6 shaded" in chart.alt_text


def test_event_labels_come_from_trusted_parts_only() -> None:
    assert event_label(RELEASE) == "v2.0"
    pull = RepoEvent("pull_request", "4521", "Fix <!channel>", RELEASE.occurred_at)
    assert event_label(pull) == "PR #4521"
    story = RepoEvent("hn_story", "99", "Show HN: @here", RELEASE.occurred_at)
    assert event_label(story) == "HN story"


def test_log_scale_past_a_30_fold_difference() -> None:
    # 7 stars a week is 1/day; 217 is 31/day (31-fold) and 210 is 30/day (exactly 30-fold).
    slow = repo("a/slow", prior=0, now=7)
    assert log_scale([repo("a/fast", prior=0, now=217), slow])
    assert not log_scale([repo("a/fast", prior=0, now=210), slow])
    chart = briefing_chart(briefing(repo("a/fast", prior=0, now=217), slow))
    assert chart is not None
    assert "on a log scale" in chart.alt_text


def test_no_text_smaller_than_11_px_at_400_px_wide_and_demo_marked() -> None:
    shown = briefing(
        repo("huggingface/transformers-long-name", prior=70, now=700, event=RELEASE),
        repo("a/b", prior=140, now=70),
        synthetic=True,
    )
    drawn = draw(shown)
    width = png_width(drawn.png)
    # A point is 1/72 inch, drawn at 100 dpi; the image is then shown 400 px wide.
    smallest_px = drawn.smallest_points * 100 / 72 * 400 / width
    assert smallest_px >= 11, (drawn.smallest_points, width)
    chart = briefing_chart(shown)
    assert chart is not None
    assert chart.alt_text.startswith("Demo data.")


def test_the_native_series_are_the_drawn_lines() -> None:
    chart = briefing_chart(briefing(repo("acme/rocket", prior=70, now=700)))
    assert chart is not None
    [line] = chart.series
    # 70 a week is 10 a day for 7 days, then 700 a week is 100 a day.
    assert line.values == (10.0,) * 7 + (100.0,) * 7
    assert chart.categories[0] == "Mar 30"
    assert chart.categories[-1] == "Apr 12"
    assert len(chart.title) <= 50


def test_alt_text_is_not_printed_into_the_body() -> None:
    shown = briefing(repo("acme/rocket", prior=70, now=700, event=RELEASE))
    chart = briefing_chart(shown)
    assert chart is not None
    message = briefing_message(shown, chart)
    assert chart.alt_text not in render_text(message)
    assert "[chart:" not in render_text(message)
    # Markdown keeps it where it belongs: the image's alt field.
    assert render_markdown(message).count(chart.alt_text) == 1


def test_a_drawn_chart_leaves_no_figure_behind() -> None:
    # matplotlib's figures hold reference cycles: left to Python's rare full collections,
    # a fan-out's charts pile up (a megabyte or so each) until one comes.
    from matplotlib.figure import Figure

    gc.collect()
    before = sum(isinstance(thing, Figure) for thing in gc.get_objects())
    gc.disable()
    try:
        for now in (300, 400, 500):
            assert briefing_chart(briefing(repo("acme/rocket", prior=70, now=now))) is not None
        alive = sum(isinstance(thing, Figure) for thing in gc.get_objects())
    finally:
        gc.enable()
    # The last figure's emptied shell may remain until the next chart collects it.
    assert alive - before <= 1
