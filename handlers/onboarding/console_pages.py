"""Onboarding in the console and the API: channel list, create, edit, archive, QR downloads,
the channel report (chart and CSV), CRM import and erasing a lead's details.

Wire with ``register_console(console, bot)`` after ``setup_console``; ``onboarding_setup`` gives
welcomes their documented rate and serves the public privacy policy page the welcome links to."""
from __future__ import annotations

from datetime import date, timedelta
from html import escape
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.api.errors import ApiError as PlatformApiError
from bot.api.ratelimit import PathRateLimiter, Rate
from console import ApiCall, ApiError, Console, PageContext, Param
from console.chart import bar_chart_svg
from console.web import redirect
from content.privacy import POLICY_VERSION, render_policy
from leads.crm import CrmFileError
from models import Channel, ChannelSettings, Lead

from .channels import KINDS, PLATFORMS, ChannelError, ChannelService, channel_spec_of, parse_spec
from .consent import agree, erase
from .crm import import_crm_csv
from .groups import GroupService
from .qr import qr_png, qr_svg
from .report import channel_report, daily_adds, report_csv

HERE = Path(__file__).parent
CHINA = ZoneInfo("Asia/Shanghai")
REPORT_DAYS = 30
MAX_CSV = 5 * 1024 * 1024
MESSAGES = {
    "zh": {"channels.title": "渠道", "channels.new": "新建渠道", "channels.report": "渠道报表", "channels.crm": "导入 CRM 客户",
           "channels.edit": "编辑渠道", "channels.archive": "归档", "channels.archived": "已归档"},
    "en": {"channels.title": "Channels", "channels.new": "New channel", "channels.report": "Channel report",
           "channels.crm": "Import CRM customers", "channels.edit": "Edit channel", "channels.archive": "Archive",
           "channels.archived": "Archived"},
}


def _service(bot) -> ChannelService:
    return ChannelService(bot.wecom, bot.wechat, GroupService(bot.wecom) if bot.wecom else None)


def form_fields(form: Mapping[str, Any]) -> dict[str, Any]:
    """Channel fields from a console form: lists as comma-separated text, staff as
    ``zhangsan:50, lisi`` (userid and daily cap)."""
    def items(name: str) -> list[str]:
        return [v.strip() for v in str(form.get(name, "")).replace("，", ",").split(",") if v.strip()]

    staff = []
    for item in items("staff"):
        userid, _, cap = item.partition(":")
        staff.append({"userid": userid.strip(), "daily_cap": cap.strip() or 0})
    raw = {k: str(form.get(k, "")).strip() for k in ("code", "name", "kind", "platform", "cost", "backup",
                                                      "welcome_template", "group_keyword", "start_date", "end_date")}
    return {**raw, "staff": staff, "tags": items("tags"), "groups": items("groups"),
            "welcome_fallback": bool(form.get("welcome_fallback"))}


async def channel_json(channel: Channel) -> dict[str, Any]:
    s = await ChannelSettings.get_or_none(channel=channel)
    return {
        "code": channel.code, "name": channel.name, "kind": channel.kind, "cost": f"{channel.cost:.2f}",
        "qr_url": channel.qr_url, "config_id": channel.config_id, "archived": channel.archived,
        "platform": s.platform if s else "wecom", "staff": s.staff if s else [], "backup": s.backup_userid if s else "",
        "tags": s.tags if s else [], "groups": s.groups if s else [], "group_keyword": s.group_keyword if s else "",
        "start_date": s.start_date.isoformat() if s and s.start_date else None,
        "end_date": s.end_date.isoformat() if s and s.end_date else None,
        "welcome_template": channel.welcome_template,
    }


def _period(query: Mapping[str, str], today: date) -> tuple[date, date]:
    try:
        end = date.fromisoformat(query["to"]) if query.get("to") else today
        start = date.fromisoformat(query["from"]) if query.get("from") else end - timedelta(days=REPORT_DAYS - 1)
    except ValueError:
        raise ValueError("from and to must be dates like 2026-11-24")
    if end < start:
        raise ValueError("the period ends before it starts")
    return start, end


