"""Every GraphQL document the client can send validates against GitHub's public schema."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from graphql import GraphQLSchema, build_schema, parse, validate

from bot.clients.github.queries import BATCH_SIZE, metadata_query
from bot.testing.fake_graphql import query_cost

# GitHub's public schema (MIT, see schema.LICENSE.md beside it), shipped with the tests.
SCHEMA = Path(__file__).parent / "data/github/schema.graphql"


@cache
def github_schema() -> GraphQLSchema:
    # A missing schema must fail the test run, never skip it: without it nothing checks
    # that GitHub would accept what we send.
    assert SCHEMA.is_file(), f"GitHub's GraphQL schema is missing: expected {SCHEMA}"
    schema = build_schema(SCHEMA.read_text(encoding="utf-8"), assume_valid_sdl=True)
    # GitHub's schema breaks graphql-core's deprecation rules for interfaces; validating a
    # query needs only the types, so the schema's own validation is marked done.
    schema._validation_errors = []  # type: ignore[attr-defined]
    return schema


@pytest.mark.parametrize("count", [1, 2, 17, BATCH_SIZE])
def test_metadata_query_validates_against_github_schema(count: int) -> None:
    errors = validate(github_schema(), parse(metadata_query(count)))
    assert errors == []


def test_schema_check_catches_a_bad_field() -> None:
    bad = metadata_query(1).replace("forkCount", "forkTotal")
    assert validate(github_schema(), parse(bad)) != []


def test_batches_never_ask_for_the_closed_stargazer_list() -> None:
    document = metadata_query(BATCH_SIZE)
    assert "stargazers" not in document
    assert "stargazerCount" in document


@pytest.mark.parametrize("count", [0, BATCH_SIZE + 1])
def test_batch_size_is_bounded(count: int) -> None:
    with pytest.raises(ValueError, match="batch"):
        metadata_query(count)


def test_a_full_batch_costs_one_point_where_one_more_repo_would_cost_two() -> None:
    # GitHub's rule, as the fake applies it: 3 connections a repository, over 100,
    # rounded to the nearest whole number. 49 repositories: 1.47, 1 point; 50: 1.5, 2.
    full = metadata_query(BATCH_SIZE)
    last = f"  r{BATCH_SIZE - 1}: repository(owner: $o{BATCH_SIZE - 1}, name: $n{BATCH_SIZE - 1})"
    assert last in full
    one_more = full.replace(last, f"  r{BATCH_SIZE}: repository(owner: $o0, name: $n0)"
                            " { ...RepoFields }\n" + last)
    assert BATCH_SIZE == 49
    assert query_cost(parse(full), {}) == 1
    assert query_cost(parse(one_more), {}) == 2
