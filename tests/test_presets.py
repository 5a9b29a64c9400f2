"""Presets: the shipped files, ``watch presets`` and ``watch preset <name>`` on the router."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.repo_ref import RepoRef
from bot.core.settings import Settings
from bot.core.store import Store
from bot.features.commands import Router
from bot.features.commands.context import Context
from bot.features.presets import InvalidPreset, load_presets
from tests.support import CHANNEL, Chat, Clock

LOCAL_LLM = [
    "ollama/ollama", "ggml-org/llama.cpp", "vllm-project/vllm", "janhq/jan", "lmstudio-ai/lms",
    "huggingface/transformers", "pytorch/pytorch", "langchain-ai/langchain",
    "microsoft/autogen", "openai/openai-python",
]


def test_the_shipped_presets_load() -> None:
    presets = load_presets()
    assert list(presets) == ["local-llm", "python-web", "vector-databases"]
    assert [str(ref) for ref in presets["local-llm"].repos] == LOCAL_LLM
    assert all(preset.title and preset.repos for preset in presets.values())


def test_a_preset_is_a_file_and_a_bad_one_is_named(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text('title = "Mine"\nrepos = ["a/b", "A/B", "c/d"]\n')
    assert load_presets(tmp_path)["mine"].repos == (RepoRef("a", "b"), RepoRef("c", "d"))
    (tmp_path / "broken.toml").write_text('title = "Broken"\nrepos = ["not a repo"]\n')
    with pytest.raises(InvalidPreset, match="preset broken"):
        load_presets(tmp_path)


async def test_presets_are_listed_and_added_like_watch_add(chat: Chat, store: Store) -> None:
    listing = await chat.say_text("/momentum watch presets")
    rows = [line.split("  ") for line in listing.splitlines()]
    cells = [[cell.strip() for cell in row if cell.strip()] for row in rows]
    assert ["local-llm", "Local LLM runtimes", "10"] in cells
    assert ["vector-databases", "Vector databases", "7"] in cells
    added = await chat.say_text("/momentum watch preset Local-LLM")
    assert "Added 10 repos: ollama/ollama, ggml-org/llama.cpp" in added
    assert [str(item.repo.ref) for item in await store.watch_list(CHANNEL)] == LOCAL_LLM
    again = await chat.say_text("/momentum watch preset local-llm")
    assert "Nothing to add" in again
    unknown = await chat.say_text("/momentum watch preset nope")
    assert "There is no preset 'nope'" in unknown
    assert "Presets: local-llm, python-web, vector-databases." in unknown


async def test_a_preset_respects_the_cap_and_permissions(store: Store) -> None:
    small = Settings(_env_file=None, MOMENTUM_MAX_WATCH=12)  # type: ignore[call-arg]
    chat = Chat(Router(Context(store, small, Clock())), Clock())
    await chat.say("/momentum watch add a/b c/d e/f")
    full = await chat.say_text("/momentum watch preset local-llm")
    assert "Nothing was added: the watch list would be too long" in full
    assert "(room for 9)" in full
    await chat.say("/momentum access managers")
    refused = await chat.say_text("/momentum watch preset python-web", can_manage=False)
    assert "You can't change this channel's watch list" in refused
    assert len(await store.watch_list(CHANNEL)) == 3
