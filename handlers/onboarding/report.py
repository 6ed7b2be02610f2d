"""The channel report: per channel and period, adds, new leads, group joins, losses, net
growth, consent rate, existing vs new (CRM match) and cost per new lead; as rows, JSON and CSV."""
from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from tortoise.functions import Count

from models import Channel, ChannelTouch, GroupMembership, Lead, LeadProfile

CHINA = ZoneInfo("Asia/Shanghai")
COLUMNS = ("code", "name", "kind", "adds", "new_leads", "group_joins", "losses", "net_growth", "consent_rate",
           "existing_accounts", "known_contacts", "new_to_crm", "cost", "cost_per_new_lead")


@dataclass(frozen=True)
class ChannelRow:
    code: str
    name: str
    kind: str
    adds: int
    new_leads: int
    group_joins: int
    losses: int
    net_growth: int
    consent_rate: float | None
    existing_accounts: int
    known_contacts: int
    new_to_crm: int
    cost: str
    cost_per_new_lead: str | None

    def json(self) -> dict:
        return asdict(self)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) China time."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    lo = datetime.combine(start, time.min, CHINA)
    hi = datetime.combine(end + timedelta(days=1), time.min, CHINA)
    return lo.astimezone(timezone.utc), hi.astimezone(timezone.utc)


async def _counts(qs, field: str) -> dict[int, int]:
    rows = await qs.annotate(n=Count("id")).group_by(field).values_list(field, "n")
    return {k: n for k, n in rows if k is not None}


async def channel_report(start: date, end: date) -> list[ChannelRow]:
    """One row per channel that existed or had activity in the period (archived ones included)."""
    lo, hi = period_bounds(start, end)
    touches = ChannelTouch.filter(at__gte=lo, at__lt=hi)
    adds = await _counts(touches, "channel_id")
    firsts = await _counts(ChannelTouch.filter(at__gte=lo, at__lt=hi, first_touch=True), "channel_id")
    joins = await _counts(GroupMembership.filter(joined_at__gte=lo, joined_at__lt=hi), "channel_id")
    losses = await _counts(LeadProfile.filter(lost_at__gte=lo, lost_at__lt=hi), "lead__last_channel_id")
    new_ids = list(await ChannelTouch.filter(at__gte=lo, at__lt=hi, first_touch=True).values_list("lead_id", flat=True))
    consented = await _counts(Lead.filter(id__in=new_ids or [0]).exclude(consent_at=None), "first_channel_id")
    matches = {(channel_id, match): n for channel_id, match, n in await _crm_counts(lo, hi)}
    rows = []
    for channel in await Channel.all().order_by("id"):
        rows.append(_row(channel, adds, firsts, joins, losses, consented, matches))
    return rows


async def _crm_counts(lo: datetime, hi: datetime) -> list[tuple[int, str, int]]:
    lead_ids = await ChannelTouch.filter(at__gte=lo, at__lt=hi, first_touch=True).values_list("lead_id", flat=True)
    rows = await (LeadProfile.filter(lead_id__in=list(lead_ids) or [0]).annotate(n=Count("id"))
                  .group_by("lead__first_channel_id", "crm_match").values_list("lead__first_channel_id", "crm_match", "n"))
    return [r for r in rows if r[0] is not None]


def _row(channel, adds, firsts, joins, losses, consented, matches) -> ChannelRow:
    cid = channel.id
    new = firsts.get(cid, 0)
    existing, known = matches.get((cid, "existing_account"), 0), matches.get((cid, "known_contact"), 0)
    cost = Decimal(channel.cost or 0)
    return ChannelRow(
        code=channel.code, name=channel.name, kind=channel.kind, adds=adds.get(cid, 0), new_leads=new,
        group_joins=joins.get(cid, 0), losses=losses.get(cid, 0), net_growth=new - losses.get(cid, 0),
        consent_rate=round(consented.get(cid, 0) / new, 4) if new else None,
        existing_accounts=existing, known_contacts=known, new_to_crm=new - existing - known,
        cost=f"{cost:.2f}", cost_per_new_lead=f"{cost / new:.2f}" if new and cost else None,
    )


async def daily_adds(channel_id: int | None, start: date, end: date) -> list[tuple[str, int]]:
    """Adds per day (China time) in the period, for the chart."""
    lo, hi = period_bounds(start, end)
    qs = ChannelTouch.filter(at__gte=lo, at__lt=hi)
    if channel_id is not None:
        qs = qs.filter(channel_id=channel_id)
    days: dict[date, int] = {start + timedelta(days=i): 0 for i in range((end - start).days + 1)}
    for at in await qs.values_list("at", flat=True):
        day = at.astimezone(CHINA).date()
        if day in days:
            days[day] += 1
    return [(d.strftime("%m-%d"), n) for d, n in days.items()]


def report_csv(rows: list[ChannelRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        data = row.json()
        writer.writerow(["" if data[c] is None else data[c] for c in COLUMNS])
    return "\ufeff" + out.getvalue()  # BOM: Excel opens UTF-8 Chinese correctly
