import pytest

from bot.core.repo_ref import InvalidRepoRef, RepoRef, split_repo_words


@pytest.mark.parametrize(
    "text",
    [
        "vllm-project/vllm",
        "https://github.com/vllm-project/vllm",
        "http://github.com/vllm-project/vllm/",
        "github.com/vllm-project/vllm.git",
        "https://www.github.com/vllm-project/vllm/tree/main/docs",
        "git@github.com:vllm-project/vllm.git",
        "<https://github.com/vllm-project/vllm>",
        "  vllm-project/vllm  ",
    ],
)
def test_accepted_forms_name_the_same_repo(text: str) -> None:
    ref = RepoRef.parse(text)
    assert (ref.owner, ref.name) == ("vllm-project", "vllm")


def test_names_compare_without_case_but_keep_their_spelling() -> None:
    ref = RepoRef.parse("Ollama/Ollama")
    assert ref == RepoRef.parse("ollama/ollama")
    assert hash(ref) == hash(RepoRef("ollama", "ollama"))
    assert str(ref) == "Ollama/Ollama"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("vllm", "expected owner/name"),
        ("a/b/c", "expected owner/name"),
        ("-bad/repo", "the owner '-bad'"),
        ("bad-/repo", "the owner 'bad-'"),
        ("ba--d/repo", "the owner 'ba--d'"),
        ("under_score/repo", "the owner 'under_score'"),
        ("a" * 40 + "/repo", "at most 39"),
        ("owner/" + "r" * 101, "at most 100"),
        ("owner/..", "the name '..'"),
        ("owner/re po", "the name 're po'"),
        ("owner/<!channel>", "the name"),
        ("https://gitlab.com/owner/repo", "only github.com"),
        ("ftp://github.com/owner/repo", "only github.com"),
        ("https://github.com/owner", "expected owner/name"),
    ],
)
def test_refusals_say_why(text: str, reason: str) -> None:
    with pytest.raises(InvalidRepoRef) as refused:
        RepoRef.parse(text)
    assert reason in refused.value.reason


def test_longest_legal_names_are_accepted() -> None:
    ref = RepoRef.parse("a" * 39 + "/" + "r" * 100)
    assert len(ref.owner) == 39
    assert len(ref.name) == 100


def test_repo_words_split_on_spaces_and_commas() -> None:
    assert split_repo_words(["a/b,c/d", ",", "e/f,"]) == ["a/b", "c/d", "e/f"]
