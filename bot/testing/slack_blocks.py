"""The Block Kit checks the fake Slack applies to a posted message, as Slack documents
them (docs.slack.dev/reference/block-kit): at most 50 blocks; ``image`` blocks showing a
Slack file the posting token uploaded and completed (or a URL); ``data_visualization``
(title 50 characters, 1-6 series of 1-20 points whose labels are the axis categories,
names, labels and categories 20 characters, axis labels 50, at most 2 a message); and
``data_table`` (a caption, 2-101 rows of 1-20 equal cells, no rich text in the header,
10,000 characters across a message's cells, pages of 1-100 rows).

Each problem is one string in Slack's form, ``"<what> [json-pointer:/blocks/3/title]"``,
which the fake returns under ``errors`` with ``invalid_blocks``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

MAX_BLOCKS = 50
MAX_DATA_VISUALIZATIONS = 2
MAX_TABLE_CHARS = 10_000
_FILE_ID = re.compile(r"F[A-Z0-9]{8,}")
_CHART_TYPES = frozenset({"line", "bar", "area", "pie"})
_CELL_TYPES = frozenset({"raw_text", "raw_number", "rich_text"})

# Whether a file id may be shown by the posting token (uploaded and completed by it).
FileCheck = Callable[[str], bool]


def block_problems(
    blocks: object, attachments: object, *, file_visible: FileCheck, refused: frozenset[str]
) -> list[str]:
    """Every problem with a message's blocks and its attachments' blocks; ``refused``
    names block types this workspace does not take (answered as unsupported)."""
    problems: list[str] = []
    every: list[tuple[str, Mapping[str, Any]]] = []
    groups: list[tuple[str, object]] = [("/blocks", blocks)]
    if isinstance(attachments, list):
        groups += [
            (f"/attachments/{n}/blocks", a.get("blocks"))
            for n, a in enumerate(attachments)
            if isinstance(a, Mapping)
        ]
    for prefix, group in groups:
        if group is None:
            continue
        if not isinstance(group, list):
            problems.append(f"must be an array [json-pointer:{prefix}]")
            continue
        for number, block in enumerate(group):
            pointer = f"{prefix}/{number}"
            if not isinstance(block, Mapping) or not isinstance(block.get("type"), str):
                problems.append(f"missing required field: type [json-pointer:{pointer}]")
                continue
            every.append((pointer, block))
    if len(every) > MAX_BLOCKS:
        problems.append(f"no more than {MAX_BLOCKS} items allowed [json-pointer:/blocks]")
    charts = 0
    cells = 0
    for pointer, block in every:
        kind = block["type"]
        if kind in refused:
            problems.append(f"unsupported type: {kind} [json-pointer:{pointer}/type]")
            continue
        if kind == "image":
            problems += _image(block, pointer, file_visible)
        elif kind == "data_visualization":
            charts += 1
            if charts > MAX_DATA_VISUALIZATIONS:
                problems.append(
                    f"no more than {MAX_DATA_VISUALIZATIONS} data_visualization blocks "
                    f"allowed [json-pointer:{pointer}]"
                )
            problems += _data_visualization(block, pointer)
        elif kind == "data_table":
            found, count = _data_table(block, pointer)
            problems += found
            cells += count
    if cells > MAX_TABLE_CHARS:
        problems.append(
            f"table cells must not exceed {MAX_TABLE_CHARS} characters in a message "
            "[json-pointer:/blocks]"
        )
    return problems


def _text(value: object, limit: int, pointer: str, *, required: bool = True) -> list[str]:
    if value is None and not required:
        return []
    if not isinstance(value, str) or not value:
        return [f"must be a non-empty string [json-pointer:{pointer}]"]
    if len(value) > limit:
        return [f"must be less than {limit + 1} characters [json-pointer:{pointer}]"]
    return []


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _image(block: Mapping[str, Any], pointer: str, file_visible: FileCheck) -> list[str]:
    problems = _text(block.get("alt_text"), 2000, f"{pointer}/alt_text")
    title = block.get("title")
    if title is not None:
        if not isinstance(title, Mapping) or title.get("type") != "plain_text":
            problems.append(f"must be a plain_text object [json-pointer:{pointer}/title]")
        else:
            problems += _text(title.get("text"), 2000, f"{pointer}/title/text")
    url, file = block.get("image_url"), block.get("slack_file")
    if (url is None) == (file is None):
        problems.append(
            f"must provide exactly one of image_url or slack_file [json-pointer:{pointer}]"
        )
        return problems
    if file is None:
        return problems + _text(url, 3000, f"{pointer}/image_url")
    if not isinstance(file, Mapping) or ("id" in file) == ("url" in file):
        return [*problems, f"invalid slack file [json-pointer:{pointer}/slack_file]"]
    file_id = file.get("id")
    if file_id is not None and not (isinstance(file_id, str) and _FILE_ID.fullmatch(file_id)):
        problems.append(
            f"input must match regex pattern: ^[F][A-Z0-9]{{8,}}$ "
            f"[json-pointer:{pointer}/slack_file/id]"
        )
    elif file_id is not None and not file_visible(file_id):
        problems.append(f"invalid slack file [json-pointer:{pointer}/slack_file]")
    return problems


def _data_visualization(block: Mapping[str, Any], pointer: str) -> list[str]:
    problems = _text(block.get("title"), 50, f"{pointer}/title")
    chart = block.get("chart")
    if not isinstance(chart, Mapping) or chart.get("type") not in _CHART_TYPES:
        return [*problems, f"must be one of pie, bar, area, line [json-pointer:{pointer}/chart]"]
    if chart["type"] == "pie":
        segments = chart.get("segments")
        if not isinstance(segments, list) or not 1 <= len(segments) <= 6:
            problems.append(f"must hold 1 to 6 segments [json-pointer:{pointer}/chart/segments]")
        return problems
    axes = chart.get("axis_config")
    where = f"{pointer}/chart/axis_config"
    if not isinstance(axes, Mapping) or not isinstance(axes.get("categories"), list):
        return [*problems, f"missing required field: categories [json-pointer:{where}]"]
    categories = axes["categories"]
    for number, category in enumerate(categories):
        problems += _text(category, 20, f"{where}/categories/{number}")
    for label in ("x_label", "y_label"):
        problems += _text(axes.get(label), 50, f"{where}/{label}", required=False)
    series = chart.get("series")
    if not isinstance(series, list) or not 1 <= len(series) <= 6:
        return [*problems, f"must hold 1 to 6 series [json-pointer:{pointer}/chart/series]"]
    names: list[object] = []
    for number, line in enumerate(series):
        at = f"{pointer}/chart/series/{number}"
        if not isinstance(line, Mapping):
            problems.append(f"must be an object [json-pointer:{at}]")
            continue
        names.append(line.get("name"))
        problems += _text(line.get("name"), 20, f"{at}/name")
        problems += _points(line.get("data"), categories, at)
    if len(set(map(str, names))) < len(names):
        problems.append(f"series names must be unique [json-pointer:{pointer}/chart/series]")
    return problems


def _points(data: object, categories: Sequence[object], at: str) -> list[str]:
    if not isinstance(data, list) or not 1 <= len(data) <= 20:
        return [f"must hold 1 to 20 data points [json-pointer:{at}/data]"]
    problems: list[str] = []
    for number, point in enumerate(data):
        where = f"{at}/data/{number}"
        if not isinstance(point, Mapping) or not _number(point.get("value")):
            problems.append(f"value must be a number [json-pointer:{where}]")
            continue
        problems += _text(point.get("label"), 20, f"{where}/label")
        if point.get("label") not in categories:
            problems.append(f"label must be one of the axis categories [json-pointer:{where}]")
    return problems


def _data_table(block: Mapping[str, Any], pointer: str) -> tuple[list[str], int]:
    problems = _text(block.get("caption"), 3000, f"{pointer}/caption")
    page = block.get("page_size")
    if page is not None and not (isinstance(page, int) and 1 <= page <= 100):
        problems.append(f"must be between 1 and 100 [json-pointer:{pointer}/page_size]")
    rows = block.get("rows")
    if not isinstance(rows, list) or not 2 <= len(rows) <= 101:
        return [*problems, f"must hold 2 to 101 rows [json-pointer:{pointer}/rows]"], 0
    width = len(rows[0]) if isinstance(rows[0], list) else 0
    if not 1 <= width <= 20:
        return [*problems, f"must hold 1 to 20 cells [json-pointer:{pointer}/rows/0]"], 0
    chars = 0
    for number, row in enumerate(rows):
        at = f"{pointer}/rows/{number}"
        if not isinstance(row, list) or len(row) != width:
            problems.append(f"every row must hold {width} cells [json-pointer:{at}]")
            continue
        for column, cell in enumerate(row):
            where = f"{at}/{column}"
            kind = cell.get("type") if isinstance(cell, Mapping) else None
            if kind not in _CELL_TYPES or (number == 0 and kind == "rich_text"):
                problems.append(f"invalid cell type [json-pointer:{where}]")
                continue
            assert isinstance(cell, Mapping)
            if kind == "raw_number" and not _number(cell.get("value")):
                problems.append(f"value must be a number [json-pointer:{where}/value]")
            if kind in ("raw_text", "raw_number"):
                problems += _text(cell.get("text"), MAX_TABLE_CHARS, f"{where}/text",
                                  required=kind == "raw_text")
                chars += len(str(cell.get("text") or ""))
    return problems, chars
