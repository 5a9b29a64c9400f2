"""``--chart FILE.png`` for the commands that draw one (briefing, compare): the path is
checked before any work, and the chart written after, with one-line errors."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.core.message import Chart


class ChartFileError(Exception):
    """The chart cannot be written where ``--chart`` says; ``str()`` says why."""


def check_chart_path(path: Path) -> None:
    """Refuse a chart path that cannot be written before anything is collected."""
    if path.is_dir():
        raise ChartFileError(
            f"--chart {path} is a directory; name a file in it, such as {path / 'chart.png'}"
        )
    if not path.parent.is_dir():
        raise ChartFileError(f"--chart {path}: there is no directory {path.parent}")


def write_chart(chart: Chart | None, path: Path | None, *, markdown: bool) -> Chart | None:
    """Write ``chart`` to ``path`` when both exist; the chart a message should carry: in
    Markdown its image link names the file written, and without a file there is none."""
    if path is not None and chart is not None:
        try:
            path.write_bytes(chart.png)
        except OSError as exc:
            raise ChartFileError(
                f"cannot write the chart to {path}: {exc.strerror or exc}"
            ) from None
        return replace(chart, filename=str(path))
    return None if markdown else chart
