"""The FAQ in the console and the API: entries (list, edit, import, export), the review
inbox with its actions, statistics with a chart and a CSV export, the group auto-reply rules,
and the chat-toolbar page listing open suggestions for the current chat.

Wire with ``register_console(console)`` after ``setup_console``."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlencode

from aiohttp import web

from console import ApiCall, ApiError, Console, PageContext, Param
from console.chart import bar_chart_svg
from console.web import redirect
from faq import CATEGORIES, SCOPES, FaqFileError, entry_from_record, entry_to_record, export_faq_file, parse_faq_file
from handlers.faq import group_rules, review, settings as faq_settings, suggestions
from handlers.faq.hits import hit_summary
from handlers.faq.jssdk import AgentTicket, agent_config
from handlers.faq.store import all_entries, save_entries
from models import FaqEntryRecord, FaqGroupSetting, FaqHit, FaqSettings

HERE = Path(__file__).parent
MAX_IMPORT_CHARS = 5 * 1024 * 1024
STATS_DAYS = 30
MESSAGES = {
    "zh": {
        "faq.inbox": "待处理问题", "faq.entries": "问答条目", "faq.stats": "问答统计", "faq.toolbar": "FAQ 建议",
        "faq.entry": "问答条目", "faq.import": "导入", "faq.settings": "工作时间与转人工", "faq.save": "保存",
        "faq.inbox.help": "机器人没答上、没把握或客户不满意的问题，相似的已归为一组，一次处理一组。",
        "faq.inbox.empty": "没有待处理的问题。", "faq.inbox.done": "已处理 {n} 个问题",
        "faq.negative": "差评", "faq.likely": "最可能的条目：",
        "faq.outcome.answer": "已回答", "faq.outcome.clarify": "已追问", "faq.outcome.miss": "未回答",
        "faq.action.attach": "作为该条目的问法", "faq.action.correct": "回答正确", "faq.action.ignore": "忽略",
        "faq.action.create": "新建条目",
        "faq.field.id": "编号", "faq.field.question": "问题", "faq.field.variants": "其他问法（每行一个）",
        "faq.field.keywords": "关键词（逗号分隔）", "faq.field.answer": "回答", "faq.field.category": "分类",
        "faq.field.scope": "适用范围", "faq.field.active": "启用",
        "faq.category.product": "产品", "faq.category.service_delivery": "服务与交付",
        "faq.category.customer_service": "客户服务", "faq.category.other": "其他", "faq.category.unanswered": "未回答",
        "faq.scope.single": "单聊", "faq.scope.group": "群聊", "faq.scope.both": "单聊和群聊",
        "faq.answer.help": "回答可使用 {{ customer_name }}、{{ company }}、{{ business_hours }}、{{ next_open }} 等变量。",
        "faq.updated": "{who} 于 {when} 修改",
        "faq.download": "下载：", "faq.group_rules": "客户群自动回复规则（CSV）",
        "faq.import.help": "YAML 或 JSONL，按编号新建或更新；文件有任何问题时不做任何修改。",
        "faq.import.refused": "文件有问题，未做任何修改：",
        "faq.import.result": "新建 {created} 条，更新 {updated} 条，未变 {unchanged} 条",
        "faq.rates": "提问 {asked} 次 · 回答率 {answer}% · 追问率 {clarify}% · 未回答 {miss}% · 差评 {negative}%",
        "faq.suggestion_rates": "一键回复建议 {count} 条 · 已发送 {sent} 条 · 从提问到建议 中位 {p50} 秒，90% {p90} 秒",
        "faq.chart.asked": "每天的提问", "faq.chart.missed": "每天未回答的提问", "faq.csv": "导出全部记录（CSV）",
        "faq.col.asked": "提问", "faq.top_entries": "最常用的条目", "faq.top_unanswered": "最常见的未回答问题",
        "faq.settings.hours": "工作时间（北京时间）", "faq.settings.opens": "上班", "faq.settings.closes": "下班",
        "faq.settings.holidays": "节假日（每行一个：2026-10-01 国庆节）", "faq.settings.workdays": "调休上班日（每行一个）",
        "faq.settings.servicers": "微信客服转人工的接待人员（每行一个：open_kfid:userid）",
        "faq.settings.notify": "公众号客户要人工时通知（userid，逗号分隔）",
        "faq.settings.groups": "内部群（每行一个：群 chat_id 每分钟最多回答数 [unmentioned 表示无需@即可回答关键词问题]）",
        "faq.toolbar.no_chat": "请从客户群或客户单聊的聊天工具栏打开本页。", "faq.toolbar.none": "当前会话没有待发送的建议。",
        "faq.toolbar.send": "发送", "faq.choose_entry": "— 选择条目 —",
    },
    "en": {
        "faq.inbox": "Review inbox", "faq.entries": "FAQ entries", "faq.stats": "FAQ statistics",
        "faq.toolbar": "FAQ suggestions", "faq.entry": "FAQ entry", "faq.import": "Import",
        "faq.settings": "Hours and hand-over", "faq.save": "Save",
        "faq.inbox.help": "Questions the bot missed, was unsure about or got negative feedback on; similar ones are grouped so one action resolves a group.",
        "faq.inbox.empty": "Nothing to review.", "faq.inbox.done": "{n} questions resolved",
        "faq.negative": "negative", "faq.likely": "likeliest entry:",
        "faq.outcome.answer": "answered", "faq.outcome.clarify": "clarified", "faq.outcome.miss": "missed",
        "faq.action.attach": "Attach as a wording of this entry", "faq.action.correct": "Mark correct",
        "faq.action.ignore": "Ignore", "faq.action.create": "New entry",
        "faq.field.id": "Id", "faq.field.question": "Question", "faq.field.variants": "Other wordings (one per line)",
        "faq.field.keywords": "Keywords (comma-separated)", "faq.field.answer": "Answer", "faq.field.category": "Category",
        "faq.field.scope": "Where it answers", "faq.field.active": "Active",
        "faq.category.product": "Product", "faq.category.service_delivery": "Service and delivery",
        "faq.category.customer_service": "Customer service", "faq.category.other": "Other",
        "faq.category.unanswered": "Unanswered",
        "faq.scope.single": "1:1 chats", "faq.scope.group": "Groups", "faq.scope.both": "1:1 chats and groups",
        "faq.answer.help": "Answers may use {{ customer_name }}, {{ company }}, {{ business_hours }}, {{ next_open }} and more.",
        "faq.updated": "changed by {who} at {when}",
        "faq.download": "Download:", "faq.group_rules": "customer-group auto-reply rules (CSV)",
        "faq.import.help": "YAML or JSONL, created or updated by id; nothing changes when the file has any problem.",
        "faq.import.refused": "The file has problems; nothing was changed:",
        "faq.import.result": "{created} created, {updated} updated, {unchanged} unchanged",
        "faq.rates": "{asked} questions · answered {answer}% · clarified {clarify}% · missed {miss}% · negative {negative}%",
        "faq.suggestion_rates": "{count} one-click suggestions · {sent} sent · question to suggestion median {p50} s, 90% {p90} s",
        "faq.chart.asked": "Questions per day", "faq.chart.missed": "Missed questions per day", "faq.csv": "Export every decision (CSV)",
        "faq.col.asked": "asked", "faq.top_entries": "Most used entries", "faq.top_unanswered": "Most asked unanswered questions",
        "faq.settings.hours": "Business hours (China time)", "faq.settings.opens": "Opens", "faq.settings.closes": "Closes",
        "faq.settings.holidays": "Holidays (one per line: 2026-10-01 National Day)",
        "faq.settings.workdays": "Extra working days (one per line)",
        "faq.settings.servicers": "微信客服 receptionists for hand-over (one per line: open_kfid:userid)",
        "faq.settings.notify": "Tell about official-account hand-overs (userids, comma-separated)",
        "faq.settings.groups": "Internal groups (one per line: chat_id answers-a-minute [unmentioned: keyword answers without an @-mention])",
        "faq.toolbar.no_chat": "Open this page from the chat toolbar of a customer group or 1:1 chat.",
        "faq.toolbar.none": "No open suggestions for this chat.", "faq.toolbar.send": "Send",
        "faq.choose_entry": "— choose an entry —",
    },
}
ENTRY_BODY = {"type": "object", "properties": {
    "question": {"type": "string", "maxLength": 500}, "answer": {"type": "string", "maxLength": 4000},
    "category": {"type": "string", "maxLength": 32}, "scope": {"type": "string", "enum": list(SCOPES)},
    "variants": {"type": "array", "maxItems": 500, "items": {"type": "string", "maxLength": 500}},
    "keywords": {"type": "array", "maxItems": 100, "items": {"type": "string", "maxLength": 500}},
    "rules": {"type": "array", "maxItems": 50, "items": {"type": "object"}},
    "active": {"type": "boolean"}}, "required": ["question", "answer"]}
ACTION_BODY = {"type": "object", "properties": {
    "action": {"type": "string", "enum": list(review.ACTIONS)},
    "hit_ids": {"type": "array", "maxItems": 2000, "items": {"type": "integer"}},
    "entry_id": {"type": "string", "maxLength": 64}, "entry": {"type": "object"}}, "required": ["action", "hit_ids"]}
IMPORT_BODY = {"type": "object", "properties": {
    "format": {"type": "string", "enum": ["yaml", "jsonl"]}, "content": {"type": "string", "maxLength": MAX_IMPORT_CHARS}},
    "required": ["format", "content"]}
SETTINGS_BODY = {"type": "object", "properties": {
    "opens": {"type": "string", "maxLength": 5}, "closes": {"type": "string", "maxLength": 5},
    "weekdays": {"type": "array", "maxItems": 7, "items": {"type": "integer"}},
    "holidays": {"type": "array", "maxItems": 200}, "workdays": {"type": "array", "maxItems": 200},
    "kf_servicers": {"type": "object"}, "notify_userids": {"type": "array", "maxItems": 100, "items": {"type": "string"}}}}
GROUP_BODY = {"type": "object", "properties": {
    "answer_without_mention": {"type": "boolean"}, "answers_per_minute": {"type": "integer", "minimum": 0, "maximum": 60}}}
STATUS_BODY = {"type": "object", "properties": {"status": {"type": "string", "enum": ["sent", "dismissed"]}}, "required": ["status"]}


def _csv(text: str, name: str) -> web.Response:
    return web.Response(body=text.encode("utf-8"), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _by(actor) -> str:
    return actor.label[:64]


# --- shared logic ------------------------------------------------------------------------------


async def save_one(entry_id: str, fields: Mapping[str, Any], by: str) -> dict:
    """Validate and store one entry; ValueError lists the problems."""
    entry, problems = entry_from_record({**fields, "id": entry_id})
    if problems:
        raise ValueError("; ".join(problems))
    await save_entries([entry], by)
    return entry_to_record(entry)


async def import_text(content: str, fmt: str, by: str) -> dict[str, int]:
    """Import a whole file: validated first, nothing changes on any problem (FaqFileError)."""
    return await save_entries(parse_faq_file(content, fmt), by)


async def run_action(body: Mapping[str, Any], by: str) -> dict[str, Any]:
    action, ids = body["action"], list(body["hit_ids"])
    if action == "attach":
        entry = await review.attach_variants(ids, str(body.get("entry_id", "")), by)
        return {"action": action, "entry": entry_to_record(entry)}
    if action == "create":
        entry = await review.create_entry(ids, dict(body.get("entry") or {}), by)
        return {"action": action, "entry": entry_to_record(entry)}
    return {"action": action, "closed": await review.close_hits(ids, action, by)}


# --- API ---------------------------------------------------------------------------------------


class FaqApi:
    async def entries(self, call: ApiCall) -> dict:
        return {"items": [entry_to_record(e) for e in await all_entries()]}

    async def entry(self, call: ApiCall) -> dict:
        entry_id = call.request.match_info["entry_id"]
        row = await FaqEntryRecord.get_or_none(id=entry_id)
        if row is None:
            raise ApiError(404, "not_found", f"no FAQ entry {entry_id!r}")
        return {**review.record_fields(row), "updated_by": row.updated_by, "updated_at": row.updated_at.isoformat()}

    async def put_entry(self, call: ApiCall) -> dict:
        entry_id = call.request.match_info["entry_id"]
        try:
            record = await save_one(entry_id, call.body, _by(call.actor))
        except ValueError as exc:
            raise ApiError(400, "invalid_entry", str(exc)) from None
        await call.audit("faq.entry.save", target_type="faq_entry", target_id=entry_id, after=record)
        return record

    async def import_file(self, call: ApiCall) -> dict:
        try:
            counts = await import_text(call.body["content"], call.body["format"], _by(call.actor))
        except FaqFileError as exc:
            raise ApiError(400, "invalid_file", "nothing was changed: " + "; ".join(map(str, exc.errors))) from None
        await call.audit("faq.import", target_type="faq", after=counts)
        return counts

    async def export_file(self, call: ApiCall) -> web.Response:
        fmt = call.params.get("format") or "jsonl"
        return web.Response(text=export_faq_file(await all_entries(), fmt), content_type="text/plain", charset="utf-8")

    async def inbox(self, call: ApiCall) -> dict:
        return {"clusters": [c.as_dict() for c in await review.inbox()]}

    async def act(self, call: ApiCall) -> dict:
        try:
            result = await run_action(call.body, _by(call.actor))
        except review.ReviewError as exc:
            raise ApiError(400, "invalid_action", str(exc)) from None
        await call.audit(f"faq.review.{call.body['action']}", target_type="faq_hits",
                         target_id=",".join(map(str, call.body["hit_ids"]))[:200], after=result)
        return result

    async def hits(self, call: ApiCall) -> dict:
        limit = call.params.get("limit") or 100
        return {"items": [hit_summary(h) for h in await FaqHit.all().order_by("-id").limit(limit)]}

    async def stats(self, call: ApiCall) -> dict:
        return await review.statistics(call.clock.now(), call.params.get("days") or STATS_DAYS)

    async def hits_csv(self, call: ApiCall) -> web.Response:
        return _csv(await review.hits_csv(), "faq-hits.csv")

    async def group_rules(self, call: ApiCall) -> dict:
        return {"rules": group_rules.auto_reply_rules(await all_entries(active_only=True))}

    async def suggestions(self, call: ApiCall) -> dict:
        rows = await suggestions.open_suggestions(call.params["chat_id"])
        return {"items": [_suggestion(s) for s in rows]}

    async def close_suggestion(self, call: ApiCall) -> dict:
        row = await suggestions.close_suggestion(int(call.request.match_info["suggestion_id"]), call.body["status"], call.clock.now())
        if row is None:
            raise ApiError(404, "not_found", "no such suggestion")
        return _suggestion(row)


    async def get_settings(self, call: ApiCall) -> dict:
        return faq_settings.settings_json(await FaqSettings.get_or_none(id=1))

    async def put_settings(self, call: ApiCall) -> dict:
        try:
            saved = await faq_settings.save_settings(call.body, _by(call.actor))
        except faq_settings.SettingsError as exc:
            raise ApiError(400, "invalid_settings", str(exc)) from None
        await call.audit("faq.settings", target_type="faq_settings", after=saved)
        return saved

    async def groups(self, call: ApiCall) -> dict:
        return {"items": [_group(g) for g in await FaqGroupSetting.all().order_by("chat_id")]}

    async def put_group(self, call: ApiCall) -> dict:
        chat_id = call.request.match_info["chat_id"][:128]
        fields = {k: v for k, v in call.body.items() if k in GROUP_BODY["properties"]}
        row, _ = await FaqGroupSetting.update_or_create(defaults=fields, chat_id=chat_id)
        await call.audit("faq.group", target_type="group", target_id=chat_id, after=call.body)
        return _group(row)


def _group(g: FaqGroupSetting) -> dict:
    return {"chat_id": g.chat_id, "answer_without_mention": g.answer_without_mention, "answers_per_minute": g.answers_per_minute}


def _suggestion(s) -> dict:
    return {"id": s.id, "chat_id": s.chat_id, "chat_kind": s.chat_kind, "staff_userid": s.staff_userid,
            "customer": s.customer, "question": s.question, "entry_id": s.entry_id, "answer": s.answer,
            "status": s.status, "asked_at": s.asked_at.isoformat(), "suggested_at": s.suggested_at.isoformat(),
            "latency_ms": s.latency_ms}


# --- pages -------------------------------------------------------------------------------------


def _lines(value: Any) -> list[str]:
    return [line.strip() for line in str(value or "").replace("\r", "").split("\n") if line.strip()]


def _words(value: Any) -> list[str]:
    return [w.strip() for w in str(value or "").replace("，", ",").split(",") if w.strip()]


def entry_form_fields(form: Mapping[str, Any], current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Entry fields from the console form (variants one per line, keywords comma-separated)."""
    return {
        "question": str(form.get("question", "")).strip(), "answer": str(form.get("answer", "")).strip(),
        "category": str(form.get("category", "other")).strip() or "other",
        "scope": str(form.get("scope", "both")), "variants": _lines(form.get("variants")),
        "keywords": _words(form.get("keywords")), "active": bool(form.get("active")),
        "rules": list((current or {}).get("rules", [])),
    }


