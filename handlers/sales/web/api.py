"""Sales in the REST API (/api/v1): deals pushed from the CRM, and the funnel, ROI and
follow-up reports (the figures of ``python main.py report``)."""
from __future__ import annotations

from typing import Any

from console.kit import ApiCall, ApiError, Console, Param
from leads import reports
from leads.deals import DealFileError, check_rows, import_deals

from .pages import _period

DEAL = {"type": "object", "required": ["deal_id", "lead", "amount"], "properties": {
    "deal_id": {"type": "string", "minLength": 1, "maxLength": 64},
    "lead": {"type": "string", "minLength": 1, "description": "lead id or identity"},
    "amount": {"type": "string", "description": "a number ≥ 0, e.g. 180000.00 (checked with the row's line)"},
    "status": {"type": "string", "enum": ["open", "won", "lost"]}, "close_date": {"type": "string", "format": "date"},
    "name": {"type": "string"},
}}
DEALS_BODY = {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": DEAL, "minItems": 1, "maxItems": 5000}}}
MAX_DEALS = 5000
PERIOD = (Param("from", type="date", description="leads created on or after this date (YYYY-MM-DD)"),
          Param("to", type="date", description="leads created on or before this date (YYYY-MM-DD)"))


async def push_deals(call: ApiCall) -> dict[str, Any]:
    items = call.body.get("items") if isinstance(call.body, dict) else None
    if not isinstance(items, list) or not items or len(items) > MAX_DEALS or not all(isinstance(i, dict) for i in items):
        raise ApiError(400, "invalid_deals", f"items must be a list of 1 to {MAX_DEALS} deal objects")
    try:
        result = await import_deals(check_rows(enumerate(items, 1)), call.clock.now(), by="api")
    except DealFileError as exc:
        raise ApiError(400, "invalid_deals", str(exc)) from None
    await call.audit("deals.import", target_type="deal", target_id=str(len(items)))
    return {"created": result.created, "updated": result.updated, "moved": result.moved}


async def funnel_report(call: ApiCall) -> dict[str, Any]:
    return await reports.funnels(_period(call.request.query))


async def roi_report(call: ApiCall) -> dict[str, Any]:
    return {"items": await reports.roi(_period(call.request.query))}


async def follow_up_report(call: ApiCall) -> dict[str, Any]:
    return {"items": await reports.follow_up(call.clock.now())}


def register_api(console: Console) -> None:
    add = console.add_endpoint
    add("POST", "/deals", push_deals, permission="leads.write", tag="sales", body=DEALS_BODY,
        summary="Create or update deals from the CRM (all or nothing; problems name their item)")
    add("GET", "/reports/funnel", funnel_report, permission="channels.read", tag="sales", params=PERIOD,
        summary="The lead, sales and customer funnels")
    add("GET", "/reports/roi", roi_report, permission="channels.read", tag="sales", params=PERIOD, summary="Channel ROI")
    add("GET", "/reports/follow-up", follow_up_report, permission="channels.read", tag="sales",
        summary="Each rep's share of MQLs answered within the SLA")
