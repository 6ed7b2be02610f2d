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
        self._waiter: asyncio.Future | None = None  # see ``waiter``
        self.sent: list[tuple[str, str]] = []  # ("passive" | "active", text), in order

    @property
    def handled(self) -> bool:
        """True once the handlers have finished with the event."""
        return self._handled

    def finish(self) -> None:
        """The handlers are done with the event (whether or not they answered)."""
        self._handled = True
        self._wake()

    def waiter(self) -> asyncio.Future | None:
        """A future that settles when a passive reply is given or the handlers finish (whoever
        waits on it may also settle it when their deadline passes); None when either already
        happened."""
        if self._passive is not None or self._handled:
            return None
        if self._waiter is None:
            self._waiter = asyncio.get_running_loop().create_future()
        return self._waiter

    def _wake(self) -> None:
        if self._waiter is not None:
            wake_up(self._waiter)

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


def wake_up(waiter: asyncio.Future) -> None:
    """Settle ``waiter`` unless it already is (or was cancelled)."""
    if not waiter.done():
        waiter.set_result(None)
