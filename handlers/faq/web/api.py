"""The FAQ API (``/api/v1/faq/...``) and the logic it shares with the console pages: saving
an entry, importing a file, resolving review-inbox questions."""
from __future__ import annotations

from typing import Any, Mapping

from aiohttp import web

from console.kit import ApiCall, ApiError, Console, Param
from faq import SCOPES, FaqFileError, entry_from_record, entry_to_record, export_faq_file, parse_faq_file
from handlers.faq import group_rules, options as faq_options, review, suggestions
from handlers.faq.hits import hit_summary
from handlers.faq.store import all_entries, save_entries
from models import FaqEntryRecord, FaqGroupSetting, FaqHit, FaqSettings

MAX_IMPORT_CHARS = 5 * 1024 * 1024
STATS_DAYS = 30
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


def csv_response(text: str, name: str) -> web.Response:
    """A CSV download."""
    return web.Response(body=text.encode("utf-8"), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


def by_label(actor) -> str:
    """Who changed an entry, as the audit log names them."""
    return actor.label[:64]


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
            record = await save_one(entry_id, call.body, by_label(call.actor))
        except ValueError as exc:
            raise ApiError(400, "invalid_entry", str(exc)) from None
        await call.audit("faq.entry.save", target_type="faq_entry", target_id=entry_id, after=record)
        return record

    async def import_file(self, call: ApiCall) -> dict:
        try:
            counts = await import_text(call.body["content"], call.body["format"], by_label(call.actor))
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
            result = await run_action(call.body, by_label(call.actor))
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
        return csv_response(await review.hits_csv(), "faq-hits.csv")

    async def group_rules(self, call: ApiCall) -> dict:
        return {"rules": group_rules.auto_reply_rules(await all_entries(active_only=True))}

    async def suggestions(self, call: ApiCall) -> dict:
        rows = await suggestions.open_suggestions(call.params["chat_id"])
        return {"items": [suggestion_json(s) for s in rows]}

    async def close_suggestion(self, call: ApiCall) -> dict:
        row = await suggestions.close_suggestion(int(call.request.match_info["suggestion_id"]), call.body["status"], call.clock.now())
        if row is None:
            raise ApiError(404, "not_found", "no such suggestion")
        return suggestion_json(row)


    async def get_settings(self, call: ApiCall) -> dict:
        return faq_options.settings_json(await FaqSettings.get_or_none(id=1))

    async def put_settings(self, call: ApiCall) -> dict:
        try:
            saved = await faq_options.save_settings(call.body, by_label(call.actor))
        except faq_options.SettingsError as exc:
            raise ApiError(400, "invalid_settings", str(exc)) from None
        await call.audit("faq.settings", target_type="faq_settings", after=saved)
        return saved

    async def groups(self, call: ApiCall) -> dict:
        return {"items": [group_json(g) for g in await FaqGroupSetting.all().order_by("chat_id")]}

    async def put_group(self, call: ApiCall) -> dict:
        chat_id = call.request.match_info["chat_id"][:128]
        fields = {k: v for k, v in call.body.items() if k in GROUP_BODY["properties"]}
        row, _ = await FaqGroupSetting.update_or_create(defaults=fields, chat_id=chat_id)
        await call.audit("faq.group", target_type="group", target_id=chat_id, after=call.body)
        return group_json(row)


def group_json(g: FaqGroupSetting) -> dict:
    """A group's answering settings as the API shows them."""
    return {"chat_id": g.chat_id, "answer_without_mention": g.answer_without_mention, "answers_per_minute": g.answers_per_minute}


def suggestion_json(s) -> dict:
    """A one-click suggestion as the API and the toolbar page show it."""
    return {"id": s.id, "chat_id": s.chat_id, "chat_kind": s.chat_kind, "staff_userid": s.staff_userid,
            "customer": s.customer, "question": s.question, "entry_id": s.entry_id, "answer": s.answer,
            "status": s.status, "asked_at": s.asked_at.isoformat(), "suggested_at": s.suggested_at.isoformat(),
            "latency_ms": s.latency_ms}


def register_api(console: Console, api: FaqApi) -> None:
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
