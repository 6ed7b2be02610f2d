"""The path of every inbound event: the dispatcher's outer middlewares (registered by the app:
lead resolution → dedup claim and behaviour log, one transaction) → router, in the user's
order, within the platform's deadline.

WeCom and WeChat drop a callback that is not answered within 5 s and retry it. The pipeline
waits at most ``passive_budget`` seconds: a handler that answered by then is answered in the
HTTP response (passively); a slower one keeps running in the background, the callback is
acknowledged, and its answers go out through the send API.
"""
from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

from bot.dispatcher import Dispatcher
from bot.events import Event
from bot.responder import Responder, wake_up

log = logging.getLogger(__name__)

DEFAULT_PASSIVE_BUDGET = 3.0  # of WeCom/WeChat's 5 s, leaving room for the network


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
    def __init__(self, dispatcher: Dispatcher, *, passive_budget: float = DEFAULT_PASSIVE_BUDGET) -> None:
        self.dispatcher = dispatcher
        self._deadlines = PassiveDeadlines(passive_budget)
        self._background: set[asyncio.Task] = set()

    async def deliver(self, event: Event, responder: Responder) -> str | None:
        """Handle ``event``; return the passive reply text, or None to just acknowledge."""
        handling = asyncio.create_task(self._handle(event, responder))
        self._background.add(handling)
        handling.add_done_callback(self._background.discard)
        waiter = responder.waiter()
        if waiter is not None:
            self._deadlines.add(waiter)
            await waiter
        return responder.close_passive()

    async def _handle(self, event: Event, responder: Responder) -> Any:
        try:
            return await self.dispatcher.feed(event, responder=responder)
        finally:
            responder.finish()

    async def drain(self) -> None:
        """Wait for handlers still running in the background (shutdown, tests)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)
