"""The one place where SQLite and PostgreSQL SQL differ.

The numbered migrations in ``migrations/`` are written for SQLite and stay the single
source of the schema; :func:`postgres_script` translates one for PostgreSQL:

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

:func:`numbered_params` turns ``?`` placeholders into ``$1, $2, …`` for SQL built at run
time (``momentum db copy``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Keywords that open a table constraint rather than a column definition.
_CONSTRAINTS = frozenset({"PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "CONSTRAINT"})
_COLUMN = re.compile(r"^\s*(\"?\w+\"?)\s+(\w+)(.*)$", re.DOTALL)
_ADD_COLUMN = re.compile(r"(\bADD\s+COLUMN\s+)(\w+)\s+(\w+)", re.IGNORECASE)
_CREATE_TABLE = re.compile(r"^\s*CREATE\s+TABLE\b", re.IGNORECASE)
_INSERT_OR_IGNORE = re.compile(r"^(\s*)INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_SQLITE_ONLY = re.compile(r"^\s*PRAGMA\b", re.IGNORECASE)


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


def postgres_script(sqlite_script: str) -> str:
    """A migration written for SQLite, as PostgreSQL runs it."""
    return ";\n".join(postgres_statement(s) for s in split_statements(sqlite_script)) + ";\n"


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
    out: list[str] = []
    count = 0
    quoted = False
    for char in sql:
        if char == "'":
            quoted = not quoted
        if char == "?" and not quoted:
            count += 1
            out.append(f"${count}")
        else:
            out.append(char)
    return "".join(out)


def split_statements(script: str) -> Iterator[str]:
    """The script's statements, comments removed, without their ``;``."""
    buffer: list[str] = []
    for char in _strip_comments(script):
        if char == ";" and _balanced_quotes(buffer):
            statement = "".join(buffer).strip()
            if statement:
                yield statement
            buffer = []
        else:
            buffer.append(char)
    rest = "".join(buffer).strip()
    if rest:
        yield rest


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
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    quoted = False
    for char in body:
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        if char == "," and depth == 0 and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part for part in (p.strip() for p in parts) if part]


def _strip_comments(script: str) -> str:
    out: list[str] = []
    quoted = False
    index = 0
    while index < len(script):
        char = script[index]
        if char == "'":
            quoted = not quoted
        if not quoted and script.startswith("--", index):
            end = script.find("\n", index)
            index = len(script) if end < 0 else end
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _balanced_quotes(buffer: list[str]) -> bool:
    return buffer.count("'") % 2 == 0
