"""The platform's side of a callback, for tests: signed, encrypted requests as WeCom and
WeChat send them, and a stub pipeline that records what reached it."""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from bot.platforms.crypto import CallbackCrypto, sha1_signature
from bot.responder import Responder

# The worked example of WeCom's 加解密方案说明 (also used by WeChat's 消息加解密说明).
DOC_TOKEN = "QDG6eK"
DOC_CORP_ID = "wx5823bf96d3bd56c7"
DOC_AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + "]><xml><ToUserName>&lol9;</ToUserName><MsgType>text</MsgType></xml>"
)


class StubPipeline:
    """Records every delivered event; answers with ``reply`` (passively when it can) or runs
    ``handler``. With ``still_running`` the handlers are taken to be still at work when
    deliver() returns (the real pipeline's deadline passed)."""

    def __init__(self, reply: str | None = None, still_running: bool = False) -> None:
        self.reply = reply
        self.still_running = still_running
        self.handler: Callable[[Any, Responder], Awaitable[None]] | None = None
        self.events: list[Any] = []
        self.responders: list[Responder] = []

    async def deliver(self, event: Any, responder: Responder) -> str | None:
        self.events.append(event)
        self.responders.append(responder)
        if self.handler is not None:
            await self.handler(event, responder)
        elif self.reply is not None:
            await responder.text(self.reply)
        if not self.still_running:
            responder.finish()
        return responder.close_passive()


def encrypted_query(crypto: CallbackCrypto, plain: str, timestamp: str, nonce: str = "1372623149") -> tuple[dict, str]:
    """(query params, Encrypt) of an encrypted callback carrying ``plain``."""
    encrypt, signature = crypto.encrypt(plain, timestamp, nonce)
    return {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce}, encrypt


def xml_envelope(encrypt: str, to_user: str = DOC_CORP_ID) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{to_user}]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypt}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"
    )


def plain_query(token: str, timestamp: str, nonce: str = "486452656") -> dict:
    return {"signature": sha1_signature(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
