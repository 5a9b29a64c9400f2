"""What an adapter hands the core: who asked what, in which channel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, get_args

from bot.core.message import Message

Platform = Literal["slack", "discord", "console"]
# A second answer to the same asker, after the first reply (data fetched behind it).
ReplyLater = Callable[[Message], Awaitable[None]]
PLATFORMS: tuple[Platform, ...] = get_args(Platform)


@dataclass(frozen=True, slots=True)
class ChannelKey:
    """A channel, unique across platforms: Slack team and channel ids, Discord guild and
    channel ids, or the console's single local channel."""

    platform: Platform
    workspace: str
    channel: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.workspace}/{self.channel}"

    @classmethod
    def parse(cls, text: str) -> ChannelKey:
        """Read the ``platform:workspace/channel`` form that ``str()`` writes."""
        platform, _, rest = text.partition(":")
        workspace, _, channel = rest.partition("/")
        for known in PLATFORMS:
            if platform == known and workspace and channel:
                return cls(known, workspace, channel)
        raise ValueError(
            f"'{text}' is not a channel: expected platform:workspace/channel with a "
            f"platform of {', '.join(PLATFORMS)} (for example slack:T0123/C0456)"
        )


@dataclass(frozen=True, slots=True)
class Command:
    """One ``/momentum …`` invocation, as words after the command name.

    ``can_manage`` is the adapter's verdict on whether the user holds the platform's
    managing role for the channel (Slack: workspace admin or owner; Discord: Manage
    Channels; the console's user always does). Whether that role is needed to change a
    watch list is the workspace's choice, which the core looks up and enforces
    (``bot.features.access``).
    """

    channel: ChannelKey
    user: str
    can_manage: bool
    text: str
    # Where the platform lets a command answer again after its first reply (Slack's
    # response_url for 30 minutes, a Discord interaction's follow-up for 15, the console
    # while it runs); None where it cannot.
    reply_later: ReplyLater | None = field(default=None, compare=False, repr=False)

    @property
    def words(self) -> list[str]:
        return self.text.split()
