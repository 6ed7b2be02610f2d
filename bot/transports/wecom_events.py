"""WeCom self-built app callback XML (decrypted, parsed to a dict) → typed events. Pure.

Doc facts relied on (developer.work.weixin.qq.com):
- 接收消息: text/image/voice/video/location/link carry ToUserName (CorpID), FromUserName
  (member userid), CreateTime, MsgType, MsgId, AgentID.
- 客户联系 change_external_contact: ChangeType add_external_contact (State, WelcomeCode),
  add_half_external_contact, edit_external_contact, del_external_contact (Source),
  del_follow_user, transfer_fail (FailReason); UserID + ExternalUserID; FromUserName "sys".
- 客户群 change_external_chat: ChatId, ChangeType create/update/dismiss; update has
  UpdateDetail, JoinScene, QuitScene, MemChangeCnt, MemChangeList/Item, LastMemVer, CurMemVer.
- change_external_tag: Id, TagType (tag|tag_group), ChangeType, StrategyId.
- 微信客服 kf_msg_or_event: Token, OpenKfId (pull the messages with kf/sync_msg).
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from bot.events import (
    ContactAdded,
    ContactDeleted,
    ContactEdited,
    ContactTransferFailed,
    Event,
    ExternalChatCreated,
    ExternalChatDismissed,
    ExternalChatUpdated,
    ExternalTagChanged,
    FollowUserDeleted,
    KfMsgOrEvent,
    MediaMessage,
    Platform,
    TextMessage,
    UnknownEvent,
)
from bot.transports.payloads import as_int, as_list

MEDIA_TYPES = frozenset({"image", "voice", "video", "location", "link", "file"})
P = Platform.WECOM


def _s(xml: Mapping[str, Any], key: str) -> str:
    value = xml.get(key, "")
    return value if isinstance(value, str) else ""


def _optional_int(xml: Mapping[str, Any], key: str) -> int | None:
    return as_int(xml[key]) if _s(xml, key) else None


def _message(xml: Mapping[str, Any], msg_type: str) -> Event:
    common = dict(
        platform=P,
        create_time=as_int(xml.get("CreateTime")),
        raw=xml,
        msg_id=_s(xml, "MsgId"),
        sender=_s(xml, "FromUserName"),
        agent_id=_s(xml, "AgentID"),
        sender_is_customer=False,
    )
    if msg_type == "text":
        return TextMessage(**common, content=_s(xml, "Content"))
    return MediaMessage(**common, msg_type=msg_type)


def _contact(xml: Mapping[str, Any]) -> Event:
    change = _s(xml, "ChangeType")
    common = dict(
        platform=P,
        create_time=as_int(xml.get("CreateTime")),
        raw=xml,
        change_type=change,
        user_id=_s(xml, "UserID"),
        external_user_id=_s(xml, "ExternalUserID"),
    )
    if change in ("add_external_contact", "add_half_external_contact"):
        return ContactAdded(
            **common,
            state=_s(xml, "State"),
            welcome_code=_s(xml, "WelcomeCode"),
            half=change == "add_half_external_contact",
        )
    if change == "edit_external_contact":
        return ContactEdited(**common)
    if change == "del_external_contact":
        return ContactDeleted(**common, source=_s(xml, "Source"))
    if change == "del_follow_user":
        return FollowUserDeleted(**common)
    if change == "transfer_fail":
        return ContactTransferFailed(**common, fail_reason=_s(xml, "FailReason"))
    return _unknown(xml, f"change_external_contact:{change}")


def _external_chat(xml: Mapping[str, Any]) -> Event:
    change = _s(xml, "ChangeType")
    common = dict(
        platform=P, create_time=as_int(xml.get("CreateTime")), raw=xml, change_type=change, chat_id=_s(xml, "ChatId")
    )
    if change == "create":
        return ExternalChatCreated(**common)
    if change == "dismiss":
        return ExternalChatDismissed(**common)
    if change != "update":
        return _unknown(xml, f"change_external_chat:{change}")
    members = xml.get("MemChangeList")
    items = as_list(members.get("Item")) if isinstance(members, dict) else []
    return ExternalChatUpdated(
        **common,
        update_detail=_s(xml, "UpdateDetail"),
        join_scene=_optional_int(xml, "JoinScene"),
        quit_scene=_optional_int(xml, "QuitScene"),
        mem_change_cnt=as_int(xml.get("MemChangeCnt")),
        mem_change_list=tuple(str(item) for item in items if isinstance(item, str)),
        last_mem_ver=_s(xml, "LastMemVer"),
        cur_mem_ver=_s(xml, "CurMemVer"),
        state=_s(xml, "State"),
    )


def _external_tag(xml: Mapping[str, Any]) -> Event:
    return ExternalTagChanged(
        platform=P,
        create_time=as_int(xml.get("CreateTime")),
        raw=xml,
        change_type=_s(xml, "ChangeType"),
        tag_id=_s(xml, "Id"),
        tag_type=_s(xml, "TagType"),
        strategy_id=_s(xml, "StrategyId"),
    )


def _kf(xml: Mapping[str, Any]) -> Event:
    return KfMsgOrEvent(
        platform=P,
        create_time=as_int(xml.get("CreateTime")),
        raw=xml,
        token=_s(xml, "Token"),
        open_kfid=_s(xml, "OpenKfId"),
    )


def _unknown(xml: Mapping[str, Any], type_name: str) -> UnknownEvent:
    return UnknownEvent(
        platform=P,
        create_time=as_int(xml.get("CreateTime")),
        raw=xml,
        type_name=type_name,
        sender=_s(xml, "FromUserName"),
        msg_id=_s(xml, "MsgId"),
    )


EVENT_PARSERS: dict[str, Callable[[Mapping[str, Any]], Event]] = {
    "change_external_contact": _contact,
    "change_external_chat": _external_chat,
    "change_external_tag": _external_tag,
    "kf_msg_or_event": _kf,
}


def parse_wecom(xml: Mapping[str, Any]) -> Event:
    """The typed event for one decrypted WeCom app callback; UnknownEvent for anything else."""
    msg_type = _s(xml, "MsgType")
    if msg_type == "text" or msg_type in MEDIA_TYPES:
        return _message(xml, msg_type)
    if msg_type == "event":
        name = _s(xml, "Event")
        parser = EVENT_PARSERS.get(name)
        return parser(xml) if parser else _unknown(xml, f"event:{name}")
    return _unknown(xml, msg_type or "?")
