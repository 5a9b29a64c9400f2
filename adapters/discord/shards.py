"""Which guilds a process serves when Discord's shards are split across processes.

Discord hands each guild's gateway events to one shard, ``(guild_id >> 22) % shard_count``
(Gateway: Sharding), and direct messages to shard 0 only. A process running some of the
shards owns those guilds' channels: it is the one that posts their scheduled briefings.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.command import ChannelKey
from bot.core.settings import Settings

# Discord sends direct messages only to shard 0.
DIRECT_MESSAGES_SHARD = 0


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard that receives a guild's events. A snowflake's bits above 22 are its
    creation time in milliseconds, so guilds spread evenly over the shards."""
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True, slots=True)
class ShardPlan:
    """The shards this process runs: ``ids`` out of ``count``; ``ids`` None is all of them."""

    count: int | None = None
    ids: tuple[int, ...] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> ShardPlan:
        return cls(settings.discord_shard_count, settings.discord_shard_ids)

    def owns(self, channel: ChannelKey) -> bool:
        if channel.platform != "discord":
            return False
        if self.ids is None or self.count is None:
            return True
        guild = channel.workspace
        shard = shard_of(int(guild), self.count) if guild.isdigit() else DIRECT_MESSAGES_SHARD
        return shard in self.ids
