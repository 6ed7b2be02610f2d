"""The console's own pages: sign-in, dashboard, lead list and lead page, and the settings
pages for staff users, API tokens and the audit log."""
from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from aiohttp import web
from tortoise.expressions import Subquery

from console.accounts import AccountError, LoginThrottled, SignIn, create_user, update_user, user_json
from console.audit import entry_json
from console.chart import bar_chart_svg
from console.i18n import DISPLAY_TZ
from console.leads import (
    STATUSES, LeadChangeError, LeadFilter, change_lead, clean_changes, filtered_leads, lead_json,
    leads_csv, leads_json, scoped_leads, timeline, visible_lead,
)
from console.passwords import WeakPassword
from console.permissions import Role, sees_own_leads_only
from console.tokens import TokenError, create_token, revoke_token, token_json
from console.sessions import CSRF_COOKIE, SESSION_COOKIE, end_session, set_cookie, start_session
from console.web import ACTOR, CONSOLE, LANG, PageContext, redirect, render
from models import ApiToken, AuditEntry, BehaviourEvent, Channel, Staff, StaffUser

if TYPE_CHECKING:
    from console.app import Console

PER_PAGE = 25
CHART_DAYS = 14
MAX_EXPORT = 50_000


def register(console: "Console") -> None:
    console.add_route("GET", "/login", login_form)
    console.add_route("POST", "/login", login_submit)
    console.add_route("POST", "/logout", logout)
    console.templates.filters["localtime"] = localtime
    console.add_page("/", dashboard, template="dashboard.html", section="dashboard", title="nav.dashboard", permission="dashboard.read", name="dashboard")
    console.add_page("/leads", lead_list, template="leads.html", section="leads", title="nav.leads", permission="leads.read", name="leads")
    console.add_page("/leads.csv", lead_export, template="", section="leads", title="leads.export", permission="leads.export")
    console.add_page("/leads/{lead_id:\\d+}", lead_page, template="lead.html", section="leads", title="nav.leads", permission="leads.read")
    console.add_page("/leads/{lead_id:\\d+}/tags", lead_tags, template="", section="leads", title="lead.tags", permission="leads.write", methods=("POST",))
    console.add_page("/leads/{lead_id:\\d+}/fields", lead_fields, template="", section="leads", title="nav.leads", permission="leads.write", methods=("POST",))
    console.add_page("/settings/users", staff_users, template="users.html", section="settings", title="settings.users", permission="staff.read")
    console.add_page("/settings/users/new", add_staff_user, template="users.html", section="settings", title="settings.users", permission="staff.write", methods=("POST",))
    console.add_page("/settings/users/{user_id:\\d+}", change_staff_user, template="users.html", section="settings", title="settings.users", permission="staff.write", methods=("POST",))
    console.add_page("/settings/tokens", api_tokens, template="tokens.html", section="settings", title="settings.tokens", permission="tokens.read")
    console.add_page("/settings/tokens/new", add_api_token, template="tokens.html", section="settings", title="settings.tokens", permission="tokens.write", methods=("POST",))
    console.add_page("/settings/tokens/{token_id:\\d+}/revoke", revoke_api_token, template="", section="settings", title="settings.tokens", permission="tokens.write", methods=("POST",))
    console.add_page("/settings/audit", audit_log, template="audit.html", section="settings", title="settings.audit", permission="audit.read")


def localtime(value: datetime | str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) time, or its ISO text, as China Standard Time."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(DISPLAY_TZ).strftime(fmt)


# --- sign-in ------------------------------------------------------------------------------


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/console/") and "\\" not in value:
        return quote(value, safe="/?=&%+-_.~")
    return "/console/"


async def login_form(request: web.Request) -> web.StreamResponse:
    if request[ACTOR] is not None:
        return redirect(_safe_next(request.query.get("next")))
    return render(request, "login.html", {"title": "login.title", "next": request.query.get("next", "")})


