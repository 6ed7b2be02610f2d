"""The lead list (search, filters, pages, CSV) and the lead page (360° view, edits)."""
from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from console.kit.i18n import DISPLAY_TZ
from leads.privacy import export_person
from leads.queries import (
    STATUSES, LeadChangeError, LeadFilter, change_lead, clean_changes, filtered_leads, lead_json,
    leads_csv, leads_json, timeline, visible_lead,
)
from leads.standing import current_rule_set, rules_from, standing_json
from console.kit.web import PageContext, page_number, redirect, render
from models import Channel, WeComMember

PER_PAGE = 25
MAX_EXPORT = 50_000
TIMELINE_PAGE = 200


def lead_filter(query) -> LeadFilter:
    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(query.get(name, ""))
        except ValueError:
            return None

    status = query.get("status", "")
    return LeadFilter(
        q=query.get("q", "")[:100], tag=query.get("tag", "")[:64], channel=query.get("channel", "")[:30],
        status=status if status in STATUSES else "", owner=query.get("owner", "")[:64],
        created_from=day("from"), created_to=day("to"),
    )


async def lead_list(request: web.Request, ctx: PageContext) -> dict[str, Any]:
    flt = lead_filter(request.query)
    page = page_number(request.query)
    qs = filtered_leads(ctx.actor, flt)
    total = await qs.count()
    items = await leads_json(await qs.offset((page - 1) * PER_PAGE).limit(PER_PAGE))
    kept = {k: v for k, v in request.query.items() if k in ("q", "tag", "channel", "status", "owner", "from", "to") and v}
    return {
        "filter": flt, "items": items, "total": total, "page": page,
        "has_prev": page > 1, "has_next": page * PER_PAGE < total,
        "prev_query": urlencode({**kept, "page": page - 1}), "next_query": urlencode({**kept, "page": page + 1}),
        "export_query": urlencode(kept), "statuses": STATUSES,
        "channels": await Channel.filter(archived=False).order_by("name"),
        "owners": [] if ctx.actor.own_leads_only else await WeComMember.all().order_by("name"),
        "can_export": ctx.actor.can("leads.export"),
    }


async def lead_export(request: web.Request, ctx: PageContext) -> web.StreamResponse:
    qs = filtered_leads(ctx.actor, lead_filter(request.query))
    body = leads_csv(await leads_json(await qs.limit(MAX_EXPORT)), ctx.t)
    stamp = ctx.clock.now().astimezone(DISPLAY_TZ).strftime("%Y%m%d-%H%M")
    return web.Response(
        body=body.encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="leads-{stamp}.csv"'},
    )


async def lead_page(request: web.Request, ctx: PageContext) -> dict[str, Any] | web.StreamResponse:
    lead = await visible_lead(ctx.actor, int(request.match_info["lead_id"]))
    if lead is None:
        raise web.HTTPNotFound()
    await ctx.audit("lead.view", target_type="lead", target_id=lead.id)  # every look at a person is on record
    return await lead_context(lead, request, ctx)


async def lead_personal_data(request: web.Request, ctx: PageContext) -> web.StreamResponse:
    """Everything stored about the person, as a JSON download (PIPL right of access)."""
    lead = await visible_lead(ctx.actor, int(request.match_info["lead_id"]))
    if lead is None:
        raise web.HTTPNotFound()
    data = await export_person(lead)
    await ctx.audit("lead.personal_data", target_type="lead", target_id=lead.id)
    return web.Response(
        text=json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json", charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="lead-{lead.id}-personal-data.json"'},
    )


