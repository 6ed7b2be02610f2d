"""The FAQ console pages: the review inbox, entries (edit, import, export), statistics with
charts, settings, and the chat-toolbar page."""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Mapping
from urllib.parse import urlencode

from aiohttp import web

from console.kit import PageContext
from console.kit.chart import bar_chart_svg
from console.kit.web import redirect
from content.failures import failure_of
from faq import CATEGORIES, SCOPES, FaqFileError, entry_to_record, export_faq_file
from handlers.faq import calibration, group_rules, options as faq_options, review, suggestions, synonyms
from handlers.faq.web.api import (
    MAX_IMPORT_CHARS, STATS_DAYS, by_label, csv_response, group_json, import_text, run_action, save_one, suggestion_json,
)
from handlers.faq.web.jssdk import AgentTicket, agent_config
from handlers.faq.store import all_entries, answer_owner
from models import FaqEntryRecord, FaqGroupSetting, FaqSettings


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
        current = await calibration.current()
        clusters = await review.inbox(floor=current.thresholds.clarify, viewer=ctx.actor)
        return {"clusters": [{**c.as_dict(), "prefill": review.prefill(c)} for c in clusters[:100]],
                "estimate": await calibration.estimate(), "calibration": current,
                "entries": [(e.id, e.question) for e in await all_entries(active_only=True)],
                "categories": CATEGORIES, "can_edit": ctx.actor.can("faq.write"),
                "error": request.query.get("error", "")[:500], "notice": request.query.get("notice", "")[:300]}

    async def act(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        form = await ctx.form()
        ids = [int(i) for i in str(form.get("hit_ids", "")).split(",") if i.strip().isdigit() and len(i.strip()) <= 18]
        action = str(form.get("action", ""))
        if action not in review.ACTIONS:
            return redirect("/console/faq?" + urlencode({"error": "choose an action"}))
        if action == "attach" and not body_entry(form):
            return redirect("/console/faq?" + urlencode({"error": ctx.t("faq.choose_entry")}))
        body: dict[str, Any] = {"action": action, "hit_ids": ids, "entry_id": str(form.get("entry_id", "")).strip()}
        if action == "create":
            body["entry"] = {"id": str(form.get("new_id", "")).strip(), **entry_form_fields({**form, "active": "1"})}
        try:
            await run_action(body, by_label(ctx.actor))
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
            counts = await import_text(raw.decode("utf-8-sig"), fmt, by_label(ctx.actor))
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
        floor = (await calibration.current()).thresholds.clarify
        suggested = await review.suggested_variants(entry_id, floor) if row else []
        return {"entry": record, "exists": row is not None, "categories": categories, "scopes": SCOPES,
                "suggested": suggested,
                "can_edit": ctx.actor.can("faq.write"), "error": request.query.get("error", "")[:500],
                "updated": (row.updated_by, row.updated_at) if row else None,
                "template_failure": await failure_of(answer_owner(entry_id))}

    async def save_entry(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        entry_id = request.match_info["entry_id"]
        row = await FaqEntryRecord.get_or_none(id=entry_id)
        fields = entry_form_fields(await ctx.form(), review.record_fields(row) if row else None)
        try:
            record = await save_one(entry_id, fields, by_label(ctx.actor))
        except ValueError as exc:
            return redirect(f"/console/faq/entries/{entry_id}?" + urlencode({"error": str(exc)}))
        await ctx.audit("faq.entry.save", target_type="faq_entry", target_id=entry_id, after=record)
        return redirect("/console/faq/entries?" + urlencode({"notice": entry_id}))

    async def stats(self, request: web.Request, ctx: PageContext) -> dict:
        data = await review.statistics(ctx.clock.now(), STATS_DAYS, ctx.actor)
        points = [(d["day"][5:], d["asked"]) for d in data["per_day"]]
        missed = [(d["day"][5:], d["missed"]) for d in data["per_day"]]
        return {"stats": data, "chart": bar_chart_svg(points, title=ctx.t("faq.stats")),
                "miss_chart": bar_chart_svg(missed, title=ctx.t("faq.chart.missed"))}

    async def hits_csv(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        since = ctx.clock.now() - timedelta(days=365)
        return csv_response(await review.hits_csv(since, ctx.actor), "faq-hits.csv")

    async def settings(self, request: web.Request, ctx: PageContext) -> dict:
        return {"settings": faq_options.settings_json(await FaqSettings.get_or_none(id=1)),
                "groups": [group_json(g) for g in await FaqGroupSetting.all().order_by("chat_id")],
                "can_edit": ctx.actor.can("faq.write"), "error": request.query.get("error", "")[:300],
                "saved": request.query.get("saved") == "1"}

    async def save_settings(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        form = await ctx.form()
        try:
            saved = await faq_options.save_settings(faq_options.form_settings(form), by_label(ctx.actor))
            await _save_groups(str(form.get("groups", "")))
        except faq_options.SettingsError as exc:
            return redirect("/console/faq/settings?" + urlencode({"error": str(exc)}))
        await ctx.audit("faq.settings", target_type="faq_settings", after=saved)
        return redirect("/console/faq/settings?saved=1")

    async def synonyms(self, request: web.Request, ctx: PageContext) -> dict:
        return {**(await synonyms.synonyms_json()), "can_edit": ctx.actor.can("faq.write"),
                "error": request.query.get("error", "")[:500], "saved": request.query.get("saved") == "1"}

    async def save_synonyms(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        form = await ctx.form()
        try:
            groups = synonyms.groups_from({"text": str(form.get("text", ""))[:20000]})
        except synonyms.SynonymsError as exc:
            return redirect("/console/faq/synonyms?" + urlencode({"error": str(exc)}))
        await synonyms.save_synonyms(groups, by_label(ctx.actor))
        await ctx.audit("faq.synonyms", target_type="faq_settings", after={"groups": len(groups)})
        return redirect("/console/faq/synonyms?saved=1")

    async def export(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        fmt = request.match_info["fmt"]
        text = export_faq_file(await all_entries(), fmt)
        return web.Response(body=text.encode("utf-8"), content_type="text/plain", charset="utf-8",
                            headers={"Content-Disposition": f'attachment; filename="faq.{fmt}"'})

    async def group_rules_csv(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        rules = group_rules.auto_reply_rules(await all_entries(active_only=True))
        return csv_response(group_rules.rules_csv(rules), "faq-group-auto-reply.csv")

    async def toolbar(self, request: web.Request, ctx: PageContext) -> dict:
        chat_id = request.query.get("chat_id", "")[:128]
        mine = ctx.actor.wecom_userid if ctx.actor.wecom_userid else None
        rows = await suggestions.open_suggestions(chat_id, mine, ctx.actor) if chat_id else []
        config = await agent_config(getattr(self.bot, "wecom", None), self.ticket, str(request.url))
        return {"chat_id": chat_id, "items": [suggestion_json(s) for s in rows], "agent_config": config}

    async def toolbar_close(self, request: web.Request, ctx: PageContext) -> web.StreamResponse:
        form = await ctx.form()
        status = "sent" if form.get("status") == "sent" else "dismissed"
        row = await suggestions.close_suggestion(int(request.match_info["suggestion_id"]), status, ctx.clock.now(), ctx.actor)
        if row is None:
            raise web.HTTPNotFound()
        chat = row.chat_id
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
            raise faq_options.SettingsError(f"group line {line.strip()!r}: write <chat_id> <answers a minute, 0-60> [unmentioned]")
        rows.append((parts[0], int(parts[1]), "unmentioned" in parts[2:]))
    await FaqGroupSetting.exclude(chat_id__in=[r[0] for r in rows]).delete()
    for chat_id, per_minute, unmentioned in rows:
        await FaqGroupSetting.update_or_create(
            defaults={"answers_per_minute": per_minute, "answer_without_mention": unmentioned}, chat_id=chat_id)
