"""The path of every inbound event: the dispatcher's outer middlewares (registered by the app:
lead resolution → dedup claim and behaviour log, one transaction) → router, in the user's
order, within the platform's deadline.

WeCom and WeChat drop a callback that is not answered within 5 s and retry it, and never
retry one answered 200. So nothing is acknowledged before the event's inbound row and its
dedup claim are committed: until then ``deliver`` waits, and when the commit fails or cannot
make it by ``ack_deadline`` it raises :class:`NotRecorded` (the transport answers 503 and the
platform delivers again). Once the event is stored, a handler's failure is logged and the
callback acknowledged: a retry would change nothing.

Past the commit the pipeline waits at most ``passive_budget`` seconds: a handler that answered
by then is answered in the HTTP response (passively); a slower one keeps running in the
background, the callback is acknowledged, and its answers go out through the send API.
"""
from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

from bot.dedup import DUPLICATE, DedupGuard
from bot.dispatcher import Data, Dispatcher, NextHandler
from bot.events import Event
from bot.responder import Responder, wake_up

log = logging.getLogger(__name__)

DEFAULT_PASSIVE_BUDGET = 3.0  # of WeCom/WeChat's 5 s, leaving room for the network
DEFAULT_ACK_DEADLINE = 4.5  # past this an acknowledgement may arrive after the platform gave up


class NotRecorded(Exception):
    """The event is not stored (the database failed, or did not commit by the deadline): it
    must not be acknowledged, so that the platform delivers it again."""


class Receipt:
    """One delivery's progress, for ``deliver``: whether its event has entered the chain (its
    user's turn came) and whether it is stored (``stored`` settles with None, or the error)."""

    def __init__(self) -> None:
        self.entered = False
        self.stored: asyncio.Future[BaseException | None] = asyncio.get_running_loop().create_future()

    def settle(self, error: BaseException | None) -> None:
        if not self.stored.done():
            self.stored.set_result(error)

    async def wait(self, event: Event, remaining: float) -> None:
        """Return once ``event`` is stored; raise NotRecorded if storing failed or takes
        longer than ``remaining`` seconds (a write under way goes on: a retry then finds it)."""
        if not self.stored.done():
            try:
                await asyncio.wait_for(asyncio.shield(self.stored), max(remaining, 0.0))
            except TimeoutError:
                raise NotRecorded(f"{event.dedup_key} not committed within the platform's deadline") from None
        error = self.stored.result()
        if error is not None:
            raise NotRecorded(f"{event.dedup_key} not stored: {error!r}") from error


async def receipt_entered(handler: NextHandler, event: Event, data: Data) -> Any:
    """The first outer middleware (the app registers it): the event's turn came (no await
    since the user's lock)."""
    data["receipt"].entered = True
    return await handler(event, data)


async def receipt_stored(handler: NextHandler, event: Event, data: Data) -> Any:
    """Outer middleware right after the behaviour log's (the app registers it): reached once
    the event's inbound row and its claim are committed, which lets ``deliver`` acknowledge it. A slow handler thus
    never holds up the storing (and acknowledgement) of the same user's next events."""
    data["receipt"].settle(None)
    await data["turn"].advance()  # the user's next event may now be stored; it is handled after this one
    return await handler(event, data)


def stored_event_chain(lead: Any, behaviour: Any) -> list[Any]:
    """The outer middlewares every inbound event passes, in order, for the app to register:
    the receipt's entry, ``lead`` (the lead behind the event), ``behaviour`` (the dedup claim
    and inbound row, one transaction) and the receipt's "stored" mark that lets ``deliver``
    acknowledge the callback."""
    return [receipt_entered, lead, behaviour, receipt_stored]


class PassiveDeadlines:
    """Ends the waits for a passive reply whose budget is spent. Every callback waits, so one
    timer serves them all (a timer each cost a quarter of the dispatch); the budget is the
    same for every wait, so they expire in the order they began. A wait ends at most
    ``tick`` seconds late."""

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self.tick = min(0.05, budget / 10)
        self._waits: deque[tuple[float, asyncio.Future]] = deque()
        self._timer: asyncio.TimerHandle | None = None

    def add(self, waiter: asyncio.Future) -> None:
        loop = asyncio.get_running_loop()
        self._waits.append((loop.time() + self.budget, waiter))
        if self._timer is None:
            self._timer = loop.call_at(self._waits[0][0], self._expire, loop)

    def _expire(self, loop: asyncio.AbstractEventLoop) -> None:
        now, waits = loop.time(), self._waits
        while waits and (waits[0][0] <= now or waits[0][1].done()):
            wake_up(waits.popleft()[1])
        self._timer = loop.call_at(max(waits[0][0], now + self.tick), self._expire, loop) if waits else None


class EventPipeline:
    def __init__(
        self,
        dispatcher: Dispatcher,
        guard: DedupGuard,
        *,
        passive_budget: float = DEFAULT_PASSIVE_BUDGET,
        ack_deadline: float = DEFAULT_ACK_DEADLINE,
    ) -> None:
        self.dispatcher = dispatcher
        self.guard = guard
        self.ack_deadline = ack_deadline
        self._deadlines = PassiveDeadlines(passive_budget)
        self._background: set[asyncio.Task] = set()

    async def deliver(self, event: Event, responder: Responder) -> str | None:
        """Handle ``event``; return the passive reply text, or None to just acknowledge.
        Raises NotRecorded when the event could not be stored in time (do not acknowledge)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.ack_deadline
        if await self.guard.known(event.dedup_key):  # stored already: no need to queue behind its user
            log.info("duplicate %s ignored", event.dedup_key)
            responder.finish()
            return None
        receipt = Receipt()
        handling = asyncio.create_task(self._handle(event, responder, receipt))
        self._background.add(handling)
        handling.add_done_callback(self._background.discard)
        try:
            waiter = responder.waiter()
            if waiter is not None:
                self._deadlines.add(waiter)
                await waiter
            await receipt.wait(event, deadline - loop.time())
        except NotRecorded:
            if not receipt.entered:  # still queued behind its user: the platform's retry takes its place
                handling.cancel()
            raise
        finally:
            reply = responder.close_passive()  # any later answer goes out through the send API
        return reply

    async def _handle(self, event: Event, responder: Responder, receipt: Receipt) -> Any:
        try:
            result = await self.dispatcher.feed(event, responder=responder, receipt=receipt, raise_errors=True)
            # A duplicate is stored already (by the delivery that claimed it first).
            receipt.settle(None if result is DUPLICATE else NotRecorded("the event was never stored"))
            return result
        except Exception as exc:  # noqa: BLE001 - the error handler has logged it
            receipt.settle(exc)  # before the commit: not acknowledged; after it: swallowed
            return None
        finally:
            responder.finish()

    async def drain(self) -> None:
        """Wait for handlers still running in the background (shutdown, tests)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)
