"""``/momentum watch add|remove|list|preset|presets``: a channel's own watch list."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.clients.github import GitHubError, GitHubUnavailable, RepoInfo
from bot.collection.collector import CollectSummary
from bot.core.command import Command, ReplyLater
from bot.core.formatting import count, plural
from bot.core.message import Message, Section, Table, error
from bot.core.repo_ref import InvalidRepoRef, RepoRef, split_repo_words
from bot.core.store import RepoRecord, WatchListFull
from bot.features.access import MANAGER_ROLE, may_change
from bot.features.commands.context import Context
from bot.features.commands.help import usage_error
from bot.features.presets import load_presets


async def watch_command(ctx: Context, command: Command, args: list[str]) -> Message:
    if not args:
        return usage_error("Which watch command?", "watch")
    action, rest = args[0].lower(), args[1:]
    if action == "list":
        if rest:
            return usage_error("'watch list' takes no arguments", "watch")
        return await _list(ctx, command)
    if action == "presets":
        if rest:
            return usage_error("'watch presets' takes no arguments", "watch")
        return _presets()
    if action == "preset":
        if len(rest) != 1:
            return usage_error("Name one preset", "watch", _preset_names())
        return await _add_preset(ctx, command, rest[0].lower())
    if action in {"add", "remove"}:
        if not await may_change(ctx.store, command):
            return refused(command)
        refs, problems = _parse_refs(rest)
        if problems:
            return usage_error(
                "Nothing was changed: " + plural(len(problems), "repo name is", "repo names are")
                + " not valid",
                "watch",
                "\n".join(problems),
            )
        if not refs:
            return usage_error(f"Name at least one repo to {action}", "watch")
        if action == "add":
            return await _add(ctx, command, refs)
        return await _remove(ctx, command, refs)
    return usage_error(f"Unknown watch command '{args[0]}'", "watch")


def refused(command: Command) -> Message:
    return error(
        "You can't change this channel's watch list",
        f"In this workspace only {MANAGER_ROLE[command.channel.platform]} can add "
        "or remove repos. Anyone can use /momentum watch list and /momentum repo.",
    )


async def add_repos(ctx: Context, command: Command, refs: list[RepoRef]) -> Message:
    """``watch add`` for other commands (presets, radar): same permission, checks and cap."""
    if not await may_change(ctx.store, command):
        return refused(command)
    return await _add(ctx, command, refs)


def _presets() -> Message:
    rows = tuple(
        (preset.name, preset.title, str(len(preset.repos)))
        for preset in load_presets().values()
    )
    return Message(
        title="Watch-list presets",
        sections=(
            Section(table=Table(("preset", "what", "repos"), rows)),
            Section(text="Add one with /momentum watch preset <name>; repos already on the "
                    "list stay as they are."),
        ),
    )


def _preset_names() -> str:
    return "Presets: " + ", ".join(load_presets()) + "."


async def _add_preset(ctx: Context, command: Command, name: str) -> Message:
    preset = load_presets().get(name)
    if preset is None:
        return usage_error(f"There is no preset '{name}'", "watch", _preset_names())
    return await add_repos(ctx, command, list(preset.repos))


def _parse_refs(words: list[str]) -> tuple[list[RepoRef], list[str]]:
    refs: list[RepoRef] = []
    problems: list[str] = []
    for item in split_repo_words(words):
        try:
            refs.append(RepoRef.parse(item))
        except InvalidRepoRef as exc:
            problems.append(str(exc))
    return refs, problems


async def _add(ctx: Context, command: Command, refs: list[RepoRef]) -> Message:
    refs = list(dict.fromkeys(refs))  # RepoRef equality ignores case, as GitHub does
    cap = ctx.settings.max_watch
    # The cap first: a list that cannot take these names costs GitHub nothing.
    watched = {item.repo.ref for item in await ctx.store.watch_list(command.channel)}
    adding = [ref for ref in refs if ref not in watched]
    if len(watched) + len(adding) > cap:
        return _too_long(len(watched), len(adding), cap)
    notes: list[str] = []
    infos: dict[RepoRef, RepoInfo] = {}
    if ctx.data is not None and adding:
        checked = await ctx.data.check(adding)
        missing = [ref for ref, answer in checked.items() if answer is None]
        if missing:
            names = ", ".join(map(str, missing))
            return error(
                "Nothing was added: " + plural(len(missing), "repo does", "repos do")
                + " not exist on GitHub",
                f"GitHub knows no public repository {names} (deleted, private, or misspelt?).",
            )
        infos = {ref: answer for ref, answer in checked.items() if isinstance(answer, RepoInfo)}
        unchecked = {ref: answer for ref, answer in checked.items()
                     if isinstance(answer, GitHubError)}
        if unchecked:
            notes.append(_unchecked_note(unchecked))
        # GitHub's own spelling, and a renamed repo's current name.
        refs = [infos[ref].ref if ref in infos else ref for ref in refs]
    # What GitHub said is stored before the list changes: if the database fills up on the
    # way, the list is as it was (and the router says so).
    known = await _remember(ctx, infos)
    try:
        change = await ctx.store.add_to_watch_list(
            command.channel, refs, command.user, ctx.now(), cap
        )
    except WatchListFull as full:
        return _too_long(full.size, full.adding, cap)
    sections = []
    if change.changed:
        names = ", ".join(map(str, change.changed))
        sections.append(Section(text=f"Added {plural(len(change.changed), 'repo')}: {names}."))
        if ctx.data is not None:
            uncollected = [known[ref] for ref in change.changed if ref in known]
            if uncollected:
                later = command.reply_later
                then = None if later is None else _collected_reply(ctx, uncollected, later)
                ctx.data.collect_soon(uncollected, then=then)
            if infos:
                notes.append(
                    "Their star history is being collected now; "
                    + (
                        "a second reply says when it is in (usually within a minute)."
                        if command.reply_later is not None and uncollected
                        else "/momentum repo owner/name shows their figures once it is in "
                        "(usually within a minute)."
                    )
                )
    if change.unchanged:
        names = ", ".join(map(str, change.unchanged))
        sections.append(Section(text=f"Already on the list: {names}."))
    sections += [Section(text=note) for note in notes]
    title = "Watch list updated" if change.changed else "Nothing to add"
    return Message(title=title, sections=tuple(sections))


def _collected_reply(
    ctx: Context, repos: list[RepoRecord], later: ReplyLater
) -> Callable[[CollectSummary | None], Awaitable[None]]:
    """The second reply to ``watch add``: which new repos' history is in, with their
    totals, and which GitHub did not give."""

    async def reply(summary: CollectSummary | None) -> None:
        done = [repo for repo in repos if summary is not None and repo.ref in summary.refreshed]
        missed = [repo.ref for repo in repos if repo not in done]
        lines = []
        for repo in done:
            snapshot = await ctx.store.latest_snapshot(repo.id)
            total = f" ({count(snapshot.stars)} stars)" if snapshot else ""
            lines.append(f"{repo.ref}{total}")
        sections = []
        if lines:
            sections.append(Section(text="Star history collected: " + ", ".join(lines)
                                    + ". /momentum repo owner/name shows their figures."))
        if missed:
            sections.append(Section(text="GitHub did not give the history of "
                                    + ", ".join(map(str, missed))
                                    + " just now; the next refresh collects it."))
        title = "Collected" if not missed else "Partly collected" if done else "Not collected yet"
        await later(Message(title=title, sections=tuple(sections)))

    return reply


def _too_long(size: int, adding: int, cap: int) -> Message:
    room = max(cap - size, 0)
    return error(
        "Nothing was added: the watch list would be too long",
        f"This channel watches {size} of at most {cap} repos, so "
        f"{plural(adding, 'more does', 'more do')} not fit "
        f"(room for {room}). Remove some with /momentum watch remove first.",
    )


def _unchecked_note(unchecked: dict[RepoRef, GitHubError]) -> str:
    """Every name whose check did not finish, and why (each reason once)."""
    names = ", ".join(map(str, unchecked))
    reasons = "; ".join(dict.fromkeys(_reason(problem) for problem in unchecked.values()))
    them = "it" if len(unchecked) == 1 else "them"
    return (
        f"Added unchecked: {names}. GitHub could not check {them} just now ({reasons}); the "
        f"next refresh checks and collects {them}, and marks gone a name GitHub does not know."
    )


_OUTAGES = {
    "connection": "GitHub could not be reached",
    "timeout": "GitHub did not answer in time",
    "server_error": "GitHub answered with server errors",
}


def _reason(problem: GitHubError) -> str:
    if isinstance(problem, GitHubUnavailable):
        return _OUTAGES.get(problem.kind, str(problem))
    return str(problem)


async def _remember(ctx: Context, infos: dict[RepoRef, RepoInfo]) -> dict[RepoRef, RepoRecord]:
    """Save what GitHub just said about each repo; the repos whose history is still to
    collect, by name. Repos GitHub could not be asked about wait for the next refresh."""
    known = {}
    if ctx.data is not None:
        for info in infos.values():
            repo = await ctx.data.record(info)
            if repo.stars_fetched_at is None:
                known[info.ref] = repo
    return known


async def _remove(ctx: Context, command: Command, refs: list[RepoRef]) -> Message:
    change = await ctx.store.remove_from_watch_list(
        command.channel, refs, command.user, ctx.now()
    )
    sections = []
    if change.changed:
        names = ", ".join(map(str, change.changed))
        sections.append(Section(text=f"Removed {plural(len(change.changed), 'repo')}: {names}."))
    if change.unchanged:
        names = ", ".join(map(str, change.unchanged))
        sections.append(Section(text=f"Not on the list: {names}."))
    title = "Watch list updated" if change.changed else "Nothing to remove"
    return Message(title=title, sections=tuple(sections))


async def _list(ctx: Context, command: Command) -> Message:
    watched = await ctx.store.watch_list(command.channel)
    cap = ctx.settings.max_watch
    if not watched:
        return Message(
            title="This channel watches no repos yet",
            sections=(Section(text="Add some with /momentum watch add owner/name."),),
        )
    rows = tuple(
        (str(number), str(item.repo.ref), item.added_by, f"{item.added_at:%Y-%m-%d}")
        for number, item in enumerate(watched, start=1)
    )
    table = Table(columns=("#", "repo", "added by", "added"), rows=rows)
    return Message(
        title=f"Watch list: {len(watched)} of {cap} repos",
        sections=(Section(table=table),),
    )
