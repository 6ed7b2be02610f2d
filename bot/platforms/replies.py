"""Passive reply bodies."""
from __future__ import annotations

from typing import Any, Mapping

from bot.clock import Clock
from bot.platforms.crypto import CallbackCrypto, random_nonce


def cdata(text: str) -> str:
    """``text`` as CDATA; a ``]]>`` inside is split so it cannot close the section early."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply_xml(to_user: str, from_user: str, create_time: int, content: str) -> str:
    """The passive text reply of WeCom apps and official accounts: the incoming message's
    ToUserName/FromUserName swapped, MsgType text."""
    return (
        f"<xml><ToUserName>{cdata(to_user)}</ToUserName>"
        f"<FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{create_time}</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(content)}</Content></xml>"
    )


def passive_text_reply(xml: Mapping[str, Any], content: str, clock: Clock, crypto: CallbackCrypto | None) -> str:
    """The reply to the callback ``xml``, encrypted when ``crypto`` is given (WeCom apps and
    official accounts in 安全模式), plain otherwise."""
    now = str(int(clock.time()))
    plain = text_reply_xml(
        to_user=str(xml.get("FromUserName", "")),
        from_user=str(xml.get("ToUserName", "")),
        create_time=int(now),
        content=content,
    )
    return crypto.encrypted_xml(plain, now, random_nonce()) if crypto else plain
