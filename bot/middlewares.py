"""The outer middlewares every event passes, each given its collaborator by the app: the lead
behind the event (``lead_middleware(resolve)``) and the behaviour log with the exactly-once
claim (``behaviour_middleware(log, guard)``). The Protocols say what the kernel needs of
them; the lead domain (``leads/``) provides it."""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Protocol

from bot.dedup import DUPLICATE, DedupGuard
from bot.dispatcher import Data, Middleware, NextHandler
from bot.events import Event, Identity
from models import Lead

log = logging.getLogger(__name__)

LeadResolver = Callable[[Identity], Awaitable[Lead]]


class LoggedEvent(Protocol):
    """An event's row in the behaviour log, as the middleware updates it."""

    payload: dict[str, Any]
    channel_id: int | None

    async def update(self, **values: Any) -> None: ...


class EventLog(Protocol):
    """What the kernel asks of the behaviour log."""

    async def record_inbound(self, event: Event, lead: Lead | None) -> LoggedEvent: ...

    async def record_first(self, event: Event, lead: Lead | None, guard: DedupGuard) -> LoggedEvent | None: ...

    async def record_reply(self, event: Event, lead: Lead | None, text: str) -> None: ...

    async def on_api_sent(self, api: str, payload: dict[str, Any]) -> None: ...


def lead_middleware(resolve: LeadResolver) -> Middleware:
    """Outer middleware: the lead behind the event's customer identity, as ``lead``."""

    async def middleware(handler: NextHandler, event: Event, data: Data) -> Any:
        identity = event.identity
        data["lead"] = await resolve(identity) if identity is not None else None
        return await handler(event, data)

    return middleware


def behaviour_middleware(behaviour: EventLog, guard: DedupGuard | None = None) -> Middleware:
    """Outer middleware: record the inbound event on the lead before the handler runs (so the
    timeline reads question, then answer), bring its channel up to date with any attribution
    the handler set, and mark it when the handler failed: nothing the customer did is lost.
    With ``guard`` it also claims the event, in the same transaction as its row, and stops a
    duplicate delivery there (returning ``DUPLICATE``)."""

    async def middleware(handler: NextHandler, event: Event, data: Data) -> Any:
        lead = data.get("lead")
        if guard is None:
            row = await behaviour.record_inbound(event, lead)
        else:
            claimed = await behaviour.record_first(event, lead, guard)
            if claimed is None:
                log.info("duplicate %s ignored", event.dedup_key)
                return DUPLICATE
            row = claimed
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
                await behaviour.record_reply(event, lead, responder.passive_text)

    return middleware
