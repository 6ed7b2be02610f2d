"""The console's own API endpoints: leads, behaviour events, staff users, tokens and the
audit log."""
from __future__ import annotations

from datetime import datetime, time, timezone
from typing import TYPE_CHECKING, Any, Mapping

from tortoise.expressions import Subquery

from console.access.accounts import AccountError, create_user, update_user
from console.access.passwords import WeakPassword
from console.access.tokens import TokenError, create_token, revoke_token
from console.kit.api import ApiCall, ApiError
from console.kit.registry import Param
from console.kit.schemas import page_of, to_json
from console.pages import schemas as s
from leads.queries import (
    STATUSES, LeadChangeError, LeadFilter, change_lead, clean_changes, filtered_leads,
    lead_json, leads_json, scoped_leads, timeline, visible_lead,
)
from models import ApiToken, AuditEntry, BehaviourEvent, StaffUser

if TYPE_CHECKING:
    from console.kit.app import Console

PAGE = (
    Param("page", "integer", "Page number, from 1", minimum=1, maximum=100_000, default=1),
    Param("per_page", "integer", "Items per page", minimum=1, maximum=100, default=25),
)
LEAD_ID = Param("lead_id", "integer", "Lead id", location="path", required=True, minimum=1, maximum=2**31 - 1)
LEAD_FILTERS = (
    Param("q", description="Search name, company, tag, channel or identity", max_length=100),
    Param("tag", description="Exact tag", max_length=64),
    Param("channel", description="Channel code (first or latest channel)", max_length=30),
    Param("status", description="Lead stage", enum=STATUSES),
    Param("owner", description="Owner's WeCom userid", max_length=64),
    Param("created_from", "date", "Created on or after (UTC date)"),
    Param("created_to", "date", "Created on or before (UTC date)"),
)


async def paginate(qs, call: ApiCall, item: Mapping[str, Any], records=None) -> dict[str, Any]:
    """One page of ``qs`` as ``page_of(item)`` describes it; ``records`` turns the rows into
    what ``item`` describes, when they are not that already."""
    page, per_page = call.params["page"], call.params["per_page"]
    total = await qs.count()
    rows = await qs.offset((page - 1) * per_page).limit(per_page)
    items = await records(rows) if records else rows
    return to_json(page_of(item), {"items": items, "page": page, "per_page": per_page, "total": total})


# --- leads -----------------------------------------------------------------------------------


async def list_leads(call: ApiCall) -> dict[str, Any]:
    p = call.params
    flt = LeadFilter(
        q=p["q"] or "", tag=p["tag"] or "", channel=p["channel"] or "", status=p["status"] or "",
        owner=p["owner"] or "", created_from=p["created_from"], created_to=p["created_to"],
    )
    return await paginate(filtered_leads(call.actor, flt), call, s.LEAD, leads_json)


async def _lead(call: ApiCall):
    lead = await visible_lead(call.actor, call.params["lead_id"])
    if lead is None:
        raise ApiError(404, "not_found", f"no lead {call.params['lead_id']}")
    return lead


async def get_lead(call: ApiCall) -> dict[str, Any]:
    return to_json(s.LEAD, await lead_json(await _lead(call)))


async def lead_timeline(call: ApiCall) -> dict[str, Any]:
    return await paginate(timeline(await _lead(call)), call, s.EVENT)


async def patch_lead(call: ApiCall) -> dict[str, Any]:
    lead = await _lead(call)
    try:
        before, after = await change_lead(lead, clean_changes(call.actor, call.body))
    except LeadChangeError as exc:
        raise ApiError(409 if exc.conflict else 400, "unknown_owner" if exc.conflict else "invalid_body", str(exc)) from None
    await call.audit("lead.update", target_type="lead", target_id=lead.id, before=before, after=after)
    return to_json(s.LEAD, await lead_json(lead))


# --- behaviour events --------------------------------------------------------------------------


async def list_events(call: ApiCall) -> dict[str, Any]:
    p = call.params
    qs = BehaviourEvent.all()
    if call.actor.own_leads_only:
        qs = qs.filter(lead_id__in=Subquery(scoped_leads(call.actor).values_list("id", flat=True)))
    for name, field in (("lead_id", "lead_id"), ("kind", "kind"), ("direction", "direction"), ("platform", "platform")):
        if p[name] is not None:
            qs = qs.filter(**{field: p[name]})
    if p["since"] is not None:
        qs = qs.filter(occurred_at__gte=datetime.combine(p["since"], time.min, timezone.utc))
    if p["until"] is not None:
        qs = qs.filter(occurred_at__lt=datetime.combine(p["until"], time.min, timezone.utc))
    return await paginate(qs.order_by("-occurred_at", "-id"), call, s.EVENT)


# --- staff users, tokens, audit ------------------------------------------------------------------


async def list_users(call: ApiCall) -> dict[str, Any]:
    return await paginate(StaffUser.all().order_by("username"), call, s.STAFF_USER)


async def post_user(call: ApiCall) -> dict[str, Any]:
    body = call.body
    try:
        user = await create_user(body["username"], body["role"], body["password"], clock=call.clock,
                                 display_name=body.get("display_name", ""), wecom_userid=body.get("wecom_userid"))
    except WeakPassword as exc:
        raise ApiError(400, "weak_password", str(exc)) from None
    except AccountError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    await call.audit("user.create", target_type="staff_user", target_id=user.id, after=to_json(s.STAFF_USER, user))
    return to_json(s.STAFF_USER, user)


