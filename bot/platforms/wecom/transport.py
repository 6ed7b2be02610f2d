"""``GET/POST /wecom/callback``: the WeCom self-built app's callback (encrypted XML).

GET is the URL check: verify msg_signature over echostr, decrypt it, answer the plaintext.
POST carries ``<xml><ToUserName/><Encrypt/><AgentID/></xml>``; msg_signature =
sha1(sort(token, timestamp, nonce, Encrypt)) (加解密方案说明). A message may be answered
passively with an encrypted text reply; anything else gets an empty 200 body. WeCom drops a
callback not answered within 5 s and retries it up to 3 times, so the pipeline's passive
budget bounds the wait.
"""
from __future__ import annotations

import logging
from typing import Any, Mapping

from aiohttp import web

from bot.clock import Clock
from bot.config import Settings
from bot.platforms.crypto import CallbackCrypto, CallbackSecurityError
from bot.events import Event, KfMsgOrEvent, Message
from bot.responder import Responder
from bot.platforms.checks import CallbackRejected, echo_verified, read_body, rejection_response, verified_plaintext
from bot.platforms.payloads import PayloadError, parse_xml
from bot.platforms.replies import passive_text_reply
from bot.platforms.wecom.events import parse_wecom

log = logging.getLogger(__name__)

PATH = "/wecom/callback"
REFUSED = (CallbackRejected, CallbackSecurityError, PayloadError)


class WeComTransport:
    def __init__(self, settings: Settings, pipeline: Any, client: Any, clock: Clock, kf_puller: Any = None) -> None:
        self.settings = settings
        self.pipeline = pipeline
        self.client = client
        self.clock = clock
        self.kf_puller = kf_puller
        self.crypto = CallbackCrypto(settings.wecom_token, settings.wecom_aes_key, settings.wecom_corp_id)

    def routes(self) -> list[web.RouteDef]:
        return [web.get(PATH, self.verify_url), web.post(PATH, self.receive)]

    async def verify_url(self, request: web.Request) -> web.Response:
        """URL verification: the decrypted echostr, as plain text."""
        return echo_verified(request, self.crypto, self.clock, self.settings.callback_max_skew, "wecom")

    async def receive(self, request: web.Request) -> web.Response:
        try:
            body = await read_body(request)
            encrypt = _envelope_encrypt(body)
            xml = parse_xml(self._verified_plaintext(request, encrypt))
        except REFUSED as exc:
            return rejection_response(exc, "wecom")
        return await self._handle(parse_wecom(xml), xml)

    def _verified_plaintext(self, request: web.Request, encrypt: str) -> str:
        return verified_plaintext(request, self.crypto, encrypt, self.clock, self.settings.callback_max_skew)

    async def _handle(self, event: Event, xml: Mapping[str, Any]) -> web.Response:
        if isinstance(event, KfMsgOrEvent) and self.kf_puller is not None:
            self.kf_puller.schedule(event)
            return web.Response(text="")
        if event.kind == "unknown":
            log.info("wecom callback of unmodelled type %s acknowledged", getattr(event, "type_name", "?"))
        reply = await self.pipeline.deliver(event, self._responder(event))
        if reply is None:
            return web.Response(text="")
        return web.Response(text=passive_text_reply(xml, reply, self.clock, self.crypto), content_type="text/xml")

    def _responder(self, event: Event) -> Responder:
        if not isinstance(event, Message):
            return Responder(None, passive=False)
        return Responder(self._active_sender(event.sender), passive=True)

    def _active_sender(self, userid: str):
        if self.client is None:
            return None

        async def send(text: str) -> Any:
            return await self.client.send_app_text(userid, text)

        return send



def _envelope_encrypt(body: bytes) -> str:
    """The Encrypt element of the outer envelope (the only part signed and encrypted)."""
    encrypt = parse_xml(body).get("Encrypt")
    if not isinstance(encrypt, str) or not encrypt:
        raise PayloadError("no Encrypt element")
    return encrypt
