"""Onboarding in the REST API (/api/v1): channels, their QR codes and report, CRM import and
erasing a lead's details; added by ``register_console``."""
from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.api.errors import ApiError as PlatformApiError
from console.kit import ApiCall, ApiError, Console, Param
from leads.queries import visible_lead
from leads.crm import CrmFileError
from models import Channel

from leads.crm_store import import_crm_csv
from leads.profiles import onboarding_json

from ..channels import KINDS, PLATFORMS, ChannelError, channel_spec_of, parse_spec
from ..consent import erase
from ..report import channel_report, report_csv
from .pages import CHINA, MAX_CSV, channel_json, channel_service, csv_response, qr_response, report_period

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
            channel = await channel_service(self.bot).create(parse_spec(call.body))
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
            await channel_service(self.bot).update(channel, parse_spec(fields))
        except ChannelError as exc:
            raise ApiError(400, "invalid_channel", str(exc)) from None
        except PlatformApiError as exc:
            raise ApiError(502, "platform_refused", str(exc)) from None
        await call.audit("channel.update", target_type="channel", target_id=channel.code, before=current, after=call.body)
        return await channel_json(channel)

    async def archive(self, call: ApiCall) -> None:
        channel = await self._channel(call)
        await channel_service(self.bot).archive(channel)
        await call.audit("channel.archive", target_type="channel", target_id=channel.code)

    async def qr(self, call: ApiCall) -> web.Response:
        return qr_response(await self._channel(call), call.params.get("format") or "png")

    async def report(self, call: ApiCall) -> Any:
        today = call.clock.now().astimezone(CHINA).date()
        query = {k: v.isoformat() for k, v in (("from", call.params.get("from")), ("to", call.params.get("to"))) if v}
        try:
            start, end = report_period(query, today)
        except ValueError as exc:
            raise ApiError(400, "invalid_period", str(exc)) from None
        rows = await channel_report(start, end)
        if call.params.get("format") == "csv":
            return csv_response(report_csv(rows), f"channels-{start}-{end}.csv")
        return {"from": start.isoformat(), "to": end.isoformat(), "items": [r.json() for r in rows]}

    async def crm_import(self, call: ApiCall) -> dict[str, Any]:
        try:
            result = await import_crm_csv(call.body["csv"])
        except CrmFileError as exc:
            raise ApiError(400, "invalid_csv", str(exc)) from None
        await call.audit("crm.import", target_type="crm", after=result.__dict__)
        return result.__dict__

    async def lead_onboarding(self, call: ApiCall) -> dict[str, Any]:
        lead = await visible_lead(call.actor, call.params["lead_id"])
        if lead is None:
            raise ApiError(404, "not_found", "no such lead")
        return await onboarding_json(lead)

    async def erase_lead(self, call: ApiCall) -> None:
        lead = await visible_lead(call.actor, call.params["lead_id"])
        if lead is None:
            raise ApiError(404, "not_found", "no such lead")
        await erase(lead, call.clock.now(), "api")
        await call.audit("lead.erase", target_type="lead", target_id=lead.id)

def register_api(console: Console, bot) -> None:
    api = ChannelApi(bot)
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
    lead_id = Param("lead_id", "integer", "Lead id", location="path", required=True, minimum=1, maximum=2**31 - 1)
    add("GET", "/leads/{lead_id}/onboarding", api.lead_onboarding, permission="leads.read", tag="leads", params=(lead_id,),
        summary="A lead's touches, CRM match (existing_account, known_contact, new), consent, lost and referrals")
    add("POST", "/leads/{lead_id}/erase", api.erase_lead, permission="leads.write", tag="leads", status=204,
        params=(lead_id,), summary="Erase a lead's personal details (PIPL), keeping anonymous counts")
