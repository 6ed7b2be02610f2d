"""The behaviour log: every inbound event and every outbound message, tied to a lead with
the lead's channel attribution at that moment (``record_behaviour``), plus the middleware
and API hook that feed it.

Rows written at the same moment share one multi-row INSERT (``GroupCommit``); each writer
still awaits its own row's commit. An event's first delivery is claimed and recorded in one
transaction (``record_first``): an event is never claimed without being recorded. Inside a
caller's transaction a row joins that transaction instead.
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from bot.clock import Clock
from bot.database import GroupCommit, in_transaction_now, insert_sql, default_client
from bot.dedup import DUPLICATE, DedupGuard, claim_keys, db_key
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


COLUMNS = ("lead_id", "channel_id", "kind", "direction", "platform", "actor", "occurred_at", "payload")
_FIELDS = BehaviourEvent._meta.fields_map
_encode_payload = _FIELDS["payload"].encoder  # the field's own JSON encoder (a dict needs no validation)


class BehaviourRow:
    """One behaviour event as the log writes it: plain values, and its id once written.
    (No model instance: building one costs more than writing the row.)"""

    __slots__ = ("id", *COLUMNS)

    def __init__(self, lead_id: int | None, channel_id: int | None, kind: str, direction: str, platform: str,
                 actor: str, occurred_at: datetime, payload: dict[str, Any]) -> None:
        self.id: int | None = None
        self.lead_id, self.channel_id, self.kind, self.direction = lead_id, channel_id, kind, direction
        self.platform, self.actor, self.occurred_at, self.payload = platform, actor, occurred_at, payload

    def db_values(self) -> tuple[Any, ...]:
        """The values of COLUMNS, as the database takes them."""
        when = self.occurred_at
        if when.tzinfo is None:
            when = _FIELDS["occurred_at"].to_db_value(when, None)
        return (self.lead_id, self.channel_id, self.kind, self.direction, self.platform, self.actor,
                when, _encode_payload(self.payload))

    def fields(self) -> dict[str, Any]:
        """The values of COLUMNS by name, as the model takes them."""
        return {name: getattr(self, name) for name in COLUMNS}

    async def update(self, **values: Any) -> None:
        """Change written fields (a failed handler, a channel set by the handler)."""
        await BehaviourEvent.filter(id=self.id).update(**values)
        for name, value in values.items():
            setattr(self, name, value)


async def insert_rows(client: BaseDBAsyncClient, rows: list[BehaviourRow]) -> list[int]:
    """Insert ``rows`` in one statement, in order. Ids come back through RETURNING; a single
    INSERT assigns them in increasing order of its VALUES rows (SQLite's rowid, a PostgreSQL
    sequence), so the sorted ids pair with the rows as given."""
    if not rows:
        return []
    sql = insert_sql(client, BehaviourEvent._meta.db_table, COLUMNS, len(rows), returning="id")
    result = await client.execute_query_dict(sql, [v for row in rows for v in row.db_values()])
    return sorted(r["id"] for r in result)


async def write_batch(items: list[tuple[str | None, BehaviourRow]]) -> list[int | None]:
    """Write a batch of rows, each with the dedup key that must be claimed first (or None):
    the keys are claimed and the rows of claimed or keyless items inserted in one transaction.
    The id of each item's row; None for an item whose key was already claimed."""
    keys = [key for key, _row in items if key is not None]
    if not keys:
        return await insert_rows(default_client(), [row for _key, row in items])
    async with in_transaction() as tx:
        claims = iter(await claim_keys(tx, keys))
        written = [key is None or next(claims) for key, _row in items]
        ids = iter(await insert_rows(tx, [row for (_key, row), ok in zip(items, written) if ok]))
    return [next(ids) if ok else None for ok in written]


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
        # One writer for every row, so that rows written at the same moment share a commit.
        self._writes: GroupCommit[tuple[str | None, BehaviourRow], int | None] = GroupCommit(write_batch)

    async def _write(self, row: BehaviourRow) -> BehaviourRow:
        """Write ``row`` (in the caller's transaction if there is one)."""
        if in_transaction_now():
            row.id = (await BehaviourEvent.create(**row.fields())).id
        else:
            row.id = await self._writes.submit((None, row))
        return row

    def _new_row(self, lead: Lead | None, kind: str, direction: str, platform: str, actor: str,
                 payload: dict[str, Any] | None) -> BehaviourRow:
        if lead is None:
            return BehaviourRow(None, None, kind, direction, platform, actor, self.clock.now(), payload or {})
        return BehaviourRow(lead.id, lead.last_channel_id, kind, direction, platform, actor, self.clock.now(),
                            payload or {})

    async def record_behaviour(
        self,
        *,
        lead: Lead | None,
        kind: str,
        direction: str,
        platform: str = "",
        actor: str = "",
        payload: dict[str, Any] | None = None,
    ) -> BehaviourRow:
        return await self._write(self._new_row(lead, kind, direction, platform, actor, payload))

    async def record_inbound(self, event: Event, lead: Lead | None) -> BehaviourRow:
        return await self._write(self._inbound_row(event, lead))

    async def record_first(self, event: Event, lead: Lead | None, guard: DedupGuard) -> BehaviourRow | None:
        """Claim ``event`` (exactly once) and record it inbound, atomically: its row, or None
        when another delivery of the same event claimed it first. (The pipeline asks Redis
        first, before the event queues behind its user.)"""
        if in_transaction_now():
            return await self.record_inbound(event, lead) if await guard.claim_database(event.dedup_key) else None
        row = self._inbound_row(event, lead)
        row.id = await self._writes.submit((db_key(event.dedup_key), row))
        await guard.remember(event.dedup_key)  # committed, by this delivery or an earlier one
        return row if row.id is not None else None

    def _inbound_row(self, event: Event, lead: Lead | None) -> BehaviourRow:
        identity = event.identity
        actor = identity.value if identity else (event.staff_userid or "")
        return self._new_row(lead, event.kind, INBOUND, str(event.platform), actor, event.summary())

    async def record_reply(self, event: Event, lead: Lead | None, text: str) -> None:
        """A passive reply, sent in the callback's HTTP response."""
        await self._write(self._new_row(
            lead, "reply.message", OUTBOUND, str(event.platform),
            event.identity.value if event.identity else (event.staff_userid or ""),
            {"msg_type": "text", "text": text, "passive": True},
        ))

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


