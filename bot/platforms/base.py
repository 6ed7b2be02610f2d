"""The callback transport every platform shares: routes, URL verification, verify-and-decrypt,
delivery to the pipeline, passive reply and acknowledgement.

A platform subclass says only what differs: its path, how a body is opened (``open``), how a
payload becomes a typed event (``event_of``), whom a reply can reach (``responder_for``), and
how a passive reply and an acknowledgement look on the wire. How the pipeline's outcome becomes
the HTTP answer lives in one place, ``CallbackTransport.deliver``.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping

from aiohttp import web

from bot.clock import Clock
from bot.config import Settings
from bot.events import Event
from bot.platforms.checks import CallbackRejected, echo_verified, read_body, rejection_response, verified_plaintext
from bot.platforms.crypto import CallbackCrypto, CallbackSecurityError
from bot.platforms.payloads import PayloadError
from bot.responder import Responder

log = logging.getLogger(__name__)

REFUSED = (CallbackRejected, CallbackSecurityError, PayloadError)


@dataclass
class Callback:
    """One accepted callback: its decrypted payload, its typed event, and the responder that
    carries the handlers' answers (``extra`` holds per-platform state such as a stream)."""

    payload: Mapping[str, Any]
    event: Event
    responder: Responder = field(init=False)  # set by the transport once the event is known
    extra: dict[str, Any] = field(default_factory=dict)


class CallbackTransport:
    """``GET/POST <path>``: URL verification and callbacks of one platform."""

    path: ClassVar[str]
    channel: ClassVar[str]  # the platform's name in logs

    def __init__(self, settings: Settings, pipeline: Any, clock: Clock, crypto: CallbackCrypto | None) -> None:
        self.settings = settings
        self.pipeline = pipeline
        self.clock = clock
        self.crypto = crypto

    def routes(self) -> list[web.RouteDef]:
        return [web.get(self.path, self.verify_url), web.post(self.path, self.receive)]

    async def verify_url(self, request: web.Request) -> web.Response:
        """URL verification: the decrypted echostr, as plain text."""
        assert self.crypto is not None
        return echo_verified(request, self.crypto, self.clock, self.settings.callback_max_skew, self.channel)

    async def receive(self, request: web.Request) -> web.Response:
        try:
            payload = self.open(request, await read_body(request))
        except REFUSED as exc:
            return rejection_response(exc, self.channel)
        callback = Callback(payload, self.event_of(payload))
        early = self.intercept(callback)
        if early is not None:
            return early
        if callback.event.kind == "unknown":
            log.info("%s callback of unmodelled type %s acknowledged", self.channel, getattr(callback.event, "type_name", "?"))
        callback.responder = self.responder_for(callback)
        return await self.deliver(callback)

    async def deliver(self, callback: Callback) -> web.Response:
        """Hand the event to the pipeline and turn its outcome into the HTTP answer: the
        passive reply when the handlers gave one in time, else the acknowledgement."""
        reply = await self.pipeline.deliver(callback.event, callback.responder)
        if reply is None:
            return self.acknowledge(callback)
        return self.passive_reply(callback, reply)

    def verified_plaintext(self, request: web.Request, encrypt: str) -> str:
        """msg_signature (constant time) and the timestamp window checked, ``encrypt`` decrypted."""
        assert self.crypto is not None
        return verified_plaintext(request, self.crypto, encrypt, self.clock, self.settings.callback_max_skew)

    # What each platform says for itself.

    def open(self, request: web.Request, body: bytes) -> Mapping[str, Any]:
        """The verified, decrypted, parsed payload; raises one of REFUSED."""
        raise NotImplementedError

    def event_of(self, payload: Mapping[str, Any]) -> Event:
        raise NotImplementedError

    def intercept(self, callback: Callback) -> web.Response | None:
        """An answer for a callback that is no event for the handlers (None: deliver it)."""
        return None

    def responder_for(self, callback: Callback) -> Responder:
        """Whom the handlers' answers reach; by default nobody (an event, not a message)."""
        return Responder(None, passive=False)

    def acknowledge(self, callback: Callback) -> web.Response:
        """Received, no reply: an empty 200."""
        return web.Response(text="")

    def passive_reply(self, callback: Callback, text: str) -> web.Response:
        raise NotImplementedError
