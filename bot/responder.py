"""How a handler answers the sender of the event it handles.

WeCom and WeChat let a callback be answered *passively*, in the HTTP response, but only
within the platform's 5-second deadline and with one message. The first answer a handler
gives while that window is open becomes the passive reply; every later answer, and any
answer after the transport has had to respond, goes out through the send API.
"""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

ActiveSender = Callable[[str], Awaitable[Any]]


class NoReplyChannel(RuntimeError):
    """The event's sender cannot be answered on this channel (e.g. a customer group)."""


class Responder:
    def __init__(self, send_active: ActiveSender | None, *, passive: bool) -> None:
        self._send_active = send_active
        self._passive_open = passive
        self._passive: str | None = None
        self._handled = False
        self._waiter: asyncio.Future | None = None  # the transport waiting in ``settled``
        self.sent: list[tuple[str, str]] = []  # ("passive" | "active", text), in order

    @property
    def handled(self) -> bool:
        """True once the handlers have finished with the event."""
        return self._handled

    def finish(self) -> None:
        """The handlers are done with the event (whether or not they answered)."""
        self._handled = True
        self._wake()

    async def settled(self, timeout: float) -> None:
        """Wait until there is a passive reply, the handlers are done, or ``timeout`` passed.
        (One future and one timer: this runs for every callback.)"""
        if self._passive is not None or self._handled:
            return
        loop = asyncio.get_running_loop()
        self._waiter = waiter = loop.create_future()
        timer = loop.call_later(timeout, _wake_up, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            self._waiter = None

    def _wake(self) -> None:
        if self._waiter is not None:
            _wake_up(self._waiter)

    @property
    def can_reply(self) -> bool:
        return self._passive_open or self._send_active is not None

    async def text(self, content: str) -> None:
        """Answer with a text message."""
        if self._passive_open and self._passive is None:
            self._passive = content
            self.sent.append(("passive", content))
            self._wake()
            return
        if self._send_active is None:
            raise NoReplyChannel("this event's sender cannot be answered here")
        await self._send_active(content)
        self.sent.append(("active", content))

    @property
    def passive_text(self) -> str | None:
        """The passive reply captured so far (it goes out in the HTTP response)."""
        return self._passive

    def close_passive(self) -> str | None:
        """Close the passive window; returns the passive reply, if the handler gave one."""
        self._passive_open = False
        return self._passive


def _wake_up(waiter: asyncio.Future) -> None:
    if not waiter.done():
        waiter.set_result(None)
