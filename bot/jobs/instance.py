"""Which process claims a delivery, and whether a claim's process is gone.

A claim names its claimer ``host/pid-namespace:pid``. An unfinished claim made by another
process of this host and pid namespace that has exited was left by a crash (or a kill)
of an earlier run: this one can take it over at once instead of waiting out the lease,
since nothing else will post it. Other claims wait for the lease: their processes cannot
be seen from here (another host, or another container, even one with the same host
name).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Instance:
    place: str  # the host name, and the pid namespace where there is one
    pid: int | None = None  # None: a name given by hand (tests), never seen as exited

    @classmethod
    def this(cls) -> Instance:
        return cls(f"{socket.gethostname()}/{_pid_namespace()}", os.getpid())

    @classmethod
    def named(cls, name: str) -> Instance:
        place, _, pid = name.rpartition(":")
        return cls(place, int(pid)) if place and pid.isascii() and pid.isdigit() else cls(name)

    def __str__(self) -> str:
        return self.place if self.pid is None else f"{self.place}:{self.pid}"

    def outlived(self, claimer: str) -> bool:
        """Whether ``claimer`` is an earlier process of this host and pid namespace that
        has exited, or this very name from before this process started; the caller
        excludes the claims this process made itself."""
        if claimer == str(self):
            return True
        other = Instance.named(claimer)
        if other.pid is None or self.pid is None or other.place != self.place:
            return False
        return not _alive(other.pid)


def _pid_namespace() -> str:
    # Two containers can share a host name while each sees only its own pids.
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return "-"  # no pid namespaces here (not Linux): the host's pids are all there is


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