async def lead_context(lead, request: web.Request, ctx: PageContext, error: str = "") -> dict[str, Any]:
    page = page_number(request.query)
    events = await timeline(lead).offset((page - 1) * TIMELINE_PAGE).limit(TIMELINE_PAGE + 1)
    rules = rules_from(await current_rule_set())
    item = await lead_json(lead)
    channels = dict(await Channel.filter(id__in={e.channel_id for e in events if e.channel_id}).values_list("id", "name"))
    own = {i["value"] for i in item["identities"]}
    return {
        "lead": item,
        "standing": await standing_json(lead, rules, ctx.clock.now()),
        "events": events[:TIMELINE_PAGE],
        "rows": [timeline_row(e, ctx, channels, item["display_name"] if e.actor in own else e.actor)
                 for e in events[:TIMELINE_PAGE]],
        "timeline_page": page,
        "older": len(events) > TIMELINE_PAGE,
        "can_edit": ctx.actor.can("leads.write"),
        "can_assign": ctx.actor.can("leads.write") and not ctx.actor.own_leads_only,
        "can_export": ctx.actor.can("leads.export"),
        "statuses": STATUSES,
        "staff": await WeComMember.all().order_by("name") if not ctx.actor.own_leads_only else [],
        "saved": request.query.get("saved") == "1",
        "error": error,
    }


def timeline_row(event, ctx: PageContext, channels: dict[int, str], who: str) -> dict[str, Any]:
    """One timeline row as a salesperson reads it: what happened (a label), the details in
    words where the kind has a sentence (``timeline.<kind>.<outcome>`` or ``timeline.<kind>``,
    filled from the payload), who; the raw record stays one click away."""
    values = {k: (round(v, 1) if isinstance(v, float) else v) for k, v in (event.payload or {}).items()
              if isinstance(v, (str, int, float))}
    values["channel"] = channels.get(event.channel_id, values.get("state", ""))
    catalogue = ctx.console.catalogue
    sentence = (catalogue.sentence(ctx.lang, f"timeline.{event.kind}.{values.get('outcome', '')}", values)
                or catalogue.sentence(ctx.lang, f"timeline.{event.kind}", values))
    return {"event": event, "label": ctx.t(f"event.{event.kind}"), "sentence": sentence, "who": who}


async def refused(lead, request: web.Request, ctx: PageContext, error: LeadChangeError) -> web.Response:
    """The lead page again, with what was wrong, and nothing changed."""
    await lead.refresh_from_db()
    context = await lead_context(lead, request, ctx, error=ctx.refusal(error))
    return render(request, "lead.html", {"title": "nav.leads", "section": "leads", **context}, status=400)


async def lead_tags(request: web.Request, ctx: PageContext) -> web.StreamResponse:
    lead_id = int(request.match_info["lead_id"])
    lead = await visible_lead(ctx.actor, lead_id)
    if lead is None:
        raise web.HTTPNotFound()
    form = await ctx.form()
    tags = [t for t in str(form.get("tags", "")).replace("，", ",").split(",")]
    try:
        changes = clean_changes(ctx.actor, {"tags": tags})
        before, after = await change_lead(lead, changes)
    except LeadChangeError as exc:
        return await refused(lead, request, ctx, exc)
    await ctx.audit("lead.update", target_type="lead", target_id=lead_id, before=before, after=after)
    return redirect(f"/console/leads/{lead_id}?saved=1")


async def lead_fields(request: web.Request, ctx: PageContext) -> web.StreamResponse:
    lead_id = int(request.match_info["lead_id"])
    lead = await visible_lead(ctx.actor, lead_id)
    if lead is None:
        raise web.HTTPNotFound()
    form = await ctx.form()
    raw = {name: str(form[name]) for name in ("name", "company", "status") if name in form}
    if "owner" in form and not ctx.actor.own_leads_only:
        raw["owner"] = str(form["owner"]).strip() or None
    try:
        before, after = await change_lead(lead, clean_changes(ctx.actor, raw))
    except LeadChangeError as exc:
        return await refused(lead, request, ctx, exc)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        await ctx.audit("lead.update", target_type="lead", target_id=lead_id,
                        before={k: before[k] for k in changed}, after=changed)
    return redirect(f"/console/leads/{lead_id}?saved=1")
