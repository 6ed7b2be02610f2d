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
from bot.platforms.payloads import as_int, as_list, event_base, text_of

MEDIA_TYPES = frozenset({"image", "voice", "video", "location", "link", "file"})
P = Platform.WECOM


def _optional_int(xml: Mapping[str, Any], key: str) -> int | None:
    return as_int(xml[key]) if text_of(xml, key) else None


def _message(xml: Mapping[str, Any], msg_type: str) -> Event:
    common = dict(
        **event_base(xml, P),
        msg_id=text_of(xml, "MsgId"),
        sender=text_of(xml, "FromUserName"),
        agent_id=text_of(xml, "AgentID"),
        sender_is_customer=False,
    )
    if msg_type == "text":
        return TextMessage(**common, content=text_of(xml, "Content"))
    return MediaMessage(**common, msg_type=msg_type)


def _contact(xml: Mapping[str, Any]) -> Event:
    change = text_of(xml, "ChangeType")
    common = dict(
        **event_base(xml, P),
        change_type=change,
        user_id=text_of(xml, "UserID"),
        external_user_id=text_of(xml, "ExternalUserID"),
    )
    if change in ("add_external_contact", "add_half_external_contact"):
        return ContactAdded(
            **common,
            state=text_of(xml, "State"),
            welcome_code=text_of(xml, "WelcomeCode"),
            half=change == "add_half_external_contact",
        )
    if change == "edit_external_contact":
        return ContactEdited(**common)
    if change == "del_external_contact":
        return ContactDeleted(**common, source=text_of(xml, "Source"))
    if change == "del_follow_user":
        return FollowUserDeleted(**common)
    if change == "transfer_fail":
        return ContactTransferFailed(**common, fail_reason=text_of(xml, "FailReason"))
    return _unknown(xml, f"change_external_contact:{change}")


def _external_chat(xml: Mapping[str, Any]) -> Event:
    change = text_of(xml, "ChangeType")
    common = dict(
        **event_base(xml, P), change_type=change, chat_id=text_of(xml, "ChatId")
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
        update_detail=text_of(xml, "UpdateDetail"),
        join_scene=_optional_int(xml, "JoinScene"),
        quit_scene=_optional_int(xml, "QuitScene"),
        mem_change_cnt=as_int(xml.get("MemChangeCnt")),
        mem_change_list=tuple(str(item) for item in items if isinstance(item, str)),
        last_mem_ver=text_of(xml, "LastMemVer"),
        cur_mem_ver=text_of(xml, "CurMemVer"),
        state=text_of(xml, "State"),
    )


def _external_tag(xml: Mapping[str, Any]) -> Event:
    return ExternalTagChanged(
        **event_base(xml, P),
        change_type=text_of(xml, "ChangeType"),
        tag_id=text_of(xml, "Id"),
        tag_type=text_of(xml, "TagType"),
        strategy_id=text_of(xml, "StrategyId"),
    )


def _kf(xml: Mapping[str, Any]) -> Event:
    return KfMsgOrEvent(
        **event_base(xml, P),
        token=text_of(xml, "Token"),
        open_kfid=text_of(xml, "OpenKfId"),
    )


def _unknown(xml: Mapping[str, Any], type_name: str) -> UnknownEvent:
    return UnknownEvent(
        **event_base(xml, P),
        type_name=type_name,
        sender=text_of(xml, "FromUserName"),
        msg_id=text_of(xml, "MsgId"),
    )


EVENT_PARSERS: dict[str, Callable[[Mapping[str, Any]], Event]] = {
    "change_external_contact": _contact,
    "change_external_chat": _external_chat,
    "change_external_tag": _external_tag,
    "kf_msg_or_event": _kf,
}


def parse_wecom(xml: Mapping[str, Any]) -> Event:
    """The typed event for one decrypted WeCom app callback; UnknownEvent for anything else."""
    msg_type = text_of(xml, "MsgType")
    if msg_type == "text" or msg_type in MEDIA_TYPES:
        return _message(xml, msg_type)
    if msg_type == "event":
        name = text_of(xml, "Event")
        parser = EVENT_PARSERS.get(name)
        return parser(xml) if parser else _unknown(xml, f"event:{name}")
    return _unknown(xml, msg_type or "?")
