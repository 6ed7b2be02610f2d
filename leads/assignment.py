"""Who gets an MQL, pure: the existing account's owner from the CRM match, then a rep for the
lead's region, then its industry, then round-robin — each only among reps with capacity left."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence


@dataclass(frozen=True)
class Rep:
    userid: str
    name: str = ""
    regions: frozenset[str] = frozenset()
    industries: frozenset[str] = frozenset()
    capacity: int = 50  # open MQLs at most
    open_mqls: int = 0
    active: bool = True

    @property
    def has_room(self) -> bool:
        return self.active and self.open_mqls < self.capacity


@dataclass(frozen=True)
class LeadFacts:
    region: str = ""
    industry: str = ""
    account_owner: str = ""  # the CRM account's owner, when the lead is an existing account


@dataclass(frozen=True)
class Assignment:
    rep: Rep | None
    reason: str
    next_turn: int = 0  # where round-robin continues


@dataclass(frozen=True)
class AssignmentRules:
    by_account_owner: bool = True
    by_region: bool = True
    by_industry: bool = True
    reps: Sequence[Rep] = field(default_factory=tuple)


def assign(lead: LeadFacts, rules: AssignmentRules, turn: int = 0) -> Assignment:
    """The rep for ``lead`` and why; ``turn`` is the round-robin position to start from."""
    ready = [rep for rep in rules.reps if rep.has_room]
    if not ready:
        return Assignment(None, "没有可分配的销售（都已满额或停用）", turn)
    if rules.by_account_owner and lead.account_owner:
        owner = next((rep for rep in ready if rep.userid == lead.account_owner), None)
        if owner:
            return Assignment(owner, "老客户的客户负责人", turn)
    for enabled, value, attribute, reason in (
        (rules.by_region, lead.region, "regions", "负责该地区"),
        (rules.by_industry, lead.industry, "industries", "负责该行业"),
    ):
        if enabled and value:
            matching = [rep for rep in ready if value in getattr(rep, attribute)]
            if matching:
                return Assignment(min(matching, key=lambda rep: rep.open_mqls), reason, turn)
    rep = ready[turn % len(ready)]
    return Assignment(rep, "轮流分配", (turn + 1) % len(ready))
