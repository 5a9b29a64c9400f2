"""The router, driven as a channel would drive it, on a real SQLite store."""

from datetime import UTC, date, datetime, timedelta

from adapters.text import render_text
from bot.core.command import ChannelKey
from bot.core.repo_ref import RepoRef
from bot.core.settings import Settings
from bot.core.store import RepoEvent, RepoMetadata, Snapshot, Store
from bot.features.commands import Router
from bot.features.commands.context import Context
from tests.support import Chat, Clock

OTHER = ChannelKey("discord", "G1", "C9")


async def listed(store: Store, chat: Chat) -> list[str]:
    return [str(item.repo.ref) for item in await store.watch_list(chat.channel)]


async def test_help_lists_every_command(chat: Chat) -> None:
    for text in ("/momentum help", "/momentum", "help"):
        reply = await chat.say_text(text)
        for syntax in ("/momentum repo owner/name", "/momentum watch add", "/momentum watch list"):
            assert syntax in reply
    watch_help = await chat.say_text("help watch")
    assert "/momentum watch remove" in watch_help
    assert "/momentum repo" not in watch_help
    assert (await chat.say("help nonsense")).tone == "error"


async def test_unknown_commands_get_usage_and_a_suggestion(chat: Chat) -> None:
    reply = await chat.say("wacth add a/b")
    assert reply.tone == "error"
    text = await chat.say_text("wacth add a/b")
    assert "Unknown command 'wacth'" in text
    assert "Did you mean 'watch'?" in text
    text = await chat.say_text("watch frobnicate")
    assert "Unknown watch command 'frobnicate'" in text
    assert "/momentum watch add" in text


async def test_watch_add_list_remove(chat: Chat, store: Store) -> None:
    reply = await chat.say_text("/momentum watch add vllm-project/vllm, ollama/ollama")
    assert "Added 2 repos: vllm-project/vllm, ollama/ollama." in reply
    reply = await chat.say_text(
        "/momentum watch add https://github.com/ollama/ollama ggml-org/llama.cpp"
    )
    assert "Added 1 repo: ggml-org/llama.cpp." in reply
    assert "Already on the list: ollama/ollama." in reply
    assert await listed(store, chat) == ["vllm-project/vllm", "ollama/ollama", "ggml-org/llama.cpp"]

    text = await chat.say_text("watch list")
    assert "Watch list: 3 of 100 repos" in text
    lines = text.splitlines()
    order = [next(i for i, line in enumerate(lines) if name in line)
             for name in ("vllm-project/vllm", "ollama/ollama", "ggml-org/llama.cpp")]
    assert order == sorted(order)

    reply = await chat.say_text("watch remove ollama/ollama nobody/nothing")
    assert "Removed 1 repo: ollama/ollama." in reply
    assert "Not on the list: nobody/nothing." in reply
    assert await listed(store, chat) == ["vllm-project/vllm", "ggml-org/llama.cpp"]
    # Another channel's list is its own.
    assert "watches no repos yet" in await chat.say_text("watch list", channel=OTHER)


async def test_one_bad_name_changes_nothing(chat: Chat, store: Store) -> None:
    reply = await chat.say("watch add vllm-project/vllm not-a-repo https://gitlab.com/a/b")
    assert reply.tone == "error"
    text = await chat.say_text("watch add vllm-project/vllm not-a-repo https://gitlab.com/a/b")
    assert "Nothing was changed: 2 repo names are not valid" in text
    assert "'not-a-repo' is not a GitHub repository: expected owner/name" in text
    assert "only github.com addresses" in text
    assert await listed(store, chat) == []
    assert (await chat.say("watch add")).tone == "error"
    assert (await chat.say("watch list extra")).tone == "error"


