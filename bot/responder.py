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
        self.passive_ready = asyncio.Event()  # set when a passive reply is waiting
        self.handled = asyncio.Event()  # set when the handlers have finished with the event
        self.sent: list[tuple[str, str]] = []  # ("passive" | "active", text), in order

    @property
    def can_reply(self) -> bool:
        return self._passive_open or self._send_active is not None

    async def text(self, content: str) -> None:
        """Answer with a text message."""
        if self._passive_open and self._passive is None:
            self._passive = content
            self.sent.append(("passive", content))
            self.passive_ready.set()
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
