"""WeCom 智能机器人 callback JSON (decrypted) → typed events. Pure.

Doc facts relied on (developer.work.weixin.qq.com 智能机器人 接收消息/被动回复消息): a message
has msgid, aibotid, chattype (single | group), chatid (group chats), from.userid,
response_url, msgtype and a body per type (text.content, image, mixed, voice, file...). In a
group the bot only receives messages that @-mention it and text.content keeps the mention,
e.g. ``"@RobotA hello robot"``. ``msgtype: event`` carries event.eventtype (enter_chat...).
``msgtype: stream`` is a refresh request for a stream reply (stream.id), not a message.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from bot.events import ChatKind, Event, MediaMessage, Platform, TextMessage, UnknownEvent
from bot.platforms.payloads import as_int

MEDIA_TYPES = frozenset({"image", "voice", "video", "file", "mixed"})
LEADING_MENTION = re.compile(r"^\s*@\S+\s*")
P = Platform.WECOM_BOT


def strip_mention(content: str) -> tuple[str, bool]:
    """(content without a leading ``@Bot`` mention, whether there was one)."""
    stripped, count = LEADING_MENTION.subn("", content, count=1)
    return (stripped.strip(), True) if count else (content.strip(), False)


def _sender(data: Mapping[str, Any]) -> str:
    sender = data.get("from")
    return str(sender.get("userid", "")) if isinstance(sender, dict) else ""


def _body(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def parse_wecom_bot(data: Mapping[str, Any], now: int) -> Event:
    """The typed event for one decrypted callback (``now`` stands in for a missing create_time)."""
    msg_type = str(data.get("msgtype", ""))
    common = dict(platform=P, create_time=as_int(data.get("create_time"), now) or now, raw=data)
    if msg_type == "event":
        name = str(_body(data, "event").get("eventtype", ""))
        msg_id = str(data.get("msgid", ""))
        return UnknownEvent(**common, type_name=f"event:{name}", sender=_sender(data), msg_id=msg_id)
    group = data.get("chattype") == "group"
    message = dict(
        **common,
        msg_id=str(data.get("msgid", "")),
        sender=_sender(data),
        chat=ChatKind.GROUP if group else ChatKind.SINGLE,
        chat_id=str(data.get("chatid", "")) if group else "",
        response_url=str(data.get("response_url", "")),
        sender_is_customer=False,
    )
    if msg_type == "text":
        content, mentioned = strip_mention(str(_body(data, "text").get("content", "")))
        return TextMessage(**message, content=content, mentioned_bot=mentioned or group)
    if msg_type in MEDIA_TYPES:
        return MediaMessage(**message, msg_type=msg_type)
    return UnknownEvent(**common, type_name=msg_type or "?", sender=_sender(data), msg_id=str(data.get("msgid", "")))