def _qr_response(channel: Channel, fmt: str) -> web.Response:
    if fmt == "svg":
        body, kind = qr_svg(channel.qr_url, channel.name), "image/svg+xml"
    else:
        body, kind = qr_png(channel.qr_url, channel.name, channel.code), "image/png"
    return web.Response(body=body, content_type=kind,
                        headers={"Content-Disposition": f'attachment; filename="{channel.code}.{fmt}"'})


def _csv_response(text: str, name: str) -> web.Response:
    return web.Response(body=text.encode("utf-8"), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- pages ----------------------------------------------------------------------------------


class ChannelPages:
    def __init__(self, bot) -> None:
        self.bot = bot

    async def list(self, request: web.Request, ctx: PageContext) -> dict[str, Any]:
        today = ctx.clock.now().astimezone(CHINA).date()
        try:
            start, end = _period(request.query, today)
        except ValueError as exc:
            start, end, error = today - timedelta(days=REPORT_DAYS - 1), today, str(exc)
        else:
            error = request.query.get("error", "")[:300]
        rows = await channel_report(start, end)
        title = ctx.t("channels.report") + f" {start:%m-%d} – {end:%m-%d}"
        return {"rows": rows, "channels": [await channel_json(c) for c in await Channel.all().order_by("-id")],
                "chart": bar_chart_svg(await daily_adds(None, start, end), title=title), "chart_title": title,
                "start": start, "end": end, "kinds": KINDS, "platforms": PLATFORMS, "error": error,
                "can_edit": ctx.actor.can("channels.write"), "notice": request.query.get("notice", "")[:300]}

    async def create(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        fields = form_fields(await ctx.form())
        try:
            channel = await _service(self.bot).create(parse_spec(fields))
        except (ChannelError, PlatformApiError) as exc:
            return redirect("/console/channels?" + urlencode({"error": str(exc)}))
        await ctx.audit("channel.create", target_type="channel", target_id=channel.code, after=fields)
        return redirect(f"/console/channels/{channel.code}?saved=1")

    async def _channel(self, request: web.Request) -> Channel:
        channel = await Channel.get_or_none(code=request.match_info["code"])
        if channel is None:
            raise web.HTTPNotFound()
        return channel

    async def show(self, request: web.Request, ctx: PageContext) -> dict[str, Any]:
        channel = await self._channel(request)
        return {"channel": await channel_json(channel), "kinds": KINDS, "can_edit": ctx.actor.can("channels.write"),
                "saved": request.query.get("saved") == "1", "error": request.query.get("error", "")[:300]}

    async def update(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        channel = await self._channel(request)
        before = await channel_json(channel)
        fields = {**form_fields(await ctx.form()), "code": channel.code, "platform": before["platform"]}
        try:
            await _service(self.bot).update(channel, parse_spec(fields))
        except (ChannelError, PlatformApiError) as exc:
            return redirect(f"/console/channels/{channel.code}?" + urlencode({"error": str(exc)}))
        await ctx.audit("channel.update", target_type="channel", target_id=channel.code, before=before,
                        after=await channel_json(channel))
        return redirect(f"/console/channels/{channel.code}?saved=1")

    async def archive(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        channel = await self._channel(request)
        try:
            await _service(self.bot).archive(channel)
        except PlatformApiError as exc:
            return redirect(f"/console/channels/{channel.code}?" + urlencode({"error": str(exc)}))
        await ctx.audit("channel.archive", target_type="channel", target_id=channel.code)
        return redirect("/console/channels?" + urlencode({"notice": f"{channel.code} archived"}))

    async def qr(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        channel = await self._channel(request)
        return _qr_response(channel, request.match_info["fmt"])

    async def report_csv(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        try:
            start, end = _period(request.query, ctx.clock.now().astimezone(CHINA).date())
        except ValueError as exc:
            return redirect("/console/channels?" + urlencode({"error": str(exc)}))
        return _csv_response(report_csv(await channel_report(start, end)), f"channels-{start}-{end}.csv")

    async def crm_form(self, request: web.Request, ctx: PageContext) -> dict[str, Any]:
        return {"problems": [], "result": None}

    async def crm_import(self, request: web.Request, ctx: PageContext) -> dict[str, Any]:
        form = await ctx.form()
        upload = form.get("file")
        raw = upload.file.read(MAX_CSV + 1) if hasattr(upload, "file") else str(form.get("csv", "")).encode()
        if len(raw) > MAX_CSV:
            return {"problems": [(0, "the file is larger than 5 MB")], "result": None}
        try:
            result = await import_crm_csv(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            return {"problems": [(0, "the file is not UTF-8 text")], "result": None}
        except CrmFileError as exc:
            return {"problems": exc.problems, "result": None}
        await ctx.audit("crm.import", target_type="crm", after=result.__dict__)
        return {"problems": [], "result": result}

    async def erase_lead(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        lead = await Lead.get_or_none(id=int(request.match_info["lead_id"]))
        if lead is None:
            raise web.HTTPNotFound()
        await erase(lead, ctx.clock.now(), "console")
        await ctx.audit("lead.erase", target_type="lead", target_id=lead.id)
        return redirect(f"/console/leads/{lead.id}?saved=1")


# --- API ------------------------------------------------------------------------------------

CODE = Param("code", description="The channel's code (its QR codes' state)", location="path", required=True)
CHANNEL_BODY = {"type": "object", "properties": {
    "code": {"type": "string", "maxLength": 30}, "name": {"type": "string", "maxLength": 128},
    "kind": {"type": "string", "enum": list(KINDS)}, "platform": {"type": "string", "enum": list(PLATFORMS)},
    "cost": {"type": "number"}, "staff": {"type": "array"}, "backup": {"type": "string"},
    "tags": {"type": "array", "items": {"type": "string"}}, "groups": {"type": "array", "items": {"type": "string"}},
    "welcome_template": {"type": "string"}, "group_keyword": {"type": "string"},
    "start_date": {"type": "string"}, "end_date": {"type": "string"}, "welcome_fallback": {"type": "boolean"},
    "attachments": {"type": "array"}, "auto_create_room": {"type": "boolean"},
}}


class ChannelApi:
    def __init__(self, bot) -> None:
        self.bot = bot

    async def _channel(self, call: ApiCall) -> Channel:
        channel = await Channel.get_or_none(code=call.params["code"])
        if channel is None:
            raise ApiError(404, "not_found", f"no channel with code {call.params['code']!r}")
        return channel

    async def list(self, call: ApiCall) -> dict[str, Any]:
        return {"items": [await channel_json(c) for c in await Channel.all().order_by("id")]}

    async def get(self, call: ApiCall) -> dict[str, Any]:
        return await channel_json(await self._channel(call))

    async def create(self, call: ApiCall) -> dict[str, Any]:
        try:
            channel = await _service(self.bot).create(parse_spec(call.body))
        except ChannelError as exc:
            raise ApiError(400, "invalid_channel", str(exc)) from None
        except PlatformApiError as exc:
            raise ApiError(502, "platform_refused", str(exc)) from None
        await call.audit("channel.create", target_type="channel", target_id=channel.code, after=call.body)
        return await channel_json(channel)

    async def update(self, call: ApiCall) -> dict[str, Any]:
        channel = await self._channel(call)
        current = await channel_json(channel)
        fields = {**current, **(await channel_spec_of(channel)).extra, **call.body, "code": channel.code}
        try:
            await _service(self.bot).update(channel, parse_spec(fields))
        except ChannelError as exc:
            raise ApiError(400, "invalid_channel", str(exc)) from None
        except PlatformApiError as exc:
            raise ApiError(502, "platform_refused", str(exc)) from None
        await call.audit("channel.update", target_type="channel", target_id=channel.code, before=current, after=call.body)
        return await channel_json(channel)

    async def archive(self, call: ApiCall) -> None:
        channel = await self._channel(call)
        await _service(self.bot).archive(channel)
        await call.audit("channel.archive", target_type="channel", target_id=channel.code)

    async def qr(self, call: ApiCall) -> web.Response:
        return _qr_response(await self._channel(call), call.params.get("format") or "png")

    async def report(self, call: ApiCall) -> Any:
        today = call.clock.now().astimezone(CHINA).date()
        query = {k: v.isoformat() for k, v in (("from", call.params.get("from")), ("to", call.params.get("to"))) if v}
        try:
            start, end = _period(query, today)
        except ValueError as exc:
            raise ApiError(400, "invalid_period", str(exc)) from None
        rows = await channel_report(start, end)
        if call.params.get("format") == "csv":
            return _csv_response(report_csv(rows), f"channels-{start}-{end}.csv")
        return {"from": start.isoformat(), "to": end.isoformat(), "items": [r.json() for r in rows]}

    async def crm_import(self, call: ApiCall) -> dict[str, Any]:
        try:
            result = await import_crm_csv(call.body["csv"])
        except CrmFileError as exc:
            raise ApiError(400, "invalid_csv", str(exc)) from None
        await call.audit("crm.import", target_type="crm", after=result.__dict__)
        return result.__dict__

    async def erase_lead(self, call: ApiCall) -> None:
        lead = await Lead.get_or_none(id=call.params["lead_id"])
        if lead is None:
            raise ApiError(404, "not_found", "no such lead")
        await erase(lead, call.clock.now(), "api")
        await call.audit("lead.erase", target_type="lead", target_id=lead.id)


def register_console(console: Console, bot) -> None:
    """Add the channel pages and endpoints (``bot`` gives the WeCom/WeChat clients)."""
    console.catalogue.add(MESSAGES)
    console.add_templates(HERE / "templates")
    pages = ChannelPages(bot)
    page = console.add_page
    common = dict(section="channels", title="channels.title")
    page("/channels", pages.list, template="onboarding_channels.html", permission="channels.read", **common)
    page("/channels", pages.create, template="", permission="channels.write", methods=("POST",), **common)
    page("/channels/report.csv", pages.report_csv, template="", permission="channels.read", **common)
    page("/channels/crm", pages.crm_form, template="onboarding_crm.html", permission="channels.write", **common)
    page("/channels/crm", pages.crm_import, template="onboarding_crm.html", permission="channels.write",
         methods=("POST",), **common)
    page("/channels/{code}", pages.show, template="onboarding_channel.html", permission="channels.read", **common)
    page("/channels/{code}", pages.update, template="", permission="channels.write", methods=("POST",), **common)
    page("/channels/{code}/archive", pages.archive, template="", permission="channels.write", methods=("POST",), **common)
    page("/channels/{code}/qr.{fmt:png|svg}", pages.qr, template="", permission="channels.read", **common)
    page("/leads/{lead_id:\\d+}/erase", pages.erase_lead, template="", section="leads", title="lead.erase",
         permission="leads.write", methods=("POST",))
    _register_api(console, ChannelApi(bot))


def _register_api(console: Console, api: ChannelApi) -> None:
    add = console.add_endpoint
    fmt = Param("format", description="png or svg", enum=("png", "svg"), default="png")
    add("GET", "/channels", api.list, permission="channels.read", tag="channels", summary="List channels")
    add("POST", "/channels", api.create, permission="channels.write", tag="channels", status=201, body=CHANNEL_BODY,
        summary="Create a channel and its contact way (code at most 30 characters)", extra_statuses=(502,))
    add("GET", "/channels/report", api.report, permission="channels.read", tag="channels",
        summary="The channel report for a period (JSON or CSV)", params=(
            Param("from", "date", "First day (China time); 30 days before `to` by default"),
            Param("to", "date", "Last day (China time); today by default"),
            Param("format", description="json or csv", enum=("json", "csv"), default="json")))
    add("GET", "/channels/{code}", api.get, permission="channels.read", tag="channels", summary="A channel", params=(CODE,))
    add("PATCH", "/channels/{code}", api.update, permission="channels.write", tag="channels", params=(CODE,),
        body=CHANNEL_BODY, summary="Change a channel and its contact way", extra_statuses=(502,))
    add("DELETE", "/channels/{code}", api.archive, permission="channels.write", tag="channels", status=204,
        params=(CODE,), summary="Archive a channel: its contact way is deleted, its data kept")
    add("GET", "/channels/{code}/qr", api.qr, permission="channels.read", tag="channels", params=(CODE, fmt),
        summary="The channel's QR code with its name under it, as PNG or SVG")
    add("POST", "/crm/import", api.crm_import, permission="channels.write", tag="channels",
        body={"type": "object", "required": ["csv"], "properties": {"csv": {"type": "string", "maxLength": MAX_CSV}}},
        summary="Import CRM accounts and contacts from CSV text (all rows or none)")
    add("POST", "/leads/{lead_id}/erase", api.erase_lead, permission="leads.write", tag="leads", status=204,
        params=(Param("lead_id", "integer", "Lead id", location="path", required=True, minimum=1, maximum=2**31 - 1),),
        summary="Erase a lead's personal details (PIPL), keeping anonymous counts")


# --- app set-up: welcome rate and the public privacy policy page ---------------------------------

WELCOME_PATH = "/cgi-bin/externalcontact/send_welcome_msg"
# 访问频率限制 (document/path/90454): one API at most 10,000 calls a minute and 150,000 an hour per
# corp. A burst of 2,500 then the hourly rate stays under both, and lets an expo rush of a
# thousand adds be welcomed inside the 20-second window instead of queueing at the hourly rate.
WELCOME_RATE = Rate(per_second=150_000 / 3600, burst=2_500)


def onboarding_setup(app: web.Application, bot) -> None:
    """Give welcomes their own documented rate, and serve the privacy policy page."""
    if bot.wecom is not None:
        bot.wecom.limiter = PathRateLimiter(bot.clock, per_path={WELCOME_PATH: WELCOME_RATE})
    privacy_setup(app, bot)


def _policy_html(company: str, token: str = "", notice: str = "") -> str:
    text = render_policy(company)
    body = "".join(f"<h1>{escape(line[2:])}</h1>" if line.startswith("# ") else
                   f"<h2>{escape(line[3:])}</h2>" if line.startswith("## ") else
                   f"<li>{escape(line[2:])}</li>" if line.startswith("- ") else
                   f"<p>{escape(line)}</p>" if line.strip() else "" for line in text.splitlines())
    if notice:
        body += f'<p id="consent-notice"><strong>{escape(notice)}</strong></p>'
    elif token:
        body += (f'<form method="post" action="/privacy/agree"><input type="hidden" name="c" value="{escape(token)}">'
                 f'<button type="submit" id="agree">我已阅读并同意</button></form>')
    return (f'<!doctype html><html lang="zh"><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
            f'<title>隐私政策 {POLICY_VERSION}</title><body style="max-width:40em;margin:auto;font-family:sans-serif">'
            f"{body}</body></html>")


def privacy_setup(app: web.Application, bot) -> None:
    """Serve the privacy policy the welcome message links to, at /privacy (no sign-in); a link
    carrying the lead's token shows an agree button (consent by a click)."""
    onboarding = bot.services.get("onboarding")
    company = onboarding.company if onboarding else "我们"

    async def page(request: web.Request) -> web.Response:
        token = request.query.get("c", "")[:64]
        valid = onboarding is not None and token and onboarding.lead_of_token(token)
        return web.Response(text=_policy_html(company, token if valid else ""), content_type="text/html")

    async def agree_click(request: web.Request) -> web.Response:
        form = await request.post()
        lead_id = onboarding.lead_of_token(str(form.get("c", ""))[:64]) if onboarding else None
        lead = await Lead.get_or_none(id=lead_id) if lead_id else None
        if lead is None:
            return web.Response(status=400, text="这个同意链接无效或已过期，请在对话中回复“同意”。")
        await agree(lead, bot.clock.now(), "click")
        return web.Response(text=_policy_html(company, notice=f"已记录您的同意（版本 {POLICY_VERSION}），谢谢！"),
                            content_type="text/html")

    app.router.add_get("/privacy", page)
    app.router.add_post("/privacy/agree", agree_click)
