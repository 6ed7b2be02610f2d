"""What a person sees of the bot's passive reply (the HTTP answer to a callback).

Only message callbacks (and the official account's subscribe/SCAN events) may be answered
passively; the platform ignores answers to other events. XML replies show their Content
(text) or their MsgType; the 智能机器人 shows a text reply, a finished stream's content, or
a card."""
from __future__ import annotations

import json
import re


def xml_reply_text(reply: str, to_user: str, from_user: str) -> tuple[str | None, str]:
    """(text shown, problem) of an XML passive reply. It must swap the callback's
    ToUserName/FromUserName (to the person who wrote, from the corp or account) and name a
    MsgType; otherwise the platform shows nothing (the official account shows an error)."""
    kind = _xml_value(reply, "MsgType")
    if not kind:
        return None, "the passive reply has no MsgType"
    if _xml_value(reply, "ToUserName") != to_user:
        return None, f"the passive reply's ToUserName is not {to_user!r}"
    if _xml_value(reply, "FromUserName") != from_user:
        return None, f"the passive reply's FromUserName is not {from_user!r}"
    if kind == "text":
        return _xml_value(reply, "Content") or None, ""
    return f"[{kind}]", ""


def _xml_value(xml: str, name: str) -> str:
    match = re.search(rf"<{name}>\s*(?:<!\[CDATA\[(.*?)\]\]>|([^<]*))\s*</{name}>", xml, re.S)
    if not match:
        return ""
    return match.group(1) if match.group(1) is not None else match.group(2).strip()


def bot_reply(reply: str) -> tuple[str | None, str, bool]:
    """(text shown, stream id, finished) of a 智能机器人 passive reply."""
    try:
        data = json.loads(reply)
    except ValueError:
        return None, "", True
    kind = data.get("msgtype") if isinstance(data, dict) else None
    if kind == "stream":
        stream = data.get("stream") or {}
        finished = bool(stream.get("finish"))
        content = str(stream.get("content") or "")
        return (content or None) if finished else None, str(stream.get("id") or ""), finished
    if kind == "text":
        return str((data.get("text") or {}).get("content") or "") or None, "", True
    if kind:
        return f"[{kind}]", "", True
    return None, "", True
