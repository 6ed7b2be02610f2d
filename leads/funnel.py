"""The three funnels and channel ROI, pure arithmetic over counts the reports query."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import median
from typing import Iterable, Mapping, Sequence

LEAD_FUNNEL = ("lead", "mql", "sql", "opportunity")
SALES_FUNNEL = ("opportunity", "deal")
CUSTOMER_FUNNEL = ("customer", "repeat")


@dataclass(frozen=True)
class FunnelStep:
    stage: str
    count: int
    from_previous: float | None  # share of the previous step that reached this one
    from_first: float | None


def funnel(stages: Sequence[str], counts: Mapping[str, int]) -> list[FunnelStep]:
    """Steps with their conversion from the previous step and from the first."""
    steps, first, previous = [], None, None
    for stage in stages:
        count = int(counts.get(stage, 0))
        first = count if first is None else first
        steps.append(FunnelStep(stage, count, ratio(count, previous), ratio(count, first)))
        previous = count
    return steps


def ratio(part: float, whole: float | None) -> float | None:
    """``part / whole``, or None where there is nothing to divide by."""
    return None if not whole else part / whole


@dataclass(frozen=True)
class ChannelFigures:
    """What a report query counts for one channel in one period."""

    channel: str
    cost: float = 0.0
    leads: int = 0
    mqls: int = 0
    sqls: int = 0
    deals: int = 0
    revenue: float = 0.0
    days_to_mql: tuple[float, ...] = ()
    days_to_deal: tuple[float, ...] = ()


@dataclass(frozen=True)
class ChannelRoi:
    channel: str
    cost: float
    leads: int
    mqls: int
    sqls: int
    deals: int
    revenue: float
    cost_per_lead: float | None
    cost_per_mql: float | None
    roi: float | None  # revenue / cost
    median_days_to_mql: float | None
    median_days_to_deal: float | None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def channel_roi(figures: Iterable[ChannelFigures]) -> list[ChannelRoi]:
    """ROI per channel, best revenue first."""
    rows = [
        ChannelRoi(
            f.channel, f.cost, f.leads, f.mqls, f.sqls, f.deals, f.revenue,
            ratio(f.cost, f.leads), ratio(f.cost, f.mqls), ratio(f.revenue, f.cost),
            median(f.days_to_mql) if f.days_to_mql else None,
            median(f.days_to_deal) if f.days_to_deal else None,
        )
        for f in figures
    ]
    return sorted(rows, key=lambda row: (-row.revenue, row.channel))


def days_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 86400


def sla_kept_share(answered_within: Iterable[bool]) -> float | None:
    """Share of MQLs a rep accepted or rejected within the SLA."""
    values = list(answered_within)
    return ratio(sum(values), len(values))