async def patch_user(call: ApiCall) -> dict[str, Any]:
    user = await StaffUser.get_or_none(id=call.params["user_id"])
    if user is None:
        raise ApiError(404, "not_found", f"no staff user {call.params['user_id']}")
    try:
        before, after = await update_user(user, dict(call.body))
    except AccountError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    await call.audit("user.update", target_type="staff_user", target_id=user.id, before=before, after=after)
    return to_json(s.STAFF_USER, user)


async def list_tokens(call: ApiCall) -> dict[str, Any]:
    return await paginate(ApiToken.all().order_by("-created_at", "-id"), call, s.TOKEN)


async def post_token(call: ApiCall) -> dict[str, Any]:
    try:
        row, secret = await create_token(call.body["name"], call.body["role"], clock=call.clock, created_by=call.actor.label)
    except TokenError as exc:
        raise ApiError(400, "invalid_body", str(exc)) from None
    await call.audit("token.create", target_type="token", target_id=row.id, after=to_json(s.TOKEN, row))
    return {**to_json(s.TOKEN, row), "token": secret}


async def delete_token(call: ApiCall) -> None:
    row = await ApiToken.get_or_none(id=call.params["token_id"])
    if row is None:
        raise ApiError(404, "not_found", f"no token {call.params['token_id']}")
    before = to_json(s.TOKEN, row)
    row = await revoke_token(row.id, clock=call.clock)
    await call.audit("token.revoke", target_type="token", target_id=row.id, before=before, after=to_json(s.TOKEN, row))


async def list_audit(call: ApiCall) -> dict[str, Any]:
    qs = AuditEntry.all()
    for name in ("actor", "action", "target_type", "target_id"):
        if call.params[name]:
            qs = qs.filter(**{name: call.params[name]})
    return await paginate(qs.order_by("-at", "-id"), call, s.AUDIT_ENTRY)


# --- the document -------------------------------------------------------------------------------


def register(console: "Console") -> None:
    add = console.add_endpoint
    add("GET", "/leads", list_leads, permission="leads.read", tag="leads", summary="List leads (newest first)", params=(*LEAD_FILTERS, *PAGE), response=page_of(s.LEAD))
    add("GET", "/leads/{lead_id}", get_lead, permission="leads.read", tag="leads", summary="A lead: fields, tags, channels, consent, identities", params=(LEAD_ID,), response=s.LEAD)
    add("PATCH", "/leads/{lead_id}", patch_lead, permission="leads.write", tag="leads", summary="Change a lead's name, company, stage, tags or owner", params=(LEAD_ID,), body=s.LEAD_PATCH, response=s.LEAD, extra_statuses=(409,))
    add("GET", "/leads/{lead_id}/timeline", lead_timeline, permission="leads.read", tag="leads", summary="A lead's behaviour, newest first", params=(LEAD_ID, *PAGE), response=page_of(s.EVENT))
    add("GET", "/events", list_events, permission="events.read", tag="events", summary="List behaviour events (newest first)", response=page_of(s.EVENT), params=(
        Param("lead_id", "integer", "Only this lead's events", minimum=1, maximum=2**31 - 1),
        Param("kind", description="Event kind, e.g. contact.added", max_length=64),
        Param("direction", description="inbound or outbound", enum=("inbound", "outbound")),
        Param("platform", description="wecom, wecom_kf, wecom_bot, wechat, archive", max_length=16),
        Param("since", "date", "On or after (UTC date)"),
        Param("until", "date", "Before (UTC date)"),
        *PAGE,
    ))
    add("GET", "/staff-users", list_users, permission="staff.read", tag="staff", summary="List staff users", params=PAGE, response=page_of(s.STAFF_USER))
    add("POST", "/staff-users", post_user, permission="staff.write", tag="staff", summary="Create a staff user",
        body=s.STAFF_USER_CREATE, response=s.STAFF_USER, status=201, extra_statuses=(409,))
    add("PATCH", "/staff-users/{user_id}", patch_user, permission="staff.write", tag="staff",
        summary="Change a staff user's role, name, WeCom userid or active flag (the last admin stays)",
        params=(Param("user_id", "integer", "Staff user id", location="path", required=True, minimum=1, maximum=2**31 - 1),),
        body=s.STAFF_USER_PATCH, response=s.STAFF_USER, extra_statuses=(409,))
    add("GET", "/tokens", list_tokens, permission="tokens.read", tag="tokens", summary="List API tokens (never their secrets)", params=PAGE, response=page_of(s.TOKEN))
    add("POST", "/tokens", post_token, permission="tokens.write", tag="tokens", summary="Create an API token; the secret is shown once", body=s.TOKEN_CREATE, response=s.TOKEN_CREATED, status=201)
    add("DELETE", "/tokens/{token_id}", delete_token, permission="tokens.write", tag="tokens", summary="Revoke an API token", status=204,
        params=(Param("token_id", "integer", "Token id", location="path", required=True, minimum=1, maximum=2**31 - 1),))
    add("GET", "/audit", list_audit, permission="audit.read", tag="audit", summary="The audit log (newest first)", response=page_of(s.AUDIT_ENTRY), params=(
        Param("actor", description="e.g. user:alice or token:3:ci", max_length=96),
        Param("action", description="e.g. lead.update", max_length=64),
        Param("target_type", description="e.g. lead", max_length=32),
        Param("target_id", description="The changed object's id", max_length=64),
        *PAGE,
    ))