async def test_discord_needs_managers_until_the_server_opens_up(chat: Chat, store: Store) -> None:
    await chat.say("watch add vllm-project/vllm", channel=OTHER)
    for attempt in ("watch add ollama/ollama", "watch remove vllm-project/vllm"):
        reply = await chat.say(attempt, user="U_BOB", can_manage=False, channel=OTHER)
        assert reply.tone == "error"
        assert "can't change this channel's watch list" in reply.title
        assert "members with Manage Channels" in render_text(reply)
    assert [str(i.repo.ref) for i in await store.watch_list(OTHER)] == ["vllm-project/vllm"]
    # Reading is for everyone.
    text = await chat.say_text("watch list", can_manage=False, channel=OTHER)
    assert "vllm-project/vllm" in text

    refused = await chat.say("access everyone", can_manage=False, channel=OTHER)
    assert refused.tone == "error"
    assert await store.workspace_access("discord", "G1") is None
    await chat.say("access everyone", channel=OTHER)
    reply = await chat.say("watch add ollama/ollama", can_manage=False, channel=OTHER)
    assert reply.tone == "info"
    assert len(await store.watch_list(OTHER)) == 2


async def test_slack_lets_everyone_change_until_restricted(chat: Chat, store: Store) -> None:
    assert "Everyone in a channel (the default)" in await chat.say_text("access")
    assert (await chat.say("watch add a/one", can_manage=False)).tone == "info"
    assert (await chat.say("access admins")).tone == "error"
    await chat.say("access managers")
    assert "Workspace admins and owners." in await chat.say_text("access", can_manage=False)
    reply = await chat.say("watch remove a/one", can_manage=False)
    assert reply.tone == "error"
    assert await listed(store, chat) == ["a/one"]


async def test_the_cap_is_enforced_with_room_stated(
    store: Store, settings: Settings, clock: Clock
) -> None:
    chat = Chat(Router(Context(store, settings.model_copy(update={"max_watch": 3}), clock)), clock)
    await chat.say("watch add a/one a/two")
    reply = await chat.say_text("watch add a/three a/four a/one")
    assert "Nothing was added" in reply
    assert "watches 2 of at most 3 repos, so 2 more do not fit (room for 1)" in reply
    assert await listed(store, chat) == ["a/one", "a/two"]
    assert "Added 1 repo: a/three." in await chat.say_text("watch add a/three")


async def test_an_oversized_command_is_refused(chat: Chat, store: Store) -> None:
    names = " ".join(f"owner/repo{n}" for n in range(400))
    reply = await chat.say("watch add " + names)
    assert reply.tone == "error"
    assert "too long" in reply.title
    assert await listed(store, chat) == []


async def test_repo_unknown_and_malformed(chat: Chat) -> None:
    text = await chat.say_text("repo vllm-project/vllm")
    assert "No data for vllm-project/vllm yet" in text
    assert "/momentum watch add vllm-project/vllm" in text
    assert (await chat.say("repo not-a-repo")).tone == "error"
    assert (await chat.say("repo")).tone == "error"
    assert (await chat.say("repo a/b c/d")).tone == "error"


