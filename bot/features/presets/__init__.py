"""Curated starter watch lists, one TOML file each in this folder.

A preset's name is its file name without ``.toml``; the file holds ``title``,
``description`` and ``repos`` (``owner/name`` strings). Adding a preset is adding a file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

from bot.core.repo_ref import InvalidRepoRef, RepoRef


class InvalidPreset(ValueError):
    """A preset file that cannot be read; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    title: str
    description: str
    repos: tuple[RepoRef, ...]


def load_presets(folder: Traversable | None = None) -> dict[str, Preset]:
    """Every preset in ``folder`` (this package by default), by name, in name order."""
    root = folder or resources.files(__name__)
    found = [
        _read(entry)
        for entry in root.iterdir()
        if entry.is_file() and entry.name.endswith(".toml")
    ]
    return {preset.name: preset for preset in sorted(found, key=lambda p: p.name)}


def _read(entry: Traversable) -> Preset:
    name = entry.name.removesuffix(".toml")
    try:
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidPreset(f"preset {name}: {exc}") from None
    title, description, repos = data.get("title"), data.get("description", ""), data.get("repos")
    if not isinstance(title, str) or not isinstance(description, str):
        raise InvalidPreset(f"preset {name}: 'title' and 'description' must be text")
    if not isinstance(repos, list) or not repos or not all(isinstance(r, str) for r in repos):
        raise InvalidPreset(f"preset {name}: 'repos' must be a non-empty list of owner/name")
    try:
        refs = tuple(dict.fromkeys(RepoRef.parse(repo) for repo in repos))
    except InvalidRepoRef as exc:
        raise InvalidPreset(f"preset {name}: {exc}") from None
    return Preset(name, title, description, refs)
