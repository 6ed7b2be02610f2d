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
from typing import Any, Mapping

from aiohttp import web

from bot.clock import Clock
from bot.config import Settings
from bot.events import Event, Message
from bot.platforms.base import Callback, CallbackTransport
from bot.platforms.crypto import CallbackCrypto, random_nonce
from bot.platforms.payloads import PayloadError, parse_json
from bot.platforms.wecom_bot.events import parse_wecom_bot
from bot.platforms.wecom_bot.streams import Stream, StreamStore
from bot.responder import Responder

log = logging.getLogger(__name__)

PATH = "/wecom/bot/callback"
RECEIVE_ID = ""  # an internal bot's receive id is the empty string
STREAM = "stream"  # Callback.extra key of a message's stream


class WeComBotTransport(CallbackTransport):
    path = PATH
    channel = "wecom_bot"

    def __init__(self, settings: Settings, pipeline: Any, session: Any, clock: Clock) -> None:
        crypto = CallbackCrypto(settings.wecom_bot_token, settings.wecom_bot_aes_key, RECEIVE_ID)
        super().__init__(settings, pipeline, clock, crypto)
        self.session = session  # aiohttp.ClientSession for response_url, or None
        self.streams = StreamStore(clock)

    def open(self, request: web.Request, body: bytes) -> Mapping[str, Any]:
        encrypt = parse_json(body).get("encrypt")
        if not isinstance(encrypt, str) or not encrypt:
            raise PayloadError("no encrypt field")
        return parse_json(self.verified_plaintext(request, encrypt))

    def event_of(self, payload: Mapping[str, Any]) -> Event:
        return parse_wecom_bot(payload, int(self.clock.time()))

    def intercept(self, callback: Callback) -> web.Response | None:
        """A stream refresh is no event: answer it with what the stream holds so far."""
        if callback.payload.get("msgtype") != "stream":
            return None
        stream = callback.payload.get("stream")
        stream_id = str(stream.get("id", "")) if isinstance(stream, dict) else ""
        return self._stream_reply(stream_id, *self.streams.refresh(stream_id))

    def responder_for(self, callback: Callback) -> Responder:
        """A message is answered through a stream; of the events only enter_chat may be
        answered (with a text reply)."""
        if isinstance(callback.event, Message):
            stream = callback.extra[STREAM] = self.streams.open(callback.event.response_url)
            return Responder(self._stream_sender(stream), passive=True)
        passive = getattr(callback.event, "type_name", "") == "event:enter_chat"
        return Responder(None, passive=passive)

    def acknowledge(self, callback: Callback) -> web.Response:
        """No reply in time: a message whose handlers still work (or sent something) gets an
        open stream that later refreshes finish; everything else an empty 200."""
        stream: Stream | None = callback.extra.get(STREAM)
        if stream is None:
            return web.Response(text="")
        if stream.parts or not callback.responder.handled:
            return self._stream_reply(stream.stream_id, "", False)
        self._finish(stream)
        return web.Response(text="")

    def passive_reply(self, callback: Callback, text: str) -> web.Response:
        stream: Stream | None = callback.extra.get(STREAM)
        if stream is None:
            return self._encrypted({"msgtype": "text", "text": {"content": text}})
        stream.parts.insert(0, text)
        self._finish(stream)
        return self._stream_reply(stream.stream_id, stream.content, True)

    def _finish(self, stream: Stream) -> None:
        self.streams.discard(stream.stream_id)
        stream.finished = True

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
        assert self.crypto is not None
        plain = json.dumps(payload, ensure_ascii=False)
        envelope = self.crypto.encrypted_json(plain, str(int(self.clock.time())), random_nonce())
        return web.json_response(envelope)


def _errcode(body: str) -> int | None:
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    return answer.get("errcode") if isinstance(answer, dict) else None
