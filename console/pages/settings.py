"""Settings pages for admins: staff users, API tokens and the audit log."""
from __future__ import annotations

from typing import Any

from aiohttp import web

from console.access.accounts import AccountError, create_user, update_user
from console.access.audit import summary, who
from console.access.passwords import WeakPassword
from console.access.permissions import Role, sees_own_leads_only
from console.access.tokens import TokenError, create_token, revoke_token
from console.kit.schemas import to_json
from console.kit.web import PageContext, page_number, redirect, render
from console.pages.schemas import AUDIT_ENTRY, STAFF_USER, TOKEN
from models import ApiToken, AuditEntry, StaffUser

PAGE_SIZE = 25


async def staff_users(request: web.Request, ctx: PageContext, **extra: Any) -> dict[str, Any]:
    return {"users": await StaffUser.all().order_by("username"), "roles": [r.value for r in Role],
            "can_write": ctx.actor.can("staff.write"), "saved": request.query.get("saved") == "1", **extra}


async def add_staff_user(request: web.Request, ctx: PageContext) -> web.StreamResponse:
    form = await ctx.form()
    try:
        user = await create_user(str(form.get("username", "")), str(form.get("role", "")), str(form.get("password", "")),
                                 clock=ctx.clock, wecom_userid=str(form.get("wecom_userid", "")).strip() or None)
    except (AccountError, WeakPassword) as exc:
        return render(request, "users.html", await staff_users(request, ctx, error=ctx.refusal(exc), title="settings.users", section="settings"), status=400)
    await ctx.audit("user.create", target_type="staff_user", target_id=user.id, after=to_json(STAFF_USER, user))
    return redirect("/console/settings/users?saved=1")


async def change_staff_user(request: web.Request, ctx: PageContext) -> web.StreamResponse:
    user = await StaffUser.get_or_none(id=int(request.match_info["user_id"]))
    if user is None:
        raise web.HTTPNotFound()
    form = await ctx.form()
    changes = {"role": str(form.get("role", user.role)), "active": form.get("active") == "on",
               "wecom_userid": str(form.get("wecom_userid", "")).strip() or None}
    try:
        before, after = await update_user(user, changes)
    except AccountError as exc:
        return render(request, "users.html", await staff_users(request, ctx, error=ctx.refusal(exc), title="settings.users", section="settings"), status=409)
    changed = {k: v for k, v in after.items() if before[k] != v}
    if changed:
        await ctx.audit("user.update", target_type="staff_user", target_id=user.id, before={k: before[k] for k in changed}, after=changed)
    return redirect("/console/settings/users?saved=1")


async def api_tokens(request: web.Request, ctx: PageContext, **extra: Any) -> dict[str, Any]:
    return {"tokens": await ApiToken.all().order_by("-created_at", "-id"), "roles": [r.value for r in Role if not sees_own_leads_only(r)],
            "can_write": ctx.actor.can("tokens.write"), **extra}


async def add_api_token(request: web.Request, ctx: PageContext) -> web.StreamResponse:
    form = await ctx.form()
    base = {"title": "settings.tokens", "section": "settings"}
    try:
        row, secret = await create_token(str(form.get("name", "")), str(form.get("role", "")), clock=ctx.clock, created_by=ctx.actor.label)
    except TokenError as exc:
        return render(request, "tokens.html", await api_tokens(request, ctx, error=ctx.refusal(exc), **base), status=400)
    await ctx.audit("token.create", target_type="token", target_id=row.id, after=to_json(TOKEN, row))
    response = render(request, "tokens.html", await api_tokens(request, ctx, new_secret=secret, **base))
    response.headers["Cache-Control"] = "no-store"
    return response


async def revoke_api_token(request: web.Request, ctx: PageContext) -> web.StreamResponse:
    row = await ApiToken.get_or_none(id=int(request.match_info["token_id"]))
    if row is None:
        raise web.HTTPNotFound()
    before = to_json(TOKEN, row)
    row = await revoke_token(row.id, clock=ctx.clock)
    await ctx.audit("token.revoke", target_type="token", target_id=row.id, before=before, after=to_json(TOKEN, row))
    return redirect("/console/settings/tokens")


async def audit_log(request: web.Request, ctx: PageContext) -> dict[str, Any]:
    page = page_number(request.query)
    qs = AuditEntry.all().order_by("-at", "-id")
    total = await qs.count()
    label = lambda msgid: ctx.console.catalogue.sentence(ctx.lang, msgid, {})  # noqa: E731
    entries = [to_json(AUDIT_ENTRY, e) | {"at_dt": e.at} for e in await qs.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)]
    for entry in entries:
        entry["who"], entry["summary"] = who(entry["actor"], ctx.t), summary(entry, ctx.t, label)
    return {
        "entries": entries, "page": page, "has_prev": page > 1, "has_next": page * PAGE_SIZE < total,
    }
