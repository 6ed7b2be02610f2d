"""The three funnels, channel ROI and sales follow-up, counted from the stage history, the
deals and the hand-offs (the arithmetic is ``leads.funnel``). One query per table, grouped
in memory: a hundred thousand leads take well under a second."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any

from leads.funnel import (
    CUSTOMER_FUNNEL, LEAD_FUNNEL, SALES_FUNNEL, ChannelFigures, channel_roi, days_between, funnel, sla_kept_share,
)
from leads.lifecycle import FUNNEL_ORDER
from models import Channel, Deal, Handoff, Lead, LeadScore, StageChange

DEEP = ("mql", "sql", "opportunity", "customer")


@dataclass(frozen=True)
class Period:
    """Leads created from ``start`` to ``end`` (dates, inclusive; None: open-ended)."""

    start: date | None = None
    end: date | None = None

    def leads(self):
        qs = Lead.all()
        if self.start:
            qs = qs.filter(created_at__gte=datetime.combine(self.start, time(0), timezone.utc))
        if self.end:
            qs = qs.filter(created_at__lt=datetime.combine(self.end, time.max, timezone.utc))
        return qs


async def _facts(period: Period) -> dict[int, dict[str, Any]]:
    """Per lead of the period: channel, created, stages reached (with when), deals."""
    leads = {lead_id: {"channel": channel, "created": created, "reached": {"lead": created}, "won": [], "open": 0}
             for lead_id, channel, created in await period.leads().values_list("id", "first_channel_id", "created_at")}
    for lead_id, stage in await LeadScore.filter(stage__in=DEEP).values_list("lead_id", "stage"):
        if lead_id in leads:
            for earlier in FUNNEL_ORDER[FUNNEL_ORDER.index("mql"): FUNNEL_ORDER.index(stage) + 1]:
                leads[lead_id]["reached"].setdefault(earlier, None)
    for lead_id, stage, at in await StageChange.filter(to_stage__in=DEEP).order_by("at").values_list("lead_id", "to_stage", "at"):
        if lead_id in leads and leads[lead_id]["reached"].get(stage) is None:
            leads[lead_id]["reached"][stage] = at
    for lead_id, status, amount, closed in await Deal.all().values_list("lead_id", "status", "amount", "close_date"):
        if lead_id in leads:
            if status == "won":
                leads[lead_id]["won"].append((float(amount), closed))
            leads[lead_id]["open"] += 1
    return leads


async def funnels(period: Period = Period()) -> dict[str, list[dict]]:
    """The lead funnel (lead → MQL → SQL → opportunity), the sales funnel (opportunity →
    deal) and the customer funnel (customer → repeat), each step with its conversion."""
    counts: dict[str, int] = defaultdict(int)
    for facts in (await _facts(period)).values():
        reached = facts["reached"]
        for stage in ("lead", "mql", "sql", "opportunity", "customer"):
            counts[stage] += stage in reached
        if facts["open"] and "opportunity" not in reached:
            counts["opportunity"] += 1
        counts["deal"] += bool(facts["won"])
        counts["repeat"] += len(facts["won"]) >= 2
    steps = lambda stages: [step.__dict__ for step in funnel(stages, counts)]  # noqa: E731
    return {"lead": steps(LEAD_FUNNEL), "sales": steps(SALES_FUNNEL), "customer": steps(CUSTOMER_FUNNEL)}


async def roi(period: Period = Period()) -> list[dict]:
    """Per channel: cost, leads, MQLs, SQLs, deals, revenue, cost per lead and MQL, revenue /
    cost, median days from first touch to MQL and to deal."""
    channels = {c.id: c for c in await Channel.all()}
    tallies: dict[int | None, dict[str, Any]] = defaultdict(lambda: {"leads": 0, "mqls": 0, "sqls": 0, "deals": 0,
                                                                      "revenue": 0.0, "to_mql": [], "to_deal": []})
    for facts in (await _facts(period)).values():
        row = tallies[facts["channel"]]
        reached = facts["reached"]
        row["leads"] += 1
        row["mqls"] += "mql" in reached
        row["sqls"] += "sql" in reached
        if reached.get("mql"):
            row["to_mql"].append(days_between(facts["created"], reached["mql"]))
        if facts["won"]:
            row["deals"] += len(facts["won"])
            row["revenue"] += sum(amount for amount, _ in facts["won"])
            first_close = min((closed for _, closed in facts["won"] if closed), default=None)
            if first_close:
                row["to_deal"].append(days_between(facts["created"], datetime.combine(first_close, time(0), timezone.utc)))
    figures = []
    for channel_id in set(tallies) | set(channels):
        row, channel = tallies[channel_id], channels.get(channel_id) if channel_id is not None else None
        figures.append(ChannelFigures(channel.name if channel else "（无渠道）", float(channel.cost) if channel else 0.0,
                                      row["leads"], row["mqls"], row["sqls"], row["deals"], row["revenue"],
                                      tuple(row["to_mql"]), tuple(row["to_deal"])))
    return [r.as_dict() for r in channel_roi(figures)]


async def follow_up(now: datetime) -> list[dict]:
    """Per rep: MQLs offered, answered within the SLA, and the share (an open hand-off past
    its deadline counts as missed; one still in time is not counted yet)."""
    per_rep: dict[str, list[bool]] = defaultdict(list)
    for rep, status, due, answered in await Handoff.exclude(status="waiting").values_list(
            "rep_userid", "status", "due_at", "answered_at"):
        if status == "offered" and due and due > now:
            continue
        per_rep[rep].append(bool(answered and due and answered <= due and status in ("accepted", "rejected")))
    return [{"rep": rep, "mqls": len(kept), "within_sla": sum(kept), "share": sla_kept_share(kept)}
            for rep, kept in sorted(per_rep.items())]
