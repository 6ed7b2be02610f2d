"""The batch contract behind ``main.py faq match``: queries in, one result dict per query out.

Input lines are plain text or JSON objects ``{"query": ...}``; blank lines are skipped.
Each result is ``{"query", "outcome", "faq_id", "score", "candidates": [[id, score], ...]}``;
a line that cannot be read still yields a miss, with an ``"error"`` explaining why.
"""
from __future__ import annotations

import json
from typing import Iterable, Iterator

from faq.decision import MISS
from faq.matcher import FaqIndex


def _query_of(line: str) -> tuple[str, str | None]:
    text = line.strip()
    if not text.startswith("{"):
        return text, None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return text, f"invalid JSON ({exc.msg})"
    query = record.get("query") if isinstance(record, dict) else None
    if not isinstance(query, str):
        return text, "a JSON line needs a string 'query'"
    return query, None


def match_queries(lines: Iterable[str], index: FaqIndex, chat_kind: str | None = None) -> Iterator[dict]:
    """One result dict per non-blank input line, in order."""
    for line in lines:
        if not line.strip():
            continue
        query, error = _query_of(line)
        if error:
            yield {"query": query, "outcome": MISS, "faq_id": None, "score": 0.0, "candidates": [], "error": error}
            continue
        found = index.match(query, chat_kind)
        yield {
            "query": query,
            "outcome": found.outcome,
            "faq_id": found.entry_id,
            "score": found.score,
            "candidates": [[entry_id, score] for entry_id, score in found.candidates],
        }