async def test_repo_answers_from_the_store(chat: Chat, store: Store) -> None:
    # The clock says Apr 13, 09:30 UTC: the 7-day window is Apr 6-12, the prior Mar 30-Apr 5,
    # the 28-day window Mar 16-Apr 12 and its prior Feb 16-Mar 15.
    now = chat.clock.now
    repo = await store.add_repo(RepoRef("vllm-project", "vllm"), now)
    await store.save_repo_metadata(
        repo.id, RepoMetadata(RepoRef("vllm-project", "vllm"), description="Fast LLM serving"),
        now,
    )
    daily: dict[date, int] = {}
    for back in range(1, 57):
        day = date(2026, 4, 13) - timedelta(days=back)
        daily[day] = 30 if back <= 7 else (20 if back <= 28 else 10)
    await store.put_daily_stars(repo.id, daily, now)
    await store.add_snapshot(repo.id, Snapshot(now, 61_234, 11_002))
    await store.add_events(repo.id, [
        RepoEvent("release", "v0.8.0", "v0.8.0", datetime(2026, 3, 1, tzinfo=UTC)),
        RepoEvent("release", "v0.9.0", "v0.9.0", datetime(2026, 4, 8, 16, tzinfo=UTC)),
    ])
    text = await chat.say_text("repo https://github.com/vllm-project/vllm")
    assert "Fast LLM serving" in text
    assert "61,234" in text
    assert "11,002" in text
    # 7 days: 7x30 = 210 -> 30.0/day; prior 7x20 = 140 -> 20.0/day; +10.0, +50%.
    assert "30.0/day (prior 20.0/day, +10.0, +50%)" in text
    # 28 days: 7x30 + 21x20 = 630 -> 22.5/day; prior 28x10 = 280 -> 10.0/day; +12.5, +125%.
    assert "22.5/day (prior 10.0/day, +12.5, +125%)" in text
    assert "v0.9.0 (Apr 8)" in text
    # 21 days at 20 then 7 at 30: the sparkline's low bars, then its top bars.
    assert "▁" * 21 + "█" * 7 in text
    assert "no data yet" not in text


async def test_repo_with_gaps_says_its_figures_may_be_understated(
    chat: Chat, store: Store
) -> None:
    repo = await store.add_repo(RepoRef("a", "b"), chat.clock.now)
    await store.put_daily_stars(repo.id, {date(2026, 4, 12): 5}, chat.clock.now)
    text = await chat.say_text("repo a/b")
    assert "no data yet, so these figures may be understated" in text
    assert "not collected yet" in text


async def test_a_failing_handler_answers_politely(chat: Chat, store: Store) -> None:
    await store.close()  # every store call now fails
    reply = await chat.say("watch list")
    assert reply.tone == "error"
    assert "Something went wrong" in reply.title


async def test_briefing_posts_for_the_channel(chat: Chat, store: Store) -> None:
    empty = await chat.say("briefing")
    assert "watches no repos yet" in empty.title
    await chat.say("watch add a/rising a/flat")
    for name, recent in (("a/rising", 9), ("a/flat", 2)):
        repo = await store.find_repo(RepoRef.parse(name))
        assert repo is not None
        # 2 a day for 40 days, then `recent` a day over the 7 days before Apr 13.
        history = {date(2026, 4, 13) - timedelta(days=n): (recent if n <= 7 else 2)
                   for n in range(1, 41)}
        await store.put_daily_stars(repo.id, history, chat.clock.now)
    reply = await chat.say("briefing")
    assert reply.audience == "channel"
    assert reply.chart is not None
    text = render_text(reply)
    # rising: 63/7 = 9.0 from 2.0 (+7.0, +350%); flat: 2.0 from 2.0; list: 11 stars/day,
    # up 7.0 from 4.0 (+175%), all of it rising's. 40 days are too few weeks for a usual
    # swing, so the lede says nothing of one.
    assert (
        "The list's 2 repos gained 11 stars/day this week, up 7.0 stars/day (+175%) "
        "from the week before. a/rising alone accounts for 100% of the rise. Nothing in the "
        "data coincides with it."
    ) in text
    assert "a/rising: 9.0 stars/day, up from 2.0 (+350%)" in text
    assert "1 other steady" in text
    assert (await chat.say("briefing now")).tone == "error"


