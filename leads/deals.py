"""Opportunities and deals from the CRM (the source of truth), as CSV or through the API:
checked whole (an unknown lead or a bad amount refuses the file, naming its line), then
stored; an open deal moves its lead to opportunity, a won deal to customer.

    deal_id,lead,amount,status,close_date,name
    D-1001,12,180000,won,2026-11-30,PA66 年度框架
    D-1002,wmWANG,52000.50,open,,密封件试产

``lead`` is a Siyu lead id or one of the lead's platform identities (external_userid, openid).
"""
from __future__ import annotations

import functools

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Mapping

from tortoise.transactions import in_transaction

from leads.lifecycle import StageError, check_move
from leads.standing import move_stage, standing_of
from models import Deal, Lead, LeadIdentity, LeadProfile

COLUMNS = ("deal_id", "lead", "amount", "status", "close_date", "name")
STATUSES = ("open", "won", "lost")
MAX_AMOUNT = Decimal("999999999999.99")


class DealFileError(ValueError):
    """Refused; ``problems`` are (line, message), and nothing was stored."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"line {line}: {message}" for line, message in problems))


@dataclass(frozen=True)
class DealRow:
    line: int
    deal_id: str
    lead: str
    amount: Decimal
    status: str
    close_date: date | None
    name: str = ""


def parse_deals_csv(text: str) -> list[DealRow]:
    """Rows of a deal CSV, every problem reported with its line (raises DealFileError)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS[:4] if c not in (reader.fieldnames or [])]
    if missing:
        raise DealFileError([(1, f"missing columns: {', '.join(missing)} (columns: {', '.join(COLUMNS)})")])
    return check_rows((reader.line_num, dict(record)) for record in reader)


def _field(record: Mapping[str, Any], key: str) -> str:
    return str(record.get(key) or "").strip()


def check_rows(records: Iterable[tuple[int, Mapping[str, Any]]]) -> list[DealRow]:
    """Deal rows from (line, fields) pairs (CSV lines, or API items numbered from 1)."""
    rows, problems, seen = [], [], set()
    for line, record in records:
        get = functools.partial(_field, record)
        deal_id, lead, status = get("deal_id"), get("lead"), get("status").lower() or "open"
        if not deal_id or len(deal_id) > 64:
            problems.append((line, "deal_id must be 1 to 64 characters"))
        elif deal_id in seen:
            problems.append((line, f"deal {deal_id} appears twice"))
        seen.add(deal_id)
        if not lead:
            problems.append((line, "lead is empty"))
        try:
            amount = Decimal(get("amount").replace(",", ""))
            if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
                raise InvalidOperation
            amount = amount.quantize(Decimal("0.01"))
        except InvalidOperation:
            problems.append((line, f"amount must be a number ≥ 0, got {get('amount')!r}"))
            amount = Decimal(0)
        if status not in STATUSES:
            problems.append((line, f"status must be one of {', '.join(STATUSES)}, got {status!r}"))
        close = None
        if get("close_date"):
            try:
                close = date.fromisoformat(get("close_date"))
            except ValueError:
                problems.append((line, f"close_date must be a date like 2026-11-30, got {get('close_date')!r}"))
        rows.append(DealRow(line, deal_id, lead, amount, status, close, get("name")[:255]))
    if problems:
        raise DealFileError(problems)
    return rows


async def _find_lead(reference: str) -> Lead | None:
    if reference.lstrip("#").isdigit():
        number = int(reference.lstrip("#"))
        return await Lead.get_or_none(id=number) if number < 2**31 else None
    identity = await LeadIdentity.filter(value=reference[:128]).first()
    return await Lead.get_or_none(id=identity.lead_id) if identity else None


@dataclass(frozen=True)
class DealImport:
    created: int
    updated: int
    moved: int  # leads moved to opportunity or customer


async def import_deals(rows: list[DealRow], now: datetime, *, by: str = "deal import") -> DealImport:
    """Store checked rows: every lead must exist first (else DealFileError naming the lines),
    then all rows in one transaction."""
    leads, problems = {}, []
    for row in rows:
        lead = await _find_lead(row.lead)
        if lead is None:
            problems.append((row.line, f"unknown lead {row.lead!r} (a lead id or an external_userid/openid)"))
        else:
            leads[row.line] = lead
    if problems:
        raise DealFileError(problems)
    created = updated = moved = 0
    async with in_transaction():
        for row in rows:
            lead = leads[row.line]
            profile = await LeadProfile.get_or_none(lead_id=lead.id)
            values: dict[str, Any] = {"lead_id": lead.id, "account_id": profile.crm_account_id if profile else None, "name": row.name,
                      "amount": row.amount, "status": row.status, "close_date": row.close_date, "updated_at": now}
            deal = await Deal.get_or_none(external_id=row.deal_id)
            if deal is None:
                await Deal.create(external_id=row.deal_id, created_at=now, **values)
                created += 1
            else:
                await Deal.filter(id=deal.id).update(**values)
                updated += 1
            moved += await _advance(lead, row, now, by)
    return DealImport(created, updated, moved)


async def _advance(lead: Lead, row: DealRow, now: datetime, by: str) -> int:
    target = {"open": "opportunity", "won": "customer"}.get(row.status)
    standing = await standing_of(lead.id)
    if target is None or standing.stage == target or (standing.stage == "customer" and target == "opportunity"):
        return 0  # an up-sell to a customer keeps them a customer
    try:
        check_move(standing.stage, target)
    except StageError:
        return 0  # e.g. an open deal for a customer: the stage already says more
    label = "赢单" if row.status == "won" else "商机"
    await move_stage(standing, target, by=by, reason=f"CRM {label} {row.deal_id}", at=now)
    return 1
