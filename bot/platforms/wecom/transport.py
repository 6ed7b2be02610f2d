"""``GET/POST /wecom/callback``: the WeCom self-built app's callback (encrypted XML).

GET is the URL check: verify msg_signature over echostr, decrypt it, answer the plaintext.
POST carries ``<xml><ToUserName/><Encrypt/><AgentID/></xml>``; msg_signature =
sha1(sort(token, timestamp, nonce, Encrypt)) (加解密方案说明). A message may be answered
passively with an encrypted text reply; anything else gets an empty 200 body. WeCom drops a
callback not answered within 5 s and retries it up to 3 times, so the pipeline's passive
budget bounds the wait.
"""
from __future__ import annotations

from typing import Any, Mapping

from aiohttp import web

from bot.clock import Clock
from bot.config import Settings
from bot.events import Event, KfMsgOrEvent, Message
from bot.platforms.base import Callback, CallbackTransport
from bot.platforms.crypto import CallbackCrypto
from bot.platforms.payloads import PayloadError, parse_xml
from bot.platforms.replies import passive_text_reply
from bot.platforms.wecom.events import parse_wecom
from bot.responder import Responder

PATH = "/wecom/callback"


class WeComTransport(CallbackTransport):
    path = PATH
    channel = "wecom"

    def __init__(self, settings: Settings, pipeline: Any, client: Any, clock: Clock, kf_puller: Any = None) -> None:
        crypto = CallbackCrypto(settings.wecom_token, settings.wecom_aes_key, settings.wecom_corp_id)
        super().__init__(settings, pipeline, clock, crypto)
        self.client = client
        self.kf_puller = kf_puller

    def open(self, request: web.Request, body: bytes) -> Mapping[str, Any]:
        return parse_xml(self.verified_plaintext(request, _envelope_encrypt(body)))

    def event_of(self, payload: Mapping[str, Any]) -> Event:
        return parse_wecom(payload)

    def intercept(self, callback: Callback) -> web.Response | None:
        """微信客服 notices only say "pull": the kf puller fetches the messages themselves."""
        if isinstance(callback.event, KfMsgOrEvent) and self.kf_puller is not None:
            self.kf_puller.schedule(callback.event)
            return web.Response(text="")
        return None

    def responder_for(self, callback: Callback) -> Responder:
        if not isinstance(callback.event, Message):
            return Responder(None, passive=False)
        return Responder(self._active_sender(callback.event.sender), passive=True)

    def passive_reply(self, callback: Callback, text: str) -> web.Response:
        return web.Response(text=passive_text_reply(callback.payload, text, self.clock, self.crypto), content_type="text/xml")

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
