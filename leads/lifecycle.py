"""The lead lifecycle, pure: stages, the moves allowed between them, and the time spent in
each stage from a lead's history.

    new → engaged → mql → sql → opportunity → customer
    recycled (back to nurture: rejected or stalled; can qualify again) · lost
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

STAGES = ("new", "engaged", "mql", "sql", "opportunity", "customer", "recycled", "lost")
FUNNEL_ORDER = ("new", "engaged", "mql", "sql", "opportunity", "customer")
MOVES: dict[str, frozenset[str]] = {
    "new": frozenset({"engaged", "mql", "lost"}),
    "engaged": frozenset({"mql", "recycled", "lost"}),
    "mql": frozenset({"sql", "recycled", "lost"}),
    "sql": frozenset({"opportunity", "recycled", "lost"}),
    "opportunity": frozenset({"customer", "recycled", "lost"}),
    "customer": frozenset({"opportunity"}),  # repeat or up-sell
    "recycled": frozenset({"engaged", "mql", "lost"}),
    "lost": frozenset({"engaged", "recycled"}),  # came back
}


class StageError(ValueError):
    """A move the lifecycle does not allow."""


@dataclass(frozen=True)
class StageChange:
    """One move in a lead's history: who or what moved it, and why."""

    from_stage: str
    to_stage: str
    at: datetime
    by: str = ""  # a staff userid, or "scoring", "deal import", …
    reason: str = ""


def check_move(current: str, target: str) -> None:
    """Raise :class:`StageError` unless a lead in ``current`` may move to ``target``.
    A won deal may move any open lead to customer."""
    if target not in STAGES:
        raise StageError(f"unknown stage '{target}' (stages: {', '.join(STAGES)})")
    if target == "customer" and current != "lost":
        return
    if target not in MOVES.get(current, frozenset()):
        raise StageError(f"a lead in stage '{current}' cannot move to '{target}'")


def reached(stage: str, history: Iterable[StageChange]) -> set[str]:
    """Every funnel stage a lead has reached (a customer has passed every stage before it)."""
    seen = {stage} | {change.to_stage for change in history} | {"new"}
    deepest = max((FUNNEL_ORDER.index(s) for s in seen if s in FUNNEL_ORDER), default=0)
    return seen | set(FUNNEL_ORDER[: deepest + 1])


def time_in_stages(created_at: datetime, history: Iterable[StageChange], now: datetime) -> dict[str, timedelta]:
    """How long the lead spent in each stage, the current one counted up to ``now``."""
    spent: dict[str, timedelta] = {}
    stage, since = "new", created_at
    for change in sorted(history, key=lambda c: c.at):
        spent[stage] = spent.get(stage, timedelta(0)) + (change.at - since)
        stage, since = change.to_stage, change.at
    spent[stage] = spent.get(stage, timedelta(0)) + (now - since)
    return spent
