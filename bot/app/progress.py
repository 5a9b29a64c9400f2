"""Progress for long work on a terminal (rich), on stderr so stdout stays clean output."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

ProgressCallback = Callable[[int, int], None]


@contextmanager
def progress_bar(description: str) -> Iterator[ProgressCallback]:
    """A callback ``(done, total)`` that draws a bar while the block runs; on a pipe or
    a log, where a bar would be noise, the callback does nothing visible."""
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True, disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update
