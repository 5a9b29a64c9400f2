"""Checks a model's text against the facts before anything is posted.

Every number, percentage, date and ``owner/name`` in the text must be one of the facts, at
the precision the text states it ("135" matches 134.6; "1.2k" matches 1,180 to 1,249).
A cause may no more be invented than a number (:func:`verify_causes`). Anything that
could act on a reader (a link, a mention, markup) is refused outright: the
renderers escape text anyway, but a refused answer falls back to the deterministic text
instead of posting something odd-looking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import partial

from bot.features.prose.facts import ProseFacts

LEDE_MAX = 700
# A mover line holds its figures, its move and an event with a quoted title (a Hacker
# News title runs to 80 characters, a feed item's longer).
LINE_MAX = 400

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_DAY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([A-Za-z]{3,9})\b")
# "stars/day", "48 h/day": a unit, not a repository.
_UNIT = re.compile(r"\b\w+/(?:day|week|month|hour|h)\b", re.IGNORECASE)
_REPO = re.compile(r"(?<![\w.-])[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9_.-]*[A-Za-z0-9_]")
# A number, with thousands separators or a k/M suffix, optionally a percentage.
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*([kKmM]\b)?\s*(%|percent\b)?"
)
_FORBIDDEN = (
    (re.compile(r"https?://|www\.|\b[a-z0-9-]+\.(?:com|org|io|net|dev|ai)\b", re.I), "a link"),
    (re.compile(r"<[!@#]|@\w"), "a mention"),
    (re.compile(r"[*_`~|<>\[\]]|^\s*#", re.M), "markup"),
)


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    reason: str = ""  # why it was refused, for logs and the status count


def verify_text(text: str, facts: ProseFacts, *, limit: int) -> Verdict:
    if not text.strip():
        return Verdict(False, "empty text")
    if len(text) > limit:
        return Verdict(False, f"longer than {limit} characters")
    if any(ord(char) < 32 and char not in "\n" for char in text):
        return Verdict(False, "control characters")
    # Known names first: "socket.io" or an underscore in a repo name is neither a link
    # nor markup.
    rest = _without(text, facts.names)
    for pattern, what in _FORBIDDEN:
        if pattern.search(rest):
            return Verdict(False, f"contains {what}")
    rest, verdict = _check_dates(_without(rest, facts.quoted), facts)
    if not verdict.ok:
        return verdict
    rest = _UNIT.sub(" ", rest)
    if unknown := _REPO.search(rest):
        return Verdict(False, f"names {unknown.group(0)}, which is not on the list")
    for match in _NUMBER.finditer(rest):
        verdict = _check_number(match, facts)
        if not verdict.ok:
            return verdict
    return Verdict(True)


def _without(text: str, phrases: frozenset[str]) -> str:
    for phrase in sorted(phrases, key=len, reverse=True):
        text = re.sub(re.escape(phrase), " ", text, flags=re.IGNORECASE)
    return text


def _check_dates(text: str, facts: ProseFacts) -> tuple[str, Verdict]:
    """The text with its dates removed, or the first date that is not a fact."""
    years = {day.year for day in facts.dates}
    month_days = {(day.month, day.day) for day in facts.dates}

    def known(month: int, day: int) -> bool:
        return (month, day) in month_days

    for match in _ISO_DATE.finditer(text):
        try:
            stated = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return text, Verdict(False, f"states an impossible date {match[0]}")
        if stated not in facts.dates:
            return text, Verdict(False, f"states {match[0]}, which is not a date in the data")
    text = _ISO_DATE.sub(" ", text)
    for pattern, month_at, day_at in ((_MONTH_DAY, 1, 2), (_DAY_MONTH, 2, 1)):
        for match in pattern.finditer(text):
            month = _MONTHS.get(match[month_at].lower())
            if month is None:
                continue
            if not known(month, int(match[day_at])):
                return text, Verdict(False, f"states {match[0]}, which is not a date in the data")
        text = pattern.sub(partial(_blank_if_date, month_at=month_at), text)
    # A bare year is a date too; only the data's years may appear.
    for year in re.findall(r"\b(20\d\d|19\d\d)\b", text):
        if int(year) not in years:
            return text, Verdict(False, f"states the year {year}, which is not in the data")
    return re.sub(r"\b(?:20\d\d|19\d\d)\b", " ", text), Verdict(True)


def _blank_if_date(found: re.Match[str], *, month_at: int) -> str:
    return " " if found[month_at].lower() in _MONTHS else found[0]


def _check_number(match: re.Match[str], facts: ProseFacts) -> Verdict:
    whole, decimals, suffix, percent = match.groups()
    value = float(whole.replace(",", "") + (f".{decimals}" if decimals else ""))
    # Half a unit of the last digit stated, scaled by the suffix.
    step = 10.0 ** -(len(decimals) if decimals else 0)
    scale = {"k": 1e3, "m": 1e6}.get((suffix or "").lower(), 1.0)
    value, tolerance = value * scale, step * scale / 2 + 1e-9
    pool = facts.percents if percent else facts.numbers
    if any(abs(abs(fact) - value) <= tolerance for fact in pool):
        return Verdict(True)
    stated = match.group(0).strip()
    return Verdict(False, f"states {stated}, which is not a figure in the data")


# A sentence claims a coincidence when it says "coincide(s/d)" and no negation: "Nothing
# in the data coincides" is the claim's absence, not a claim.
_CLAIM = re.compile(r"coincid", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:nothing|no|not|none|without)\b", re.IGNORECASE)
_CLAUSE = re.compile(r"(?<=[.;!?])\s+")


def verify_causes(text: str, facts: ProseFacts, *, repo: str | None = None) -> Verdict:
    """Refuses a claimed coincidence that the facts do not hold.

    Kept simple on purpose: each clause (split at ``.``, ``;``, ``!``, ``?``) that
    contains "coincid" and no negation is a claim, and it must be about a repo whose
    facts hold an event. A mover's line (``repo``, lower-cased) is about that repo; a
    lede clause is about the repos it names, or, naming none ("Its rise coincides
    with…"), the repos the lede's which-step names. Quoted titles are left out first, so
    a story called "Coincidence engine" claims nothing."""
    for clause in _CLAUSE.split(_without(text, facts.quoted)):
        if not _CLAIM.search(clause) or _NEGATION.search(clause):
            continue
        lowered = clause.lower()
        about = {repo} if repo is not None else (
            {name for name in facts.names if name in lowered} or set(facts.named)
        )
        if not about & facts.with_events:
            whom = ", ".join(sorted(about)) or "the list"
            return Verdict(
                False, f"claims a coincidence, but nothing in the data coincides with {whom}"
            )
    return Verdict(True)