def behaviour_middleware(behaviour: BehaviourLog, guard: DedupGuard | None = None):
    """Outer middleware: record the inbound event on the lead before the handler runs (so the
    timeline reads question, then answer), bring its channel up to date with any attribution
    the handler set, and mark it when the handler failed: nothing the customer did is lost.
    With ``guard`` it also claims the event, in the same transaction as its row, and stops a
    duplicate delivery there (returning ``DUPLICATE``)."""

    async def middleware(handler: NextHandler, event: Event, data: Data) -> Any:
        lead = data.get("lead")
        if guard is None:
            behaviour.expect_welcome(event, lead)
            row = await behaviour.record_inbound(event, lead)
        else:
            row = await behaviour.record_first(event, lead, guard)
            if row is None:
                log.info("duplicate %s ignored", event.dedup_key)
                return DUPLICATE
            behaviour.expect_welcome(event, lead)
        try:
            return await handler(event, data)
        except Exception:
            await row.update(payload={**row.payload, "handler_failed": True})
            raise
        finally:
            if lead is not None and lead.last_channel_id != row.channel_id:
                await row.update(channel_id=lead.last_channel_id)
            responder = data.get("responder")
            if responder is not None and responder.passive_text is not None:
                await behaviour.record_reply(event, await _lead_now(event, lead), responder.passive_text)

    return middleware


async def _lead_now(event: Event, lead: Lead | None) -> Lead | None:
    """The event's lead after its handler: a merge (one person, one lead) may have folded it
    into an older lead, which then carries the event's identity."""
    if lead is None or event.identity is None:
        return lead
    return await find_lead(event.identity) or lead