async def test_schedule_shows_sets_and_explains(chat: Chat, store: Store) -> None:
    # The clock says Monday Apr 13, 09:30 UTC: the default weekly Monday 09:00 UTC has just
    # passed, so the next is Apr 20.
    text = await chat.say_text("schedule")
    assert "weekly on Monday at 09:00 UTC" in text
    assert "Mon Apr 20, 09:00 UTC" in text
    text = await chat.say_text("schedule daily 07:15 Asia/Tokyo")
    assert "daily at 07:15 Asia/Tokyo" in text
    # 09:30 UTC is 18:30 in Tokyo; the next 07:15 there is Tuesday Apr 14.
    assert "Tue Apr 14, 07:15 Asia/Tokyo" in text
    channel = await store.get_channel(chat.channel)
    assert channel is not None
    assert (channel.settings.schedule, channel.settings.timezone) == ("daily", "Asia/Tokyo")
    bad = await chat.say_text("schedule weekly someday 09:00")
    assert "'someday' is not a day of the week" in bad
    assert "/momentum schedule weekly <day> <HH:MM> [time zone]" in bad
    assert "Europe/Atlantis" in await chat.say_text("schedule daily 09:00 Europe/Atlantis")
    unchanged = await store.get_channel(chat.channel)
    assert unchanged == channel
    assert "off" in await chat.say_text("schedule off")
    refused = await chat.say("schedule daily 10:00", channel=OTHER, can_manage=False)
    assert refused.tone == "error"


async def test_status_shows_list_schedule_deliveries_and_freshness(
    chat: Chat, store: Store
) -> None:
    await chat.say("watch add a/one a/two")
    repo = await store.find_repo(RepoRef("a", "one"))
    assert repo is not None
    five_hours_ago = chat.clock.now - timedelta(hours=5)
    await store.put_daily_stars(repo.id, {date(2026, 4, 12): 3}, five_hours_ago)
    await store.claim_delivery(chat.channel, "2026-W16", "a", chat.clock.now)
    await store.finish_delivery(chat.channel, "2026-W16", "failed", chat.clock.now,
                                error="not_in_channel")
    await store.pause_channel(chat.channel, "not_in_channel")
    text = await chat.say_text("status")
    assert "2 repos of 100" in text
    assert "weekly on Monday at 09:00 UTC" in text
    assert "failed, Mon Apr 13, 09:30 UTC: not_in_channel" in text
    assert "Paused" in text
    assert "oldest refresh 5 hours ago; 1 repo not collected yet" in text
    resumed = await chat.say_text("schedule weekly monday 09:00")
    assert "they are resumed" in resumed
    assert "Next briefing  Mon Apr 20, 09:00 UTC" in await chat.say_text("status")


async def test_repo_draws_its_stars_with_releases_marked(chat: Chat, store: Store) -> None:
    # 56 days of 10 stars before Apr 13 and a total of 1,000: the chart's curve runs from
    # 1,000 - 55 x 10 = 450 (Feb 16) to 1,000 (Apr 12); daily bars are all 10; the release
    # of Apr 8 is inside the 90 days drawn, the one of 2025 is not.
    now = chat.clock.now
    repo = await store.add_repo(RepoRef("acme", "rocket"), now)
    await store.put_daily_stars(
        repo.id, {date(2026, 4, 13) - timedelta(days=n): 10 for n in range(1, 57)}, now
    )
    await store.add_snapshot(repo.id, Snapshot(now, 1_000, None))
    await store.add_events(repo.id, [
        RepoEvent("release", "v1.0", "v1.0", datetime(2025, 6, 1, tzinfo=UTC)),
        RepoEvent("release", "v2.0", "v2.0", datetime(2026, 4, 8, 16, tzinfo=UTC)),
    ])
    reply = await chat.say("repo acme/rocket")
    assert reply.chart is not None
    assert reply.chart.png.startswith(b"\x89PNG")
    assert reply.chart.alt_text == (
        "Chart of acme/rocket's stars from Feb 16 to Apr 12: 450 to 1,000 in all, daily stars "
        "as bars beneath (most on Feb 16: 10), 1 release marked."
    )


async def test_help_figures_tells_the_method_the_briefing_leaves_out(chat: Chat) -> None:
    from bot.features.predictions.text import HOW

    text = await chat.say_text("help figures")
    for label in ("Stars/day", "Usual swing", "Share of the change", "Coincidence", "Themes"):
        assert label in text
    assert HOW in text
    assert "help figures" in await chat.say_text("help")
    assert "or figures, for how the figures are made" in await chat.say_text("help nope")
