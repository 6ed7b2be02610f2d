"""The behaviour log: every inbound event and every outbound message, tied to a lead with
the lead's channel attribution at that moment (``record_behaviour``); the kernel's
behaviour middleware (bot/middlewares.py) and the API clients' ``on_sent`` hook feed it.

Rows written at the same moment share one multi-row INSERT (``GroupCommit``); each writer
still awaits its own row's commit. An event's first delivery is claimed and recorded in one
transaction (``record_first``): an event is never claimed without being recorded. Inside a
caller's transaction a row joins that transaction instead.
"""
from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from typing import Any, cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.fields import JSONField
from tortoise.transactions import in_transaction

from bot.api.deliveries import Delivery, delivery
from bot.clock import Clock
from bot.database import GroupCommit, in_transaction_now, insert_sql, default_client
from bot.dedup import DedupGuard, claim_keys, db_key
from bot.events import Event, Identity
from leads.identity import find_lead
from models import BehaviourEvent, Lead

INBOUND, OUTBOUND = "inbound", "outbound"

COLUMNS = ("lead_id", "channel_id", "kind", "direction", "platform", "actor", "occurred_at", "payload")
_FIELDS = BehaviourEvent._meta.fields_map
_encode_payload = cast(JSONField, _FIELDS["payload"]).encoder  # the field's own JSON encoder (a dict needs no validation)


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
            when = _FIELDS["occurred_at"].to_db_value(when, BehaviourEvent)
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
        return [*await insert_rows(default_client(), [row for _key, row in items])]
    async with in_transaction() as tx:
        claims = iter(await claim_keys(tx, keys))
        written = [key is None or next(claims) for key, _row in items]
        ids = iter(await insert_rows(tx, [row for (_key, row), ok in zip(items, written) if ok]))
    return [next(ids) if ok else None for ok in written]


class BehaviourLog:
    """Writes behaviour events. One instance per app (no module state)."""

    def __init__(self, clock: Clock, welcome_memory: int = 10_000) -> None:
        self.clock = clock
        self._welcome_leads: OrderedDict[str, int] = OrderedDict()  # WelcomeCode → lead id
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
        when another delivery of the same event claimed it first."""
        if await guard.redis_refuses(event.dedup_key):
            return None
        if in_transaction_now():
            return await self.record_inbound(event, lead) if await guard.claim_database(event.dedup_key) else None
        row = self._inbound_row(event, lead)
        row.id = await self._writes.submit((db_key(event.dedup_key), row))
        return row if row.id is not None else None

    def _inbound_row(self, event: Event, lead: Lead | None) -> BehaviourRow:
        identity = event.identity
        actor = identity.value if identity else (event.staff_userid or "")
        return self._new_row(lead, event.kind, INBOUND, str(event.platform), actor, event.summary())

    async def record_reply(self, event: Event, lead: Lead | None, text: str) -> None:
        """A passive reply, sent in the callback's HTTP response, on the event's lead as it is
        after the handler."""
        await self._write(self._new_row(
            await _lead_now(event, lead), "reply.message", OUTBOUND, str(event.platform),
            event.identity.value if event.identity else (event.staff_userid or ""),
            {"msg_type": "text", "text": text, "passive": True},
        ))

    async def on_api_sent(self, api: str, payload: dict[str, Any]) -> None:
        """The API client's hook: record every message it delivered to a person."""
        sent = delivery(api, payload)
        if sent is None:
            return
        for lead, actor in await self._recipients(sent):
            await self.record_behaviour(
                lead=lead, kind=sent.kind, direction=OUTBOUND, platform=sent.platform, actor=actor, payload=sent.summary
            )

    async def _recipients(self, sent: Delivery) -> list[tuple[Lead | None, str]]:
        if sent.welcome_code:
            lead_id = self._welcome_leads.get(sent.welcome_code)
            return [(await Lead.get_or_none(id=lead_id) if lead_id else None, "")]
        if sent.identity is None:
            return [(None, r) for r in sent.recipients]
        return [(await find_lead(Identity(sent.identity, r)), r) for r in sent.recipients]

    def expect_welcome(self, welcome_code: str, lead: Lead) -> None:
        """Remember whose WelcomeCode this is, before the welcome is sent: send_welcome_msg
        names only the code."""
        self._welcome_leads[welcome_code] = lead.id
        while len(self._welcome_leads) > self._welcome_memory:
            self._welcome_leads.popitem(last=False)


async def _lead_now(event: Event, lead: Lead | None) -> Lead | None:
    """The event's lead after its handler: a merge (one person, one lead) may have folded it
    into an older lead, which then carries the event's identity."""
    if lead is None or event.identity is None:
        return lead
    return await find_lead(event.identity) or lead
