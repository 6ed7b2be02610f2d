"""The console's own pages: sign-in, the dashboard, and the registration of the lead and
settings pages."""
from __future__ import annotations

import ipaddress
import json
import secrets
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web
from tortoise.expressions import Subquery

from console.access.accounts import LoginThrottled, SignIn
from console.kit.chart import bar_chart_svg
from console.kit.i18n import DISPLAY_TZ
from leads.queries import leads_json, scoped_leads
from console.pages.leads import lead_export, lead_fields, lead_list, lead_page, lead_personal_data, lead_tags
from console.access.sessions import CSRF_COOKIE, SESSION_COOKIE, end_session, set_cookie, start_session
from console.pages.settings import (
    add_api_token, add_staff_user, api_tokens, audit_log, change_staff_user, revoke_api_token, staff_users,
)
from console.kit.web import ACTOR, CONSOLE, LANG, PageContext, redirect, render
from models import BehaviourEvent

HERE = Path(__file__).parent

if TYPE_CHECKING:
    from console.kit.app import Console

CHART_DAYS = 14


def register(console: "Console") -> None:
    """The console's own routes, pages and sections (settings stays the last section)."""
    console.add_templates(HERE / "templates")
    console.add_section("dashboard", "nav.dashboard", "dashboard.read")
    console.add_section("leads", "nav.leads", "leads.read")
    console.add_section("settings", "nav.settings", "staff.read", last=True)
    console.add_route("GET", "/login", login_form)
    console.add_route("POST", "/login", login_submit)
    console.add_route("POST", "/logout", logout)
    console.templates.filters["localtime"] = localtime
    console.templates.filters["readable_json"] = readable_json
    console.add_page("/", dashboard, template="dashboard.html", section="dashboard", title="nav.dashboard", permission="dashboard.read", name="dashboard")
    console.add_page("/leads", lead_list, template="leads.html", section="leads", title="nav.leads", permission="leads.read", name="leads")
    console.add_page("/leads.csv", lead_export, template="", section="leads", title="leads.export", permission="leads.export")
    console.add_page("/leads/{lead_id:\\d+}", lead_page, template="lead.html", section="leads", title="nav.leads", permission="leads.read")
    console.add_page("/leads/{lead_id:\\d+}/personal-data.json", lead_personal_data, template="", section="leads",
                     title="nav.leads", permission="leads.export")
    console.add_page("/leads/{lead_id:\\d+}/tags", lead_tags, template="", section="leads", title="lead.tags", permission="leads.write", methods=("POST",))
    console.add_page("/leads/{lead_id:\\d+}/fields", lead_fields, template="", section="leads", title="nav.leads", permission="leads.write", methods=("POST",))
    console.add_page("/settings/users", staff_users, template="users.html", section="settings", title="settings.users", permission="staff.read")
    console.add_page("/settings/users/new", add_staff_user, template="users.html", section="settings", title="settings.users", permission="staff.write", methods=("POST",))
    console.add_page("/settings/users/{user_id:\\d+}", change_staff_user, template="users.html", section="settings", title="settings.users", permission="staff.write", methods=("POST",))
    console.add_page("/settings/tokens", api_tokens, template="tokens.html", section="settings", title="settings.tokens", permission="tokens.read")
    console.add_page("/settings/tokens/new", add_api_token, template="tokens.html", section="settings", title="settings.tokens", permission="tokens.write", methods=("POST",))
    console.add_page("/settings/tokens/{token_id:\\d+}/revoke", revoke_api_token, template="", section="settings", title="settings.tokens", permission="tokens.write", methods=("POST",))
    console.add_page("/settings/audit", audit_log, template="audit.html", section="settings", title="settings.audit", permission="audit.read")


def readable_json(value: Any) -> str:
    """JSON as people read it: Chinese as itself, keys sorted (escaped by the template)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


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
        remote = client_address(request, console.settings.proxy_networks)
        user = await SignIn(console.clock)(username, password, remote)
    except LoginThrottled as exc:
        minutes = max(1, -(-exc.retry_after // 60))
        return render(request, "login.html", {**context, "error": console.t(request[LANG], "login.throttled", minutes=minutes)}, status=429)
    if user is None:
        return render(request, "login.html", {**context, "error": console.t(request[LANG], "login.failed")}, status=401)
    response = redirect(_safe_next(str(form.get("next", ""))))
    set_cookie(response, request, SESSION_COOKIE, await start_session(user, console.clock), max_age=12 * 3600)
    set_cookie(response, request, CSRF_COOKIE, secrets.token_urlsafe(24), max_age=None)
    return response


def client_address(request: web.Request, proxies: tuple[Any, ...]) -> str:
    """The client's address: the peer's, or behind trusted reverse proxies the right-most
    X-Forwarded-For entry that is not one of them (entries further left are the client's
    own word and could be forged)."""
    remote = request.remote or ""
    hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
    while hops and _is_proxy(remote, proxies):
        remote = hops.pop()
    return remote


def _is_proxy(address: str, proxies: tuple[Any, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


async def logout(request: web.Request) -> web.StreamResponse:
    await end_session(request.cookies.get(SESSION_COOKIE))
    response = redirect("/console/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    set_cookie(response, request, CSRF_COOKIE, secrets.token_urlsafe(24), max_age=None)  # the old forms die with the session
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
    panels = [(panel.template, await panel.provide(ctx)) for panel in ctx.console.dashboard_panels
              if ctx.actor.can(panel.permission)]
    return {
        "new_count": await new_today.count(),
        "new_leads": await leads_json(leads),
        "chart": bar_chart_svg(points, title=title),
        "chart_title": title,
        "panels": panels,
    }
