"""The behaviour log: every inbound event and every outbound message, tied to a lead with
the lead's channel attribution at that moment (``record_behaviour``), plus the middleware
and API hook that feed it."""
from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from bot.clock import Clock
from bot.dispatcher import Data, NextHandler
from bot.events import Event, Identity, IdentityKind
from bot.leads import find_lead
from models import BehaviourEvent, Lead

log = logging.getLogger(__name__)

INBOUND, OUTBOUND = "inbound", "outbound"

# API path → (behaviour kind, platform, identity kind of the recipient field)
OUTBOUND_APIS: dict[str, tuple[str, str, IdentityKind | None]] = {
    "/cgi-bin/message/send": ("app.message", "wecom", None),
    "/cgi-bin/kf/send_msg": ("kf.message", "wecom_kf", IdentityKind.EXTERNAL_USERID),
    "/cgi-bin/externalcontact/send_welcome_msg": ("welcome.message", "wecom", None),
    "/cgi-bin/externalcontact/add_msg_template": ("mass.message", "wecom", IdentityKind.EXTERNAL_USERID),
    "/cgi-bin/message/custom/send": ("account.message", "wechat", IdentityKind.OPENID),
}


def message_summary(payload: dict[str, Any]) -> dict[str, Any]:
    """What an outbound message said, short: its type and text."""
    msgtype = payload.get("msgtype", "text")
    out: dict[str, Any] = {"msg_type": msgtype}
    text = payload.get("text")
    if isinstance(text, dict) and "content" in text:
        out["text"] = text["content"]
    return out


class BehaviourLog:
    """Writes behaviour events. One instance per app (no module state)."""

    def __init__(self, clock: Clock, welcome_memory: int = 10_000) -> None:
        self.clock = clock
        self._welcome_leads: OrderedDict[str, int] = OrderedDict()
        self._welcome_memory = welcome_memory

    async def record_behaviour(
        self,
        *,
        lead: Lead | None,
        kind: str,
        direction: str,
        platform: str = "",
        actor: str = "",
        payload: dict[str, Any] | None = None,
    ) -> BehaviourEvent:
        return await BehaviourEvent.create(
            lead_id=lead.id if lead else None,
            channel_id=lead.last_channel_id if lead else None,
            kind=kind,
            direction=direction,
            platform=platform,
            actor=actor,
            occurred_at=self.clock.now(),
            payload=payload or {},
        )

    async def record_inbound(self, event: Event, lead: Lead | None) -> BehaviourEvent:
        identity = event.identity
        actor = identity.value if identity else (event.staff_userid or "")
        return await self.record_behaviour(
            lead=lead, kind=event.kind, direction=INBOUND, platform=str(event.platform),
            actor=actor, payload=event.summary(),
        )

    async def record_reply(self, event: Event, lead: Lead | None, text: str) -> None:
        """A passive reply, sent in the callback's HTTP response."""
        await self.record_behaviour(
            lead=lead, kind="reply.message", direction=OUTBOUND, platform=str(event.platform),
            actor=event.identity.value if event.identity else (event.staff_userid or ""),
            payload={"msg_type": "text", "text": text, "passive": True},
        )

    async def on_api_sent(self, api: str, payload: dict[str, Any]) -> None:
        """The API client's hook: record every message it delivered to a person."""
        path = "/cgi-bin/" + api.split("/cgi-bin/", 1)[-1].split("?", 1)[0]
        known = OUTBOUND_APIS.get(path)
        if known is None:
            return
        kind, platform, id_kind = known
        summary = message_summary(payload)
        for lead, actor in await self._recipients(path, payload, id_kind):
            await self.record_behaviour(
                lead=lead, kind=kind, direction=OUTBOUND, platform=platform, actor=actor, payload=summary
            )

    async def _recipients(self, path: str, payload: dict[str, Any], id_kind: IdentityKind | None) -> list[tuple[Lead | None, str]]:
        if path.endswith("send_welcome_msg"):
            lead_id = self._welcome_leads.get(payload.get("welcome_code", ""))
            return [(await Lead.get_or_none(id=lead_id) if lead_id else None, "")]
        if path.endswith("add_msg_template"):
            users = list(payload.get("external_userid") or [])
            if not users:
                return [(None, ",".join(payload.get("chat_id_list") or []))]
        else:
            users = [payload.get("touser", "")]
        if id_kind is None:
            return [(None, u) for u in users]
        return [(await find_lead(Identity(id_kind, u)), u) for u in users]

    def expect_welcome(self, event: Event, lead: Lead | None) -> None:
        """Remember whose WelcomeCode this is: send_welcome_msg names only the code."""
        code = getattr(event, "welcome_code", "")
        if not code or lead is None:
            return
        self._welcome_leads[code] = lead.id
        while len(self._welcome_leads) > self._welcome_memory:
            self._welcome_leads.popitem(last=False)


def behaviour_middleware(behaviour: BehaviourLog):
    """Outer middleware: record the inbound event on the lead before the handler runs (so the
    timeline reads question, then answer), bring its channel up to date with any attribution
    the handler set, and mark it when the handler failed: nothing the customer did is lost."""

    async def middleware(handler: NextHandler, event: Event, data: Data) -> Any:
        lead = data.get("lead")
        behaviour.expect_welcome(event, lead)
        row = await behaviour.record_inbound(event, lead)
        try:
            return await handler(event, data)
        except Exception:
            row.payload = {**row.payload, "handler_failed": True}
            await row.save(update_fields=["payload"])
            raise
        finally:
            if lead is not None and lead.last_channel_id != row.channel_id:
                row.channel_id = lead.last_channel_id
                await row.save(update_fields=["channel_id"])
            responder = data.get("responder")
            if responder is not None and responder.passive_text is not None:
                await behaviour.record_reply(event, lead, responder.passive_text)

    return middleware
