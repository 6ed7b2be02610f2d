"""Domain synonyms: words a company's customers use for the same thing (交期 = 发货时间).

A dictionary is a list of groups; the first word of a group stands for all of them. The
matcher rewrites every word of a group to the first one, in the entries and in the query
alike, after normalisation. Staff edit it as text, one group per line:
``发货时间 = 交期 = 货期``.
"""
from __future__ import annotations

import re
from typing import Iterable

from faq.normalise import normalise

MAX_GROUPS = 500
MAX_WORDS = 20
_SEPARATORS = re.compile(r"\s*[=＝,，、;；]\s*")


def parse_synonyms(text: str) -> tuple[list[list[str]], list[str]]:
    """Groups from the one-group-per-line text, and the problems found (with line numbers)."""
    groups, problems = [], []
    for number, line in enumerate(text.splitlines(), 1):
        words = [w.strip() for w in _SEPARATORS.split(line.strip()) if w.strip()]
        if not words:
            continue
        if len(words) < 2:
            problems.append(f"line {number}: a group needs at least two words, like 发货时间 = 交期")
        elif len(words) > MAX_WORDS:
            problems.append(f"line {number}: at most {MAX_WORDS} words in a group")
        elif any(not normalise(w) for w in words):
            problems.append(f"line {number}: {line.strip()!r} has a word with no letters or digits")
        else:
            groups.append(words)
    if len(groups) > MAX_GROUPS:
        problems.append(f"at most {MAX_GROUPS} groups")
    return groups, problems


def synonyms_text(groups: Iterable[Iterable[str]]) -> str:
    """The editable text of a dictionary."""
    return "\n".join(" = ".join(group) for group in groups)


class SynonymRewriter:
    """Rewrites normalised text so each group's words read as its first word."""

    def __init__(self, groups: Iterable[Iterable[str]] = ()) -> None:
        self._to: dict[str, str] = {}
        for group in groups:
            forms = [f for f in map(normalise, group) if f]
            for form in forms[1:]:
                if form != forms[0]:
                    self._to.setdefault(form, forms[0])
        terms = sorted(self._to, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, terms))) if terms else None

    def __bool__(self) -> bool:
        return self._pattern is not None

    def __call__(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda found: self._to[found.group()], text)
