"""Onboarding in the console: channel list with the report chart, create, edit, archive, QR
downloads, report CSV, CRM import and erasing a lead's details (the API is in channel_api).

The feature registers them with ``register_console(console, bot)`` (its ``console`` part)."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.api.errors import ApiError as PlatformApiError
from console.kit import Console, PageContext
from console.kit.chart import bar_chart_svg
from console.kit.web import redirect
from content.failures import failure_of
from leads.crm import CrmFileError
from leads.crm_store import import_crm_csv
from leads.queries import visible_lead
from models import Channel, ChannelSettings, WeComMember

from ..channels import KINDS, PLATFORMS, ChannelError, ChannelService, parse_spec
from leads.consent import erase
from ..groups import GroupService
from ..qr import qr_png, qr_svg
from ..report import channel_report, daily_adds, report_csv
from ..welcome import welcome_owner

HERE = Path(__file__).parent
CHINA = ZoneInfo("Asia/Shanghai")
REPORT_DAYS = 30
MAX_CSV = 5 * 1024 * 1024
MESSAGES = {
    "zh": {"nav.channels": "渠道", "channels.title": "渠道", "channels.new": "新建渠道", "channels.report": "渠道报表", "channels.crm": "导入 CRM 客户",
           "channels.edit": "编辑渠道", "channels.save": "保存", "channels.archive": "归档", "channels.archived": "已归档",
           "channels.from": "开始", "channels.to": "结束",
           "channels.col.channel": "渠道", "channels.col.adds": "添加", "channels.col.new_leads": "新线索",
           "channels.col.group_joins": "入群", "channels.col.losses": "流失", "channels.col.net_growth": "净增长",
           "channels.col.consent_rate": "同意率", "channels.col.existing_accounts": "老客户",
           "channels.col.known_contacts": "已知联系人", "channels.col.new_to_crm": "全新", "channels.col.cost": "费用",
           "channels.col.cost_per_new_lead": "单个新线索成本", "channels.col.code": "代码", "channels.col.name": "名称",
           "channels.col.kind": "类型", "channels.col.staff": "接待成员", "channels.col.tags": "标签",
           "channels.col.qr": "二维码", "channels.daily_cap": "（每日 {cap}）",
           "channels.field.code": "代码（二维码 state，最多 30 个字符）", "channels.field.platform": "平台",
           "channels.field.cost": "费用（元）", "channels.field.start_date": "开始日期", "channels.field.end_date": "结束日期",
           "channels.field.staff": "接待成员（userid:每日上限，逗号分隔）", "channels.field.backup": "备用成员",
           "channels.field.tags": "标签（逗号分隔）", "channels.field.groups": "客户群 chat_id（最多 5 个）",
           "channels.field.group_keyword": "加群关键词", "channels.field.welcome": "欢迎语", "channels.insert": "插入：", "channels.insert.name": "客户名称",
           "channels.insert.channel_name": "渠道", "channels.insert.staff": "员工",
           "channels.archive.help": "归档后二维码失效，渠道的历史数据保留。", "channels.archive.confirm": "确定归档此渠道？二维码将失效。",
           "channel.kind.trade_show": "展会", "channel.kind.website": "官网", "channel.kind.whitepaper": "白皮书",
           "channel.kind.live_stream": "直播", "channel.kind.ad": "广告", "channel.kind.sales_rep": "销售名片",
           "channel.kind.referral": "转介绍", "channel.kind.other": "其他",
           "platform.wecom": "企业微信", "platform.wechat": "微信公众号", "platform.wecom_kf": "微信客服",
           "platform.wecom_bot": "智能机器人",
           "event.group.joined": "加入客户群", "event.group.left": "退出客户群", "event.lead.lost": "流失",
           "channels.crm.help": "CSV 列：account（客户名称）, contact（联系人）, phone（电话，多个用 ; 分隔）, email（邮箱）, "
                                "owner（负责人）。有任何错误行时整个文件不导入。",
           "channels.crm.result": "新增 {created} 个客户、更新 {updated} 个，新增 {contacts} 个联系人；{classified} 条线索匹配到 CRM。",
           "channels.crm.nothing": "没有导入任何数据：", "channels.crm.line": "第 {line} 行：{message}",
           "dashboard.new_by_channel": "近 {days} 天新线索（按渠道）", "dashboard.consent_rate": "个人信息授权同意率",
           "dashboard.consented": "同意 {rate}",
           "channels.template_failed": "欢迎语模板在 {when} 发送时出错（共 {n} 次），客户收到的是默认欢迎语：{message}。修改并保存后此提示消失。"},
    "en": {"nav.channels": "Channels", "channels.title": "Channels", "channels.new": "New channel", "channels.report": "Channel report",
           "channels.crm": "Import CRM customers", "channels.edit": "Edit channel", "channels.save": "Save",
           "channels.archive": "Archive", "channels.archived": "Archived", "channels.from": "From", "channels.to": "To",
           "channels.col.channel": "Channel", "channels.col.adds": "Adds", "channels.col.new_leads": "New leads",
           "channels.col.group_joins": "Group joins", "channels.col.losses": "Lost", "channels.col.net_growth": "Net growth",
           "channels.col.consent_rate": "Consent rate", "channels.col.existing_accounts": "Existing accounts",
           "channels.col.known_contacts": "Known contacts", "channels.col.new_to_crm": "New to CRM",
           "channels.col.cost": "Cost", "channels.col.cost_per_new_lead": "Cost per new lead", "channels.col.code": "Code",
           "channels.col.name": "Name", "channels.col.kind": "Kind", "channels.col.staff": "Receiving members",
           "channels.col.tags": "Tags", "channels.col.qr": "QR code", "channels.daily_cap": " ({cap} a day)",
           "channels.field.code": "Code (the QR code's state, at most 30 characters)", "channels.field.platform": "Platform",
           "channels.field.cost": "Cost (CNY)", "channels.field.start_date": "Start date", "channels.field.end_date": "End date",
           "channels.field.staff": "Receiving members (userid:daily cap, comma-separated)",
           "channels.field.backup": "Backup member", "channels.field.tags": "Tags (comma-separated)",
           "channels.field.groups": "Customer group chat_ids (at most 5)", "channels.field.group_keyword": "Group keyword",
           "channels.field.welcome": "Welcome message", "channels.insert": "Insert:", "channels.insert.name": "Customer name",
           "channels.insert.channel_name": "Channel", "channels.insert.staff": "Staff member",
           "channels.archive.help": "Archiving stops the QR code; the channel's history is kept.",
           "channels.archive.confirm": "Archive this channel? Its QR code will stop working.",
           "channel.kind.trade_show": "Trade show", "channel.kind.website": "Website", "channel.kind.whitepaper": "Whitepaper",
           "channel.kind.live_stream": "Live stream", "channel.kind.ad": "Advertising", "channel.kind.sales_rep": "Sales rep card",
           "channel.kind.referral": "Referral", "channel.kind.other": "Other",
           "platform.wecom": "WeCom", "platform.wechat": "Official account", "platform.wecom_kf": "WeChat Customer Service",
           "platform.wecom_bot": "WeCom smart bot",
           "event.group.joined": "Joined a customer group", "event.group.left": "Left a customer group",
           "event.lead.lost": "Lost",
           "channels.crm.help": "CSV columns: account, contact, phone (several separated by ;), email, owner. "
                                "A file with any bad row is not imported at all.",
           "channels.crm.result": "{created} new and {updated} updated accounts, {contacts} new contacts; "
                                  "{classified} leads match the CRM.",
           "channels.crm.nothing": "Nothing was imported:", "channels.crm.line": "line {line}: {message}",
           "dashboard.new_by_channel": "New leads by channel, last {days} days", "dashboard.consent_rate": "Consent rate",
           "dashboard.consented": "{rate} consented",
           "channels.template_failed": "The welcome template failed when sent at {when} ({n} times); the customer got the default welcome: {message}. Save a fixed version to clear this."},
}

DASHBOARD_DAYS = 7


async def new_leads_panel(ctx: PageContext) -> dict[str, Any]:
    """The dashboard's card: the last week's new leads per channel and their consent rate."""
    end = ctx.clock.now().astimezone(CHINA).date()
    start = end - timedelta(days=DASHBOARD_DAYS - 1)
    rows = sorted((r for r in await channel_report(start, end) if r.new_leads), key=lambda r: -r.new_leads)
    total = sum(r.new_leads for r in rows)
    consented = sum(round((r.consent_rate or 0) * r.new_leads) for r in rows)
    return {"days": DASHBOARD_DAYS, "start": start, "end": end, "rows": rows[:6], "total": total,
            "consent_rate": consented / total if total else None}


MESSAGES["zh"].update({
    "audit.action.channel.create": "新建渠道", "audit.action.channel.update": "修改渠道",
    "audit.action.channel.archive": "归档渠道", "audit.action.channel.import": "导入渠道文件",
    "audit.action.crm.import": "导入 CRM 客户", "audit.field.created": "新建", "audit.field.updated": "更新",
    "audit.field.accounts_created": "新增客户", "audit.field.accounts_updated": "更新客户",
    "audit.field.contacts": "新增联系人", "audit.field.leads_classified": "匹配到 CRM 的线索",
    "audit.field.code": "代码", "audit.field.kind": "类型", "audit.field.cost": "费用", "audit.field.staff": "接待成员",
    "audit.field.backup": "备用成员", "audit.field.welcome_template": "欢迎语", "audit.field.groups": "客户群",
    "audit.field.group_keyword": "加群关键词", "audit.field.platform": "平台", "audit.field.start_date": "开始日期",
    "audit.field.end_date": "结束日期",
})
MESSAGES["en"].update({
    "audit.action.channel.create": "Created channel", "audit.action.channel.update": "Changed channel",
    "audit.action.channel.archive": "Archived channel", "audit.action.channel.import": "Imported the channel file",
    "audit.action.crm.import": "Imported CRM customers from", "audit.field.created": "created",
    "audit.field.updated": "updated", "audit.field.accounts_created": "new accounts",
    "audit.field.accounts_updated": "updated accounts", "audit.field.contacts": "new contacts",
    "audit.field.leads_classified": "leads matching the CRM", "audit.field.code": "code", "audit.field.kind": "kind",
    "audit.field.cost": "cost", "audit.field.staff": "receiving members", "audit.field.backup": "backup member",
    "audit.field.welcome_template": "welcome message", "audit.field.groups": "customer groups",
    "audit.field.group_keyword": "group keyword", "audit.field.platform": "platform",
    "audit.field.start_date": "start date", "audit.field.end_date": "end date",
})


def channel_service(bot) -> ChannelService:
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


CODE_MAX: int = Channel._meta.fields_map["code"].max_length  # type: ignore[attr-defined]  # a longer path names no channel
EARLIEST_REPORT_DAY, LATEST_REPORT_YEAR, MAX_REPORT_DAYS = date(2000, 1, 1), 2099, 3 * 366


def report_period(query: Mapping[str, str], today: date) -> tuple[date, date]:
    try:
        end = date.fromisoformat(query["to"]) if query.get("to") else today
        start = date.fromisoformat(query["from"]) if query.get("from") else end - timedelta(days=REPORT_DAYS - 1)
    except ValueError as exc:
        raise ValueError("from and to must be dates like 2026-11-24") from exc
    if end < start:
        raise ValueError("the period ends before it starts")
    if start < EARLIEST_REPORT_DAY or end.year > LATEST_REPORT_YEAR or (end - start).days >= MAX_REPORT_DAYS:
        raise ValueError(f"a report covers at most {MAX_REPORT_DAYS} days between {EARLIEST_REPORT_DAY} and {LATEST_REPORT_YEAR}")
    return start, end


def qr_response(channel: Channel, fmt: str) -> web.Response:
    if fmt == "svg":
        body, kind = qr_svg(channel.qr_url, channel.name), "image/svg+xml"
    else:
        body, kind = qr_png(channel.qr_url, channel.name, channel.code), "image/png"
    return web.Response(body=body, content_type=kind,
                        headers={"Content-Disposition": f'attachment; filename="{channel.code}.{fmt}"'})


def csv_response(text: str, name: str) -> web.Response:
    return web.Response(body=text.encode("utf-8"), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- pages ----------------------------------------------------------------------------------


class ChannelPages:
    def __init__(self, bot) -> None:
        self.bot = bot

    async def list(self, request: web.Request, ctx: PageContext) -> dict[str, Any]:
        today = ctx.clock.now().astimezone(CHINA).date()
        try:
            start, end = report_period(request.query, today)
        except ValueError as exc:
            start, end, error = today - timedelta(days=REPORT_DAYS - 1), today, str(exc)
        else:
            error = request.query.get("error", "")[:300]
        rows = await channel_report(start, end)
        title = ctx.t("channels.report") + f" {start:%m-%d} – {end:%m-%d}"
        return {"rows": rows, "channels": [await channel_json(c) for c in await Channel.all().order_by("-id")],
                "chart": bar_chart_svg(await daily_adds(None, start, end), title=title), "chart_title": title,
                "start": start, "end": end, "kinds": KINDS, "platforms": PLATFORMS, "error": error,
                "can_edit": ctx.actor.can("channels.write"), "notice": request.query.get("notice", "")[:300],
                "staff_names": dict(await WeComMember.exclude(name="").values_list("userid", "name"))}

    async def create(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        fields = form_fields(await ctx.form())
        try:
            channel = await channel_service(self.bot).create(parse_spec(fields))
        except (ChannelError, PlatformApiError) as exc:
            return redirect("/console/channels?" + urlencode({"error": str(exc)}))
        await ctx.audit("channel.create", target_type="channel", target_id=channel.code, after=fields)
        return redirect(f"/console/channels/{channel.code}?saved=1")

    async def _channel(self, request: web.Request) -> Channel:
        code = request.match_info["code"]
        channel = await Channel.get_or_none(code=code) if len(code) <= CODE_MAX else None
        if channel is None:
            raise web.HTTPNotFound()
        return channel

    async def show(self, request: web.Request, ctx: PageContext) -> dict[str, Any]:
        channel = await self._channel(request)
        return {"channel": await channel_json(channel), "kinds": KINDS, "can_edit": ctx.actor.can("channels.write"),
                "saved": request.query.get("saved") == "1", "error": request.query.get("error", "")[:300],
                "template_failure": await failure_of(welcome_owner(channel.code))}

    async def update(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        channel = await self._channel(request)
        before = await channel_json(channel)
        fields = {**form_fields(await ctx.form()), "code": channel.code, "platform": before["platform"]}
        try:
            await channel_service(self.bot).update(channel, parse_spec(fields))
        except (ChannelError, PlatformApiError) as exc:
            return redirect(f"/console/channels/{channel.code}?" + urlencode({"error": str(exc)}))
        await ctx.audit("channel.update", target_type="channel", target_id=channel.code, before=before,
                        after=await channel_json(channel))
        return redirect(f"/console/channels/{channel.code}?saved=1")

    async def archive(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        channel = await self._channel(request)
        try:
            await channel_service(self.bot).archive(channel)
        except PlatformApiError as exc:
            return redirect(f"/console/channels/{channel.code}?" + urlencode({"error": str(exc)}))
        await ctx.audit("channel.archive", target_type="channel", target_id=channel.code)
        return redirect("/console/channels?" + urlencode({"notice": f"{channel.code} archived"}))

    async def qr(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        channel = await self._channel(request)
        if not channel.qr_url:  # not created on the platform yet: nothing to draw
            raise web.HTTPNotFound()
        return qr_response(channel, request.match_info["fmt"])

    async def report_csv(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        try:
            start, end = report_period(request.query, ctx.clock.now().astimezone(CHINA).date())
        except ValueError as exc:
            return redirect("/console/channels?" + urlencode({"error": str(exc)}))
        return csv_response(report_csv(await channel_report(start, end)), f"channels-{start}-{end}.csv")

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
        lead = await visible_lead(ctx.actor, int(request.match_info["lead_id"]))
        if lead is None:
            raise web.HTTPNotFound()
        await erase(lead, ctx.clock.now(), "console")
        await ctx.audit("lead.erase", target_type="lead", target_id=lead.id)
        return redirect(f"/console/leads/{lead.id}?saved=1")

def register_console(console: Console, bot) -> None:
    """Add the channel pages and endpoints (``bot`` gives the WeCom/WeChat clients)."""
    console.catalogue.add(MESSAGES)
    console.add_templates(HERE / "templates")
    console.add_section("channels", "nav.channels", "channels.read")
    pages = ChannelPages(bot)
    page = console.add_page
    common = dict(section="channels", title="channels.title")
    page("/channels", pages.list, template="onboarding_channels.html", permission="channels.read", **common)
    page("/channels", pages.create, template="", permission="channels.write", methods=("POST",), **common)
    console.add_dashboard_panel("onboarding_dashboard.html", new_leads_panel, permission="channels.read")
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
    from .api import register_api

    register_api(console, bot)