async def login_submit(request: web.Request) -> web.StreamResponse:
    console = request[CONSOLE]
    form = await request.post()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    context = {"title": "login.title", "next": form.get("next", ""), "username": username}
    try:
        user = await SignIn(console.clock)(username, password, request.remote or "")
    except LoginThrottled as exc:
        minutes = max(1, -(-exc.retry_after // 60))
        return render(request, "login.html", {**context, "error": console.t(request[LANG], "login.throttled", minutes=minutes)}, status=429)
    if user is None:
        return render(request, "login.html", {**context, "error": console.t(request[LANG], "login.failed")}, status=401)
    response = redirect(_safe_next(str(form.get("next", ""))))
    set_cookie(response, request, SESSION_COOKIE, await start_session(user, console.clock), max_age=12 * 3600)
    set_cookie(response, request, CSRF_COOKIE, secrets.token_urlsafe(24), max_age=None)
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    await end_session(request.cookies.get(SESSION_COOKIE))
    response = redirect("/console/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


# --- dashboard ------------------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    """Midnight of ``day`` on the console's clock, in UTC (as stored)."""
    return datetime.combine(day, time.min, DISPLAY_TZ).astimezone(timezone.utc)


async def dashboard(request: web.Request, ctx: PageContext) -> dict[str, Any]:
    today = ctx.clock.now().astimezone(DISPLAY_TZ).date()
    tomorrow = _day_start(today + timedelta(days=1))
    new_today = scoped_leads(ctx.actor).filter(created_at__gte=_day_start(today), created_at__lt=tomorrow).order_by("-created_at")
    leads = await new_today.limit(10)
    points = []
    events = BehaviourEvent.all()
    if ctx.actor.own_leads_only:
        events = events.filter(lead_id__in=Subquery(scoped_leads(ctx.actor).values_list("id", flat=True)))
    for back in range(CHART_DAYS - 1, -1, -1):
        day = today - timedelta(days=back)
        count = await events.filter(occurred_at__gte=_day_start(day), occurred_at__lt=_day_start(day + timedelta(days=1))).count()
        points.append((day.strftime("%m-%d"), count))
    title = ctx.t("dashboard.events_chart", days=CHART_DAYS)
    return {
        "new_count": await new_today.count(),
        "new_leads": await leads_json(leads),
        "chart": bar_chart_svg(points, title=title),
        "chart_title": title,
    }


# --- leads --------------------------------------------------------------------------------


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


def _page_number(query) -> int:
    raw = query.get("page", "1")
    return max(1, min(int(raw), 100_000)) if raw.isdigit() else 1


async def lead_list(request: web.Request, ctx: PageContext) -> dict[str, Any]:
    flt = lead_filter(request.query)
    page = _page_number(request.query)
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
        "owners": [] if ctx.actor.own_leads_only else await Staff.all().order_by("name"),
        "can_export": ctx.actor.can("leads.export"),
    }


async def lead_export(request: web.Request, ctx: PageContext) -> web.StreamResponse:
    qs = filtered_leads(ctx.actor, lead_filter(request.query))
    body = leads_csv(await leads_json(await qs.limit(MAX_EXPORT)))
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
    events = await timeline(lead).limit(500)
    return {
        "lead": await lead_json(lead),
        "events": events,
        "can_edit": ctx.actor.can("leads.write"),
        "can_assign": ctx.actor.can("leads.write") and not ctx.actor.own_leads_only,
        "statuses": STATUSES,
        "staff": await Staff.all().order_by("name") if not ctx.actor.own_leads_only else [],
        "saved": request.query.get("saved") == "1",
        "error": request.query.get("error", "")[:200],
    }


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
        return redirect(f"/console/leads/{lead_id}?" + urlencode({"error": str(exc)}))
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
        return redirect(f"/console/leads/{lead_id}?" + urlencode({"error": str(exc)}))
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        await ctx.audit("lead.update", target_type="lead", target_id=lead_id,
                        before={k: before[k] for k in changed}, after=changed)
    return redirect(f"/console/leads/{lead_id}?saved=1")


# --- settings -------------------------------------------------------------------------------


async def staff_users(request: web.Request, ctx: PageContext, **extra: Any) -> dict[str, Any]:
    return {"users": await StaffUser.all().order_by("username"), "roles": [r.value for r in Role],
            "can_write": ctx.actor.can("staff.write"), "saved": request.query.get("saved") == "1", **extra}


async def add_staff_user(request: web.Request, ctx: PageContext) -> web.StreamResponse:
    form = await ctx.form()
    try:
        user = await create_user(str(form.get("username", "")), str(form.get("role", "")), str(form.get("password", "")),
                                 clock=ctx.clock, wecom_userid=str(form.get("wecom_userid", "")).strip() or None)
    except (AccountError, WeakPassword) as exc:
        return render(request, "users.html", await staff_users(request, ctx, error=str(exc), title="settings.users", section="settings"), status=400)
    await ctx.audit("user.create", target_type="staff_user", target_id=user.id, after=user_json(user))
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
        return render(request, "users.html", await staff_users(request, ctx, error=str(exc), title="settings.users", section="settings"), status=409)
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
        return render(request, "tokens.html", await api_tokens(request, ctx, error=str(exc), **base), status=400)
    await ctx.audit("token.create", target_type="token", target_id=row.id, after=token_json(row))
    response = render(request, "tokens.html", await api_tokens(request, ctx, new_secret=secret, **base))
    response.headers["Cache-Control"] = "no-store"
    return response


async def revoke_api_token(request: web.Request, ctx: PageContext) -> web.StreamResponse:
    row = await ApiToken.get_or_none(id=int(request.match_info["token_id"]))
    if row is None:
        raise web.HTTPNotFound()
    before = token_json(row)
    row = await revoke_token(row.id, clock=ctx.clock)
    await ctx.audit("token.revoke", target_type="token", target_id=row.id, before=before, after=token_json(row))
    return redirect("/console/settings/tokens")


async def audit_log(request: web.Request, ctx: PageContext) -> dict[str, Any]:
    page = _page_number(request.query)
    qs = AuditEntry.all().order_by("-at", "-id")
    total = await qs.count()
    entries = [entry_json(e) | {"at_dt": e.at} for e in await qs.offset((page - 1) * PER_PAGE).limit(PER_PAGE)]
    return {
        "entries": entries, "page": page, "has_prev": page > 1, "has_next": page * PER_PAGE < total,
    }
