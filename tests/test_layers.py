"""The layer rule in README's Layout section, checked on every import in the tree.

A module of ``bot/`` imports from its own floor and the floors below it; production code
never imports the testing fakes (``momentum demo`` loads them inside the function that
runs it); the core never imports an adapter, a storage backend or a platform SDK.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]

FLOORS = {
    "bot.core": 1,
    "bot.clients": 2,
    "bot.collection": 3,
    "bot.features": 4,
    "bot.jobs": 5,
    "bot.app": 6,
}
PLATFORM_SDKS = ("slack_bolt", "slack_sdk", "discord")
# The composition root wires adapters and storage into the core; nothing else in bot/ may.
COMPOSITION_ROOT = "bot.app"
# The one place production code reaches the fakes, and only when the demo runs.
DEMO_RUNNER = "bot.app.demo"


@dataclass(frozen=True, slots=True)
class Import:
    importer: str
    imported: str
    line: int
    in_function: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> Iterator[Import]:
    importer = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    functions: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            functions.update(id(inner) for inner in ast.walk(node) if inner is not node)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            yield Import(importer, name, node.lineno, id(node) in functions)


def floor(module: str) -> int | None:
    for package, number in FLOORS.items():
        if module == package or module.startswith(package + "."):
            return number
    return None


def production_files() -> list[Path]:
    files: list[Path] = []
    for top in ("bot", "adapters", "storage"):
        files.extend(path for path in (ROOT / top).rglob("*.py") if "testing" not in path.parts)
    return sorted(files)


def violations(files: list[Path]) -> list[str]:
    """One line per offending import statement."""
    found: dict[tuple[Path, int], str] = {}
    for path in files:
        for item in imports_of(path):
            if (path, item.line) in found:
                continue
            where = f"{path.relative_to(ROOT)}:{item.line}: {item.importer} imports {item.imported}"
            if item.imported == "bot.testing" or item.imported.startswith("bot.testing."):
                if not (item.importer == DEMO_RUNNER and item.in_function):
                    found[path, item.line] = f"{where} (production code never imports the fakes)"
                continue
            if not item.importer.startswith("bot"):
                continue
            if item.imported.split(".")[0] in PLATFORM_SDKS:
                found[path, item.line] = f"{where} (bot/ never imports a platform SDK)"
            if item.imported.split(".")[0] in ("adapters", "storage") and not (
                item.importer.startswith(COMPOSITION_ROOT)
            ):
                found[path, item.line] = f"{where} (only {COMPOSITION_ROOT} wires them in)"
            own, theirs = floor(item.importer), floor(item.imported)
            if own is not None and theirs is not None and theirs > own:
                found[path, item.line] = f"{where} (floor {own} may not import floor {theirs})"
    return list(found.values())


def test_production_code_keeps_the_layer_rule() -> None:
    assert violations(production_files()) == []


def test_every_bot_module_lives_on_a_floor() -> None:
    loose = [
        module_name(path)
        for path in (ROOT / "bot").glob("*.py")
        if path.name not in ("__init__.py", "__main__.py")
    ]
    assert loose == [], "every module of bot/ belongs in a floor's package (README, Layout)"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from bot.testing import FakeGitHub\n", "never imports the fakes"),
        ("import discord\n", "platform SDK"),
        ("from bot.app.runtime import Services\n", "floor 1 may not import floor 6"),
        ("from storage import open_store\n", "only bot.app wires them in"),
    ],
)
def test_the_check_catches_a_violation(source: str, expected: str) -> None:
    # A module written into the real tree's shape, so that its name and floor are real.
    core = ROOT / "bot" / "core"
    probe = core / "_layer_probe.py"
    probe.write_text(source, encoding="utf-8")
    try:
        (found,) = violations([probe])
    finally:
        probe.unlink()
    assert expected in found
