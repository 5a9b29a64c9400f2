"""Which process claims a delivery, and whether a claim's process is gone.

A claim names its claimer ``host:pid``. An unfinished claim made by another process on
this host that has exited was left by a crash (or a kill) of an earlier run: this one
can take it over at once instead of waiting out the lease, since nothing else will post
it. Claims from other hosts wait for the lease: their processes cannot be seen from here.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Instance:
    host: str
    pid: int | None = None  # None: a name given by hand (tests), never seen as exited

    @classmethod
    def this(cls) -> Instance:
        return cls(socket.gethostname(), os.getpid())

    @classmethod
    def named(cls, name: str) -> Instance:
        host, _, pid = name.rpartition(":")
        return cls(host, int(pid)) if host and pid.isascii() and pid.isdigit() else cls(name)

    def __str__(self) -> str:
        return self.host if self.pid is None else f"{self.host}:{self.pid}"

    def outlived(self, claimer: str) -> bool:
        """Whether ``claimer`` is an earlier process on this host that has exited, or this
        very name from before this process started (a container restarted with the same
        host name and pid); the caller excludes the claims this process made itself."""
        if claimer == str(self):
            return True
        other = Instance.named(claimer)
        if other.pid is None or other.host != self.host or self.pid is None:
            return False
        return not _alive(other.pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
