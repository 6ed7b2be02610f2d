"""Passive reply bodies (pure functions)."""
from __future__ import annotations


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
