"""FAQ entries: the immutable data the matcher indexes.

An entry answers one customer question. ``variants`` are other ways customers ask it;
``keywords`` are soft hints that raise the entry's score when a query contains them;
``rules`` are hard keyword rules (exact phrase, contains, regex) that answer at once,
highest ``priority`` first. ``answer`` is a jinja2 template rendered elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass

CATEGORIES = ("product", "service_delivery", "customer_service", "other")
SCOPES = ("single", "group", "both")
RULE_KINDS = ("exact", "contains", "regex")


@dataclass(frozen=True)
class KeywordRule:
    """A hard rule: ``exact`` (the whole normalised query), ``contains`` (a phrase in it)
    or ``regex`` (searched in the normalised query, case-insensitive)."""

    kind: str
    pattern: str
    priority: int = 0


@dataclass(frozen=True)
class FaqEntry:
    """One question with its answer template, variants and rules."""

    id: str
    question: str
    answer: str
    category: str = "other"
    variants: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    rules: tuple[KeywordRule, ...] = ()
    scope: str = "both"
    active: bool = True

    def allows(self, chat_kind: str | None) -> bool:
        """Whether the entry may answer in a ``single`` or ``group`` chat (None: any)."""
        return self.active and (chat_kind is None or self.scope in ("both", chat_kind))
