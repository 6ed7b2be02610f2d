"""Posting signed, encrypted callbacks to the bot, as the platform does.

Doc facts: the platform drops the connection if no response arrives within 5 seconds and
re-sends the request, retrying three times in all; anything but HTTP 200 is a failure.
WeCom app and 智能机器人 callbacks carry ``msg_signature``, ``timestamp`` and ``nonce`` in
the query; the app's body is an XML envelope with ``Encrypt``, the robot's a JSON
``{"encrypt": ...}``. Official accounts in aes mode add ``signature`` (sha1 of token,
timestamp, nonce), ``openid``, ``encrypt_type=aes`` and ``msg_signature``; plaintext mode
posts the message XML itself with ``signature``.
"""
from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import aiohttp

from bot.clock import Clock
from bot.platforms.crypto import CallbackCrypto, CallbackSecurityError, random_nonce, sha1_signature


class Mode(StrEnum):
    WECOM_APP = "wecom_app"
    WECOM_BOT = "wecom_bot"
    WECHAT_AES = "wechat_aes"
    WECHAT_PLAIN = "wechat_plain"


@dataclass(frozen=True)
class Channel:
    """Where and how one kind of callback is delivered."""

    mode: Mode
    url: str
    crypto: CallbackCrypto
    to_user: str = ""  # ToUserName in the envelope (CorpID, or the account's original id)
    agent_id: int | None = None


@dataclass(frozen=True)
class Envelope:
    """One signed request, ready to be posted (once, twice or concurrently)."""

    channel: Channel
    query: dict[str, str]
    body: str
    plain: str
    content_type: str


@dataclass
class CallbackResult:
    """What happened to one callback: the last HTTP status and body, the decrypted passive
    reply (None when the bot answered empty or "success"), and every attempt's outcome."""

    status: int | None
    body: str
    reply: str | None
    delivered: bool
    attempts: list[str] = field(default_factory=list)
    reply_error: str = ""

    @property
    def reply_json(self) -> dict[str, Any] | None:
        return json.loads(self.reply) if self.reply else None


