"""The one place where SQLite and PostgreSQL SQL differ.

The numbered migrations in ``migrations/`` are written for SQLite and stay the single
source of the schema; :func:`postgres_statement` translates their statements for PostgreSQL:

- ``INTEGER PRIMARY KEY`` (SQLite's rowid alias) becomes a ``BIGINT`` identity, ``BY
  DEFAULT`` so that ``momentum db copy`` can keep the ids it copies (unless it also
  ``REFERENCES`` another table: then its value always comes from there);
- ``INTEGER`` becomes ``BIGINT`` (GitHub ids outgrow 32 bits), ``REAL`` becomes ``DOUBLE
  PRECISION`` (PostgreSQL's ``REAL`` is 4 bytes and would not round-trip a Python float),
  ``BLOB`` becomes ``BYTEA``;
- SQLite keeps times and days as ISO text; PostgreSQL gets real types, chosen by the
  column-naming convention the schema already follows: a ``TEXT`` column named ``at`` or
  ``*_at`` is a ``TIMESTAMPTZ``, one named ``day``, ``due``, ``*_day`` or ``*_date`` is a
  ``DATE``. Name new columns that way and both backends agree on what they hold;
- ``AUTOINCREMENT``, ``WITHOUT ROWID`` and ``INSERT OR IGNORE`` get their PostgreSQL forms.

:func:`numbered_params` turns the ``?`` placeholders of every query the store runs into
PostgreSQL's ``$1, $2, …``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

# Keywords that open a table constraint rather than a column definition.
_CONSTRAINTS = frozenset({"PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "CONSTRAINT"})
_COLUMN = re.compile(r"^\s*(\"?\w+\"?)\s+(\w+)(.*)$", re.DOTALL)
_ADD_COLUMN = re.compile(r"(\bADD\s+COLUMN\s+)(\w+)\s+(\w+)", re.IGNORECASE)
_CREATE_TABLE = re.compile(r"^\s*CREATE\s+TABLE\b", re.IGNORECASE)
_INSERT_OR_IGNORE = re.compile(r"^(\s*)INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_SQLITE_ONLY = re.compile(r"^\s*PRAGMA\b", re.IGNORECASE)
# A string literal is matched whole, so that a ?, -- or ; inside one stays text.
_LITERAL_OR_MARK = re.compile(r"'[^']*'|\?")
_LITERAL_OR_COMMENT = re.compile(r"'[^']*'|--[^\n]*")
_STATEMENT = re.compile(r"(?:'[^']*'|[^';])+")
_TOKEN = re.compile(r"'[^']*'|[(),]|[^'(),]+")


def column_type(name: str, sqlite_type: str) -> str:
    """The PostgreSQL type of a column that SQLite declares as ``sqlite_type``."""
    declared = sqlite_type.upper()
    column = name.strip('"').lower()
    if declared == "TEXT":
        if column == "at" or column.endswith("_at"):
            return "TIMESTAMPTZ"
        if column in {"day", "due"} or column.endswith(("_day", "_date")):
            return "DATE"
        return "TEXT"
    return {
        "INTEGER": "BIGINT",
        "INT": "BIGINT",
        "REAL": "DOUBLE PRECISION",
        "FLOAT": "DOUBLE PRECISION",
        "DOUBLE": "DOUBLE PRECISION",
        "BLOB": "BYTEA",
        "BOOLEAN": "BOOLEAN",
        "NUMERIC": "NUMERIC",
    }.get(declared, sqlite_type)


def postgres_statement(statement: str) -> str:
    if _SQLITE_ONLY.match(statement):
        raise ValueError(f"a migration may not use SQLite-only statements: {statement!r}")
    if _CREATE_TABLE.match(statement):
        return _create_table(statement)
    statement = _ADD_COLUMN.sub(
        lambda m: f"{m[1]}{m[2]} {column_type(m[2], m[3])}", statement
    )
    if _INSERT_OR_IGNORE.match(statement):
        statement = _INSERT_OR_IGNORE.sub(r"\1INSERT INTO", statement) + " ON CONFLICT DO NOTHING"
    return statement


def numbered_params(sql: str) -> str:
    """``?`` placeholders (outside string literals) as PostgreSQL's ``$1, $2, …``."""
    numbers = itertools.count(1)
    return _LITERAL_OR_MARK.sub(lambda m: f"${next(numbers)}" if m[0] == "?" else m[0], sql)


def split_statements(script: str) -> Iterator[str]:
    """The script's statements, comments removed, without their ``;``."""
    bare = _LITERAL_OR_COMMENT.sub(lambda m: "" if m[0].startswith("--") else m[0], script)
    for statement in _STATEMENT.findall(bare):
        if statement.strip():
            yield statement.strip()


def _create_table(statement: str) -> str:
    open_at = statement.index("(")
    close_at = statement.rindex(")")
    head, body, tail = statement[:open_at], statement[open_at + 1 : close_at], statement[close_at:]
    tail = re.sub(r"\bWITHOUT\s+ROWID\b", "", tail, flags=re.IGNORECASE)
    parts = [_column(part) for part in _split_top_level(body)]
    return head + "(\n    " + ",\n    ".join(parts) + "\n" + tail


def _column(definition: str) -> str:
    match = _COLUMN.match(definition)
    if match is None or match[1].upper() in _CONSTRAINTS:
        return definition.strip()
    name, declared, rest = match[1], match[2], match[3]
    rest = re.sub(r"\s+AUTOINCREMENT\b", "", rest, flags=re.IGNORECASE)
    rowid_alias = re.match(r"\s+PRIMARY\s+KEY\b", rest, re.IGNORECASE)
    # A key that references another table's is given, never generated.
    generated = rowid_alias and not re.search(r"\bREFERENCES\b", rest, re.IGNORECASE)
    if declared.upper() == "INTEGER" and generated:
        return f"{name} BIGINT GENERATED BY DEFAULT AS IDENTITY{rest}".strip()
    return f"{name} {column_type(name, declared)}{rest}".strip()


def _split_top_level(body: str) -> list[str]:
    """The body's comma-separated parts (commas in parentheses or quotes do not split)."""
    parts, current, depth = [], "", 0
    for token in _TOKEN.findall(body):
        depth += {"(": 1, ")": -1}.get(token, 0)
        if token == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += token
    return [part for part in (p.strip() for p in [*parts, current]) if part]
