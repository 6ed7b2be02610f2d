"""Official-account callback XML (parsed to a dict) → typed events. Pure.

Doc facts relied on (developers.weixin.qq.com, 接收普通消息 / 接收事件推送): messages carry
ToUserName (the account's original id), FromUserName (openid), CreateTime, MsgType, MsgId;
subscribe through a parametric QR code has EventKey ``qrscene_<scene>`` and a Ticket, SCAN
(already following) has EventKey ``<scene>``; CLICK has the menu key and VIEW the URL as
EventKey; unsubscribe has none.
"""
from __future__ import annotations

from typing import Any, Mapping

from bot.events import AccountEvent, Event, MediaMessage, Platform, TextMessage, UnknownEvent
from bot.platforms.payloads import event_base, text_of

MEDIA_TYPES = frozenset({"image", "voice", "video", "shortvideo", "location", "link"})
ACCOUNT_EVENTS = frozenset({"subscribe", "SCAN", "unsubscribe", "CLICK", "VIEW"})
QR_SCENE_PREFIX = "qrscene_"
P = Platform.WECHAT


def scene_of(event_type: str, event_key: str) -> str:
    """The QR-code scene of a subscribe/SCAN event ('' when it came from no parametric code)."""
    if event_type == "subscribe":
        return event_key[len(QR_SCENE_PREFIX):] if event_key.startswith(QR_SCENE_PREFIX) else ""
    return event_key if event_type == "SCAN" else ""


def _account_event(xml: Mapping[str, Any], event_type: str) -> AccountEvent:
    key = text_of(xml, "EventKey")
    return AccountEvent(
        **event_base(xml, P),
        event_type=event_type,
        openid=text_of(xml, "FromUserName"),
        event_key=key,
        scene=scene_of(event_type, key),
    )


def parse_wechat(xml: Mapping[str, Any]) -> Event:
    """The typed event for one official-account callback; UnknownEvent for anything else."""
    msg_type = text_of(xml, "MsgType")
    common = event_base(xml, P)
    if msg_type == "event":
        event_type = text_of(xml, "Event")
        if event_type in ACCOUNT_EVENTS:
            return _account_event(xml, event_type)
        return UnknownEvent(**common, type_name=f"event:{event_type}", sender=text_of(xml, "FromUserName"))
    message = dict(**common, msg_id=text_of(xml, "MsgId"), sender=text_of(xml, "FromUserName"), sender_is_customer=True)
    if msg_type == "text":
        return TextMessage(**message, content=text_of(xml, "Content"))
    if msg_type in MEDIA_TYPES:
        return MediaMessage(**message, msg_type=msg_type)
    return UnknownEvent(**common, type_name=msg_type or "?", sender=text_of(xml, "FromUserName"), msg_id=text_of(xml, "MsgId"))
