"""What a comparison asks for, read from the words of ``/momentum compare`` or the CLI."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.repo_ref import InvalidRepoRef, RepoRef

MAX_REPOS = 10
MIN_REPOS = 2
DEFAULT_SPAN_DAYS = 90
# Longer than any repository GitHub has (2008): "since 20y" is "all" by another name.
MAX_SPAN_DAYS = 366 * 20
_SPAN = re.compile(r"(\d{1,5})([dwmy])")
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}


class CompareRequestError(Exception):
    """The words do not describe a comparison; ``str()`` says why in one sentence."""


@dataclass(frozen=True, slots=True)
class CompareRequest:
    refs: tuple[RepoRef, ...]
    span_days: int | None  # None: since each repository began
    log_scale: bool = False
    aligned: bool = False
    share: bool = False  # post the answer to the channel instead of to the asker

    @property
    def span_label(self) -> str:
        if self.span_days is None:
            return "all time"
        for unit, days in (("y", 365), ("d", 1)):
            if self.span_days % days == 0:
                count = self.span_days // days
                word = "year" if unit == "y" else "day"
                return f"the last {count} {word}{'s' if count > 1 else ''}"
        raise AssertionError("a day count is a whole number of days")


def parse_span(text: str) -> int | None:
    """``90d``, ``12w``, ``6m``, ``1y`` as days, ``all`` as None."""
    if text.lower() == "all":
        return None
    match = _SPAN.fullmatch(text.lower())
    if match is None or not match[1].isascii():
        raise CompareRequestError(
            f"“{_shown(text)}” is not a span: use a number of days, weeks, months or years "
            "(90d, 12w, 6m, 1y) or all."
        )
    days = int(match[1]) * _UNIT_DAYS[match[2]]
    if days < 2:
        raise CompareRequestError("A span is at least 2 days: a curve needs two points.")
    return min(days, MAX_SPAN_DAYS)


def parse_words(words: list[str]) -> CompareRequest:
    """``owner/name … [since SPAN] [log] [aligned] [share]``, in any order."""
    refs: list[RepoRef] = []
    span: int | None = DEFAULT_SPAN_DAYS
    flags = {"log": False, "aligned": False, "share": False}
    rest = list(words)
    while rest:
        word = rest.pop(0)
        lowered = word.lower()
        if lowered == "since":
            if not rest:
                raise CompareRequestError("“since” needs a span after it, such as 90d, 1y or all.")
            span = parse_span(rest.pop(0))
        elif lowered in flags:
            flags[lowered] = True
        elif "/" in word:
            try:
                ref = RepoRef.parse(word)
            except InvalidRepoRef as exc:
                raise CompareRequestError(
                    f"“{_shown(word)}” is not a repo name: {exc.reason}."
                ) from None
            if ref not in refs:
                refs.append(ref)
        else:
            raise CompareRequestError(
                f"“{_shown(word)}” is neither a repo (owner/name) nor an option "
                "(since SPAN, log, aligned, share)."
            )
    return check(refs, span, **flags)


def check(
    refs: list[RepoRef],
    span_days: int | None,
    *,
    log: bool = False,
    aligned: bool = False,
    share: bool = False,
) -> CompareRequest:
    if len(refs) < MIN_REPOS:
        raise CompareRequestError(f"Name at least {MIN_REPOS} repos to compare.")
    if len(refs) > MAX_REPOS:
        raise CompareRequestError(
            f"That names {len(refs)} repos; a comparison holds at most {MAX_REPOS}."
        )
    return CompareRequest(tuple(refs), span_days, log_scale=log, aligned=aligned, share=share)


def _shown(word: str) -> str:
    # Enough to recognise the word; a 4,000-character one is not echoed whole.
    return word if len(word) <= 40 else word[:39] + "…"