class CallbackSender:
    """Signs, encrypts and posts callbacks with the platform's timeout and retries."""

    def __init__(self, clock: Clock, timeout: float = 5.0, retries: int = 3) -> None:
        self.clock = clock
        self.timeout = timeout
        self.retries = retries

    def envelope(self, channel: Channel, plain: str, openid: str = "") -> Envelope:
        timestamp, nonce = str(int(self.clock.time())), random_nonce(16)
        crypto = channel.crypto
        if channel.mode == Mode.WECHAT_PLAIN:
            query = {"signature": sha1_signature(crypto.token, timestamp, nonce), "timestamp": timestamp,
                     "nonce": nonce, "openid": openid}
            return Envelope(channel, query, plain, plain, "text/xml")
        encrypt, msg_signature = crypto.encrypt(plain, timestamp, nonce)
        query = {"msg_signature": msg_signature, "timestamp": timestamp, "nonce": nonce}
        if channel.mode == Mode.WECOM_BOT:
            return Envelope(channel, query, json.dumps({"encrypt": encrypt}), plain, "application/json")
        if channel.mode == Mode.WECOM_APP:
            body = (f"<xml><ToUserName><![CDATA[{channel.to_user}]]></ToUserName>"
                    f"<AgentID><![CDATA[{channel.agent_id or ''}]]></AgentID>"
                    f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")
            return Envelope(channel, query, body, plain, "text/xml")
        query = {"signature": sha1_signature(crypto.token, timestamp, nonce), "timestamp": timestamp,
                 "nonce": nonce, "openid": openid, "encrypt_type": "aes", "msg_signature": msg_signature}
        body = (f"<xml><ToUserName><![CDATA[{channel.to_user}]]></ToUserName>"
                f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")
        return Envelope(channel, query, body, plain, "text/xml")

    async def post(self, envelope: Envelope) -> CallbackResult:
        """Deliver with up to ``retries`` re-sends after a timeout, error or non-200."""
        attempts: list[str] = []
        status, text = None, ""
        async with aiohttp.ClientSession() as session:
            for _ in range(1 + self.retries):
                try:
                    async with asyncio.timeout(self.timeout):
                        async with session.post(envelope.channel.url, params=envelope.query,
                                                data=envelope.body.encode("utf-8"),
                                                headers={"Content-Type": envelope.content_type}) as resp:
                            status, text = resp.status, await resp.text()
                except TimeoutError:
                    attempts.append("timeout")
                    continue
                except aiohttp.ClientError as exc:
                    attempts.append(f"error: {type(exc).__name__}")
                    continue
                attempts.append(str(status))
                if status == 200:
                    return self._result(envelope, status, text, attempts)
        return CallbackResult(status, text, None, False, attempts)

    async def verify_url(self, channel: Channel) -> CallbackResult:
        """The GET the admin console sends when the callback URL is saved: the bot must echo
        the (decrypted) echostr in plain text within the timeout."""
        timestamp, nonce, echo = str(int(self.clock.time())), random_nonce(16), random_nonce(20)
        crypto = channel.crypto
        if channel.mode == Mode.WECHAT_PLAIN or channel.mode == Mode.WECHAT_AES:
            query = {"signature": sha1_signature(crypto.token, timestamp, nonce), "timestamp": timestamp,
                     "nonce": nonce, "echostr": echo}
        else:
            encrypted, signature = crypto.encrypt(echo, timestamp, nonce)
            query = {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce, "echostr": encrypted}
        try:
            async with aiohttp.ClientSession() as session, asyncio.timeout(self.timeout):
                async with session.get(channel.url, params=query) as resp:
                    status, text = resp.status, await resp.text()
        except (TimeoutError, aiohttp.ClientError) as exc:
            return CallbackResult(None, "", None, False, [type(exc).__name__])
        verified = status == 200 and text == echo
        return CallbackResult(status, text, None, verified, [str(status)],
                              reply_error="" if verified else "the answer is not the echostr")

    async def post_twice(self, envelope: Envelope) -> list[CallbackResult]:
        """The same callback delivered twice in a row (the platform's duplicate)."""
        return [await self.post(envelope), await self.post(envelope)]

    async def post_concurrently(self, envelope: Envelope, times: int = 2) -> list[CallbackResult]:
        """The same callback delivered ``times`` times at once (two platform nodes)."""
        return list(await asyncio.gather(*(self.post(envelope) for _ in range(times))))

    def _result(self, envelope: Envelope, status: int, text: str, attempts: list[str]) -> CallbackResult:
        try:
            reply = decrypt_reply(envelope.channel, text)
        except (CallbackSecurityError, ValueError, KeyError) as exc:
            return CallbackResult(status, text, None, True, attempts, reply_error=str(exc))
        return CallbackResult(status, text, reply, True, attempts)


def _xml_field(xml: str, name: str) -> str:
    match = re.search(rf"<{name}>(?:<!\[CDATA\[(.*?)\]\]>|([^<]*))</{name}>", xml, re.S)
    if not match:
        raise ValueError(f"passive reply has no <{name}>")
    return match.group(1) if match.group(1) is not None else match.group(2)


def decrypt_reply(channel: Channel, text: str) -> str | None:
    """The plaintext of a passive reply, after checking its signature; None for an empty
    or "success" answer."""
    body = text.strip()
    if body in ("", "success"):
        return None
    crypto = channel.crypto
    if channel.mode == Mode.WECHAT_PLAIN:
        return body
    if channel.mode == Mode.WECOM_BOT:
        data = json.loads(body)
        return crypto.verify_and_decrypt(data["msgsignature"], str(data["timestamp"]), data["nonce"],
                                         data["encrypt"])
    return crypto.verify_and_decrypt(_xml_field(body, "MsgSignature"), _xml_field(body, "TimeStamp"),
                                     _xml_field(body, "Nonce"), _xml_field(body, "Encrypt"))
