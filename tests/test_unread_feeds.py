"""A briefing names the channel's feeds that could not be read, so that silence about
coverage is not taken for none; the names are strangers' text and stay inert."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from adapters.slack.render import render as render_slack
from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.store import Store
from bot.features.briefing.channel import channel_briefing

AS_OF = date(2026, 4, 13)
NOW = datetime(2026, 4, 13, 6, tzinfo=UTC)
KEY = ChannelKey.parse("slack:T1/C1")


async def briefing_footnotes(store: Store) -> tuple[str, ...]:
    channel = await store.get_channel(KEY)
    assert channel is not None
    message = await channel_briefing(store, channel, as_of=AS_OF, default_window=7, now=NOW)
    assert message is not None
    return message.footnotes


async def test_feeds_whose_last_read_failed_are_named_in_a_footnote(store: Store) -> None:
    repo = await store.add_repo(RepoRef("acme", "rocket"), NOW)
    await store.put_daily_stars(repo.id, {AS_OF - timedelta(n): 10 for n in range(1, 15)}, NOW)
    await store.add_to_watch_list(KEY, [repo.ref], "U1", NOW, cap=20)
    read = await store.add_feed(KEY, "https://a.example/feed", "Fine Weekly", "U1", NOW, cap=10)
    broken = await store.add_feed(KEY, "https://b.example/feed", "Weekly <!channel>", "U1",
                                  NOW, cap=10)
    assert read is not None
    assert broken is not None
    await store.record_feed_fetch(read.id, NOW - timedelta(hours=2))
    assert not any(note.startswith("Not read") for note in await briefing_footnotes(store))

    for hours in (3, 1):  # two failures in a row
        await store.record_feed_fetch(broken.id, NOW - timedelta(hours=hours), error="HTTP 500")
    channel = await store.get_channel(KEY)
    assert channel is not None
    message = await channel_briefing(store, channel, as_of=AS_OF, default_window=7, now=NOW)
    assert message is not None
    assert message.footnotes[-1] == (
        "Not read: “Weekly <!channel>” (2 failed reads in a row); its items are missing "
        "here. /momentum feeds list shows the last error."
    )
    posted = json.dumps(render_slack(message).payload(), ensure_ascii=False)
    assert "<!channel>" not in posted
    assert "Weekly &lt;!\u2060channel&gt;" in posted  # escaped, and a word joiner inside
