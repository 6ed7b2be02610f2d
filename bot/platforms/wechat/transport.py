"""``GET/POST /wechat/callback``: the official account's callback.

Plaintext mode (Settings.wechat_aes_key empty): signature = sha1(sort(token, timestamp,
nonce)) and an XML body in clear. Safe mode (``encrypt_type=aes``): msg_signature =
sha1(sort(token, timestamp, nonce, Encrypt)), receive id = AppID, and the passive reply is
encrypted too. The URL check (GET) always uses the plain signature and echoes ``echostr``.
The account must answer within 5 s (else WeChat retries up to 3 times); "success" means
"received, no reply" (被动回复用户消息).
"""
from __future__ import annotations

from typing import Any, Mapping

from aiohttp import web

from bot.clock import Clock
from bot.config import Settings
from bot.events import AccountEvent, Event, Message
from bot.platforms.base import REFUSED, Callback, CallbackTransport
from bot.platforms.checks import CallbackRejected, check_timestamp, query, rejection_response
from bot.platforms.crypto import CallbackCrypto, verify_plain_signature
from bot.platforms.payloads import PayloadError, parse_xml
from bot.platforms.replies import passive_text_reply
from bot.platforms.wechat.events import parse_wechat
from bot.responder import Responder

PATH = "/wechat/callback"
ACK = "success"


class WeChatTransport(CallbackTransport):
    path = PATH
    channel = "wechat"

    def __init__(self, settings: Settings, pipeline: Any, client: Any, clock: Clock) -> None:
        crypto = (
            CallbackCrypto(settings.wechat_token, settings.wechat_aes_key, settings.wechat_app_id)
            if settings.wechat_aes_key
            else None
        )
        super().__init__(settings, pipeline, clock, crypto)
        self.client = client

    async def verify_url(self, request: web.Request) -> web.Response:
        """URL verification always uses the plain signature and echoes echostr as is."""
        try:
            self._check_plain_signature(request)
        except REFUSED as exc:
            return rejection_response(exc, self.channel)
        return web.Response(text=query(request, "echostr"))

    def open(self, request: web.Request, body: bytes) -> Mapping[str, Any]:
        return self._open_aes(request, body) if self.crypto else self._open_plain(request, body)

    def event_of(self, payload: Mapping[str, Any]) -> Event:
        return parse_wechat(payload)

    def responder_for(self, callback: Callback) -> Responder:
        openid = _openid(callback.event)
        if not openid:
            return Responder(None, passive=False)
        return Responder(self._active_sender(openid), passive=True)

    def acknowledge(self, callback: Callback) -> web.Response:
        return web.Response(text=ACK)

    def passive_reply(self, callback: Callback, text: str) -> web.Response:
        return web.Response(text=passive_text_reply(callback.payload, text, self.clock, self.crypto), content_type="text/xml")

    def _check_plain_signature(self, request: web.Request) -> None:
        timestamp = query(request, "timestamp")
        signature, nonce = query(request, "signature"), query(request, "nonce")
        verify_plain_signature(self.settings.wechat_token, signature, timestamp, nonce)
        check_timestamp(timestamp, self.clock, self.settings.callback_max_skew)

    def _open_plain(self, request: web.Request, body: bytes) -> dict[str, Any]:
        if query(request, "encrypt_type") == "aes":
            raise CallbackRejected(403, "encrypted callback but no EncodingAESKey is configured")
        self._check_plain_signature(request)
        return parse_xml(body)

    def _open_aes(self, request: web.Request, body: bytes) -> dict[str, Any]:
        if query(request, "encrypt_type") != "aes":
            raise CallbackRejected(403, "safe mode is configured but the callback is not encrypted")
        encrypt = parse_xml(body).get("Encrypt")
        if not isinstance(encrypt, str) or not encrypt:
            raise PayloadError("no Encrypt element")
        return parse_xml(self.verified_plaintext(request, encrypt))

    def _active_sender(self, openid: str):
        if self.client is None:
            return None

        async def send(text: str) -> Any:
            return await self.client.send_custom_text(openid, text)

        return send


def _openid(event: Event) -> str:
    """Whom a passive or customer-service reply can reach: the sender of a message or of an
    account event other than unsubscribe."""
    if isinstance(event, Message):
        return event.sender
    if isinstance(event, AccountEvent) and event.event_type != "unsubscribe":
        return event.openid
    return ""
