"""``GET/POST /wecom/bot/callback``: the WeCom 智能机器人 (JSON callbacks).

Both directions are ``{"encrypt": ...}`` with msg_signature = sha1(sort(token, timestamp,
nonce, encrypt)) and receive id "" (回调和回复的加解密方案). GET verifies the URL by decrypting
echostr. A message's passive reply is a ``stream`` (a text reply is only accepted for the
enter_chat event): finished at once when the handlers answered within the passive budget,
otherwise (the handlers are still running) left open and finished by a later refresh callback
with what they sent meanwhile.
Anything sent after the stream finished goes once to the message's response_url (valid 1 h,
usable once, 主动回复消息) as markdown.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

from bot.clock import Clock
from bot.config import Settings
from bot.platforms.crypto import CallbackCrypto, CallbackSecurityError, random_nonce
from bot.events import Event, Message
from bot.responder import Responder
from bot.platforms.checks import CallbackRejected, echo_verified, read_body, rejection_response, verified_plaintext
from bot.platforms.payloads import PayloadError, parse_json
from bot.platforms.wecom_bot.streams import Stream, StreamStore
from bot.platforms.wecom_bot.events import parse_wecom_bot

log = logging.getLogger(__name__)

PATH = "/wecom/bot/callback"
RECEIVE_ID = ""  # an internal bot's receive id is the empty string
REFUSED = (CallbackRejected, CallbackSecurityError, PayloadError)


class WeComBotTransport:
    def __init__(self, settings: Settings, pipeline: Any, session: Any, clock: Clock) -> None:
        self.settings = settings
        self.pipeline = pipeline
        self.session = session  # aiohttp.ClientSession for response_url, or None
        self.clock = clock
        self.crypto = CallbackCrypto(settings.wecom_bot_token, settings.wecom_bot_aes_key, RECEIVE_ID)
        self.streams = StreamStore(clock)

    def routes(self) -> list[web.RouteDef]:
        return [web.get(PATH, self.verify_url), web.post(PATH, self.receive)]

    async def verify_url(self, request: web.Request) -> web.Response:
        """URL verification: the decrypted echostr, as plain text."""
        return echo_verified(request, self.crypto, self.clock, self.settings.callback_max_skew, "wecom_bot")

    async def receive(self, request: web.Request) -> web.Response:
        try:
            encrypt = parse_json(await read_body(request)).get("encrypt")
            if not isinstance(encrypt, str) or not encrypt:
                raise PayloadError("no encrypt field")
            data = parse_json(self._verified_plaintext(request, encrypt))
        except REFUSED as exc:
            return rejection_response(exc, "wecom_bot")
        if data.get("msgtype") == "stream":
            stream = data.get("stream")
            stream_id = str(stream.get("id", "")) if isinstance(stream, dict) else ""
            return self._stream_reply(stream_id, *self.streams.refresh(stream_id))
        event = parse_wecom_bot(data, int(self.clock.time()))
        if isinstance(event, Message):
            return await self._answer_message(event)
        return await self._answer_event(event)

    def _verified_plaintext(self, request: web.Request, encrypt: str) -> str:
        return verified_plaintext(request, self.crypto, encrypt, self.clock, self.settings.callback_max_skew)

    async def _answer_message(self, event: Message) -> web.Response:
        stream = self.streams.open(event.response_url)
        responder = Responder(self._stream_sender(stream), passive=True)
        reply = await self.pipeline.deliver(event, responder)
        if reply is not None:
            stream.parts.insert(0, reply)
            self.streams.discard(stream.stream_id)
            stream.finished = True
            return self._stream_reply(stream.stream_id, stream.content, True)
        if stream.parts or not responder.handled:
            return self._stream_reply(stream.stream_id, "", False)
        self.streams.discard(stream.stream_id)
        stream.finished = True
        return web.Response(text="")

    async def _answer_event(self, event: Event) -> web.Response:
        log.info("wecom_bot callback %s acknowledged", getattr(event, "type_name", event.kind))
        passive = getattr(event, "type_name", "") == "event:enter_chat"
        reply = await self.pipeline.deliver(event, Responder(None, passive=passive))
        if reply is None:
            return web.Response(text="")
        return self._encrypted({"msgtype": "text", "text": {"content": reply}})

    def _stream_sender(self, stream: Stream):
        async def send(text: str) -> None:
            if not stream.finished:
                stream.parts.append(text)
                return
            await self._send_response_url(stream, text)

        return send

    async def _send_response_url(self, stream: Stream, text: str) -> None:
        url, stream.response_url = stream.response_url, ""
        if not url or self.session is None:
            log.warning("wecom_bot answer dropped: stream %s finished and no response_url left", stream.stream_id)
            return
        payload = {"msgtype": "markdown", "markdown": {"content": text}}
        async with self.session.post(url, json=payload) as resp:
            status, body = resp.status, await resp.text()
        if status != 200 or _errcode(body) != 0:
            log.warning("wecom_bot response_url refused the answer (%s): %s", status, body[:200])

    def _stream_reply(self, stream_id: str, content: str, finish: bool) -> web.Response:
        return self._encrypted({"msgtype": "stream", "stream": {"id": stream_id, "finish": finish, "content": content}})

    def _encrypted(self, payload: dict[str, Any]) -> web.Response:
        plain = json.dumps(payload, ensure_ascii=False)
        envelope = self.crypto.encrypted_json(plain, str(int(self.clock.time())), random_nonce())
        return web.json_response(envelope)


def _errcode(body: str) -> int | None:
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    return answer.get("errcode") if isinstance(answer, dict) else None