def body_entry(form: Mapping[str, Any]) -> str:
    return str(form.get("entry_id", "")).strip()


class FaqPages:
    def __init__(self, bot: Any, ticket: AgentTicket) -> None:
        self.bot = bot
        self.ticket = ticket

    async def inbox(self, request: web.Request, ctx: PageContext) -> dict:
        clusters = await review.inbox()
        return {"clusters": [{**c.as_dict(), "prefill": review.prefill(c)} for c in clusters[:100]],
                "entries": [(e.id, e.question) for e in await all_entries(active_only=True)],
                "categories": CATEGORIES, "can_edit": ctx.actor.can("faq.write"),
                "error": request.query.get("error", "")[:500], "notice": request.query.get("notice", "")[:300]}

    async def act(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        form = await ctx.form()
        ids = [int(i) for i in str(form.get("hit_ids", "")).split(",") if i.strip().isdigit()]
        action = str(form.get("action", ""))
        if action not in review.ACTIONS:
            return redirect("/console/faq?" + urlencode({"error": "choose an action"}))
        if action == "attach" and not body_entry(form):
            return redirect("/console/faq?" + urlencode({"error": ctx.t("faq.choose_entry")}))
        body: dict[str, Any] = {"action": action, "hit_ids": ids, "entry_id": str(form.get("entry_id", "")).strip()}
        if action == "create":
            body["entry"] = {"id": str(form.get("new_id", "")).strip(), **entry_form_fields({**form, "active": "1"})}
        try:
            await run_action(body, _by(ctx.actor))
        except review.ReviewError as exc:
            return redirect("/console/faq?" + urlencode({"error": str(exc)}))
        await ctx.audit(f"faq.review.{action}", target_type="faq_hits", target_id=",".join(map(str, ids))[:200])
        return redirect("/console/faq?" + urlencode({"notice": f"{len(ids)}"}))

    async def entries(self, request: web.Request, ctx: PageContext) -> dict:
        return {"entries": [entry_to_record(e) for e in await all_entries()], "can_edit": ctx.actor.can("faq.write"),
                "problems": [], "counts": None, "notice": request.query.get("notice", "")[:300]}

    async def import_page(self, request: web.Request, ctx: PageContext) -> dict:
        form = await ctx.form()
        upload = form.get("file")
        raw = upload.file.read(MAX_IMPORT_CHARS + 1) if hasattr(upload, "file") else str(form.get("content", "")).encode()
        fmt = str(form.get("format", "yaml"))
        context = await self.entries(request, ctx)
        if len(raw) > MAX_IMPORT_CHARS:
            return {**context, "problems": ["the file is larger than 5 MB; nothing was changed"]}
        try:
            counts = await import_text(raw.decode("utf-8-sig"), fmt, _by(ctx.actor))
        except UnicodeDecodeError:
            return {**context, "problems": ["the file is not UTF-8 text; nothing was changed"]}
        except FaqFileError as exc:
            return {**context, "problems": [str(p) for p in exc.errors]}
        await ctx.audit("faq.import", target_type="faq", after=counts)
        return {**(await self.entries(request, ctx)), "counts": counts}

    async def entry(self, request: web.Request, ctx: PageContext) -> dict:
        entry_id = request.match_info["entry_id"]
        row = await FaqEntryRecord.get_or_none(id=entry_id)
        record = review.record_fields(row) if row else {"id": entry_id, "question": "", "answer": "", "variants": [],
                                                        "keywords": [], "category": "other", "scope": "both", "active": True}
        categories = CATEGORIES + ((record["category"],) if record["category"] not in CATEGORIES else ())
        return {"entry": record, "exists": row is not None, "categories": categories, "scopes": SCOPES,
                "can_edit": ctx.actor.can("faq.write"), "error": request.query.get("error", "")[:500],
                "updated": (row.updated_by, row.updated_at) if row else None}

    async def save_entry(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        entry_id = request.match_info["entry_id"]
        row = await FaqEntryRecord.get_or_none(id=entry_id)
        fields = entry_form_fields(await ctx.form(), review.record_fields(row) if row else None)
        try:
            record = await save_one(entry_id, fields, _by(ctx.actor))
        except ValueError as exc:
            return redirect(f"/console/faq/entries/{entry_id}?" + urlencode({"error": str(exc)}))
        await ctx.audit("faq.entry.save", target_type="faq_entry", target_id=entry_id, after=record)
        return redirect("/console/faq/entries?" + urlencode({"notice": entry_id}))

    async def stats(self, request: web.Request, ctx: PageContext) -> dict:
        data = await review.statistics(ctx.clock.now(), STATS_DAYS)
        points = [(d["day"][5:], d["asked"]) for d in data["per_day"]]
        missed = [(d["day"][5:], d["missed"]) for d in data["per_day"]]
        return {"stats": data, "chart": bar_chart_svg(points, title=ctx.t("faq.stats")),
                "miss_chart": bar_chart_svg(missed, title="miss")}

    async def hits_csv(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        since = ctx.clock.now() - timedelta(days=365)
        return _csv(await review.hits_csv(since), "faq-hits.csv")

    async def settings(self, request: web.Request, ctx: PageContext) -> dict:
        return {"settings": faq_settings.settings_json(await FaqSettings.get_or_none(id=1)),
                "groups": [_group(g) for g in await FaqGroupSetting.all().order_by("chat_id")],
                "can_edit": ctx.actor.can("faq.write"), "error": request.query.get("error", "")[:300],
                "saved": request.query.get("saved") == "1"}

    async def save_settings(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        form = await ctx.form()
        try:
            saved = await faq_settings.save_settings(faq_settings.form_settings(form), _by(ctx.actor))
            await _save_groups(str(form.get("groups", "")))
        except faq_settings.SettingsError as exc:
            return redirect("/console/faq/settings?" + urlencode({"error": str(exc)}))
        await ctx.audit("faq.settings", target_type="faq_settings", after=saved)
        return redirect("/console/faq/settings?saved=1")

    async def export(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        fmt = request.match_info["fmt"]
        text = export_faq_file(await all_entries(), fmt)
        return web.Response(body=text.encode("utf-8"), content_type="text/plain", charset="utf-8",
                            headers={"Content-Disposition": f'attachment; filename="faq.{fmt}"'})

    async def group_rules_csv(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        rules = group_rules.auto_reply_rules(await all_entries(active_only=True))
        return _csv(group_rules.rules_csv(rules), "faq-group-auto-reply.csv")

    async def toolbar(self, request: web.Request, ctx: PageContext) -> dict:
        chat_id = request.query.get("chat_id", "")[:128]
        mine = ctx.actor.wecom_userid if ctx.actor.wecom_userid else None
        rows = await suggestions.open_suggestions(chat_id, mine) if chat_id else []
        config = await agent_config(getattr(self.bot, "wecom", None), self.ticket, str(request.url))
        return {"chat_id": chat_id, "items": [_suggestion(s) for s in rows], "agent_config": config}

    async def toolbar_close(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        form = await ctx.form()
        status = "sent" if form.get("status") == "sent" else "dismissed"
        row = await suggestions.close_suggestion(int(request.match_info["suggestion_id"]), status, ctx.clock.now())
        chat = row.chat_id if row else ""
        return redirect("/console/faq/toolbar?" + urlencode({"chat_id": chat}))


async def _save_groups(text: str) -> None:
    """Group lines ``<chat_id> <answers a minute> [unmentioned]``; groups not listed go back
    to the defaults (answer only when @-mentioned, 3 a minute)."""
    rows = []
    for line in text.replace("\r", "").split("\n"):
        parts = line.split()
        if not parts:
            continue
        if len(parts) < 2 or not parts[1].isdigit() or int(parts[1]) > 60 or len(parts[0]) > 128:
            raise faq_settings.SettingsError(f"group line {line.strip()!r}: write <chat_id> <answers a minute, 0-60> [unmentioned]")
        rows.append((parts[0], int(parts[1]), "unmentioned" in parts[2:]))
    await FaqGroupSetting.exclude(chat_id__in=[r[0] for r in rows]).delete()
    for chat_id, per_minute, unmentioned in rows:
        await FaqGroupSetting.update_or_create(
            defaults={"answers_per_minute": per_minute, "answer_without_mention": unmentioned}, chat_id=chat_id)


def register_console(console: Console, bot: Any = None) -> None:
    """Add the FAQ pages (section faq) and API endpoints (tag faq); ``bot`` gives the WeCom
    client the chat-toolbar page signs its JS-SDK config with."""
    console.catalogue.add(MESSAGES)
    console.add_templates(HERE / "templates")
    pages, page = FaqPages(bot, AgentTicket(console.clock)), console.add_page
    console.app.router.add_static("/console/faq/static", HERE / "static")
    common = dict(section="faq")
    page("/faq", pages.inbox, template="faq_inbox.html", title="faq.inbox", permission="faq.read", **common)
    page("/faq", pages.act, template="", title="faq.inbox", permission="faq.write", methods=("POST",), **common)
    page("/faq/entries", pages.entries, template="faq_entries.html", title="faq.entries", permission="faq.read", **common)
    page("/faq/entries", pages.import_page, template="faq_entries.html", title="faq.entries", permission="faq.write",
         methods=("POST",), **common)
    page("/faq/export.{fmt:yaml|jsonl}", pages.export, template="", title="faq.entries", permission="faq.read", **common)
    page("/faq/group-rules.csv", pages.group_rules_csv, template="", title="faq.entries", permission="faq.read", **common)
    page("/faq/entries/{entry_id}", pages.entry, template="faq_entry.html", title="faq.entry", permission="faq.read", **common)
    page("/faq/entries/{entry_id}", pages.save_entry, template="", title="faq.entry", permission="faq.write",
         methods=("POST",), **common)
    page("/faq/stats", pages.stats, template="faq_stats.html", title="faq.stats", permission="faq.read", **common)
    page("/faq/hits.csv", pages.hits_csv, template="", title="faq.stats", permission="faq.read", **common)
    page("/faq/settings", pages.settings, template="faq_settings.html", title="faq.settings", permission="faq.read", **common)
    page("/faq/settings", pages.save_settings, template="", title="faq.settings", permission="faq.write",
         methods=("POST",), **common)
    page("/faq/toolbar", pages.toolbar, template="faq_toolbar.html", title="faq.toolbar", permission="faq.read", **common)
    page("/faq/toolbar/{suggestion_id:\\d+}", pages.toolbar_close, template="", title="faq.toolbar",
         permission="faq.read", methods=("POST",), **common)
    _register_api(console, FaqApi())


def _register_api(console: Console, api: FaqApi) -> None:
    add = console.add_endpoint
    entry_id = Param("entry_id", description="The entry's id", required=True, location="path")
    add("GET", "/faq/entries", api.entries, permission="faq.read", tag="faq", summary="List FAQ entries")
    add("GET", "/faq/entries/{entry_id}", api.entry, permission="faq.read", tag="faq", summary="A FAQ entry", params=(entry_id,))
    add("PUT", "/faq/entries/{entry_id}", api.put_entry, permission="faq.write", tag="faq", params=(entry_id,),
        body=ENTRY_BODY, summary="Create or replace a FAQ entry (validated; the index refreshes at once)")
    add("POST", "/faq/import", api.import_file, permission="faq.write", tag="faq", body=IMPORT_BODY,
        summary="Import a YAML or JSONL file: idempotent by id, nothing changes when any entry is invalid")
    add("GET", "/faq/export", api.export_file, permission="faq.read", tag="faq", summary="Export every entry",
        params=(Param("format", enum=("yaml", "jsonl"), default="jsonl"),))
    add("GET", "/faq/inbox", api.inbox, permission="faq.read", tag="faq",
        summary="The review inbox: misses, low-confidence and negatively rated answers, clustered")
    add("POST", "/faq/inbox/actions", api.act, permission="faq.write", tag="faq", body=ACTION_BODY,
        summary="Resolve questions: attach as variants, create an entry, mark correct, ignore")
    add("GET", "/faq/hits", api.hits, permission="faq.read", tag="faq", summary="The latest FAQ decisions",
        params=(Param("limit", "integer", minimum=1, maximum=1000, default=100),))
    add("GET", "/faq/hits.csv", api.hits_csv, permission="faq.read", tag="faq", summary="Every FAQ decision as CSV")
    add("GET", "/faq/stats", api.stats, permission="faq.read", tag="faq",
        summary="Answer, clarify, miss and negative-feedback rates per day and category; top entries and unanswered questions",
        params=(Param("days", "integer", minimum=1, maximum=365, default=STATS_DAYS),))
    add("GET", "/faq/group-rules", api.group_rules, permission="faq.read", tag="faq",
        summary="The keyword FAQ as WeCom customer-group auto-reply rules")
    add("GET", "/faq/settings", api.get_settings, permission="faq.read", tag="faq",
        summary="Business hours, holidays and hand-over targets")
    add("PUT", "/faq/settings", api.put_settings, permission="faq.write", tag="faq", body=SETTINGS_BODY,
        summary="Change business hours, holidays and hand-over targets")
    add("GET", "/faq/groups", api.groups, permission="faq.read", tag="faq", summary="How the robot may answer in internal groups")
    add("PUT", "/faq/groups/{chat_id}", api.put_group, permission="faq.write", tag="faq", body=GROUP_BODY,
        params=(Param("chat_id", required=True, location="path"),),
        summary="Answer without an @-mention (keyword rules only) and the answers a minute in one group")
    add("GET", "/faq/suggestions", api.suggestions, permission="faq.read", tag="faq",
        summary="Open one-click suggestions for a chat", params=(Param("chat_id", required=True),))
    add("POST", "/faq/suggestions/{suggestion_id}", api.close_suggestion, permission="faq.read", tag="faq",
        body=STATUS_BODY, summary="Mark a suggestion sent or dismissed", extra_statuses=(404,),
        params=(Param("suggestion_id", "integer", required=True, location="path", minimum=1),))
