"""Typed, immutable events. Transports turn raw XML/JSON into these before routing, so no
handler ever sees XML, JSON or an HTTP request.

Every event knows three things the pipeline needs:
- ``dedup_key``: the exactly-once key (messages on MsgId; events on
  Event+ChangeType+UserID+ExternalUserID/ChatId+CreateTime);
- ``user_key``: whose events must be handled one at a time and in order;
- ``identity``: the customer identity a lead is found or created from (None for staff).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Mapping


class Platform(StrEnum):
    WECOM = "wecom"  # self-built app callback (staff messages, customer-contact events)
    WECOM_KF = "wecom_kf"  # 微信客服, pulled with kf/sync_msg
    WECOM_BOT = "wecom_bot"  # 智能机器人 (JSON callbacks)
    WECHAT = "wechat"  # official account
    ARCHIVE = "archive"  # 会话内容存档 (chat archive)


class ChatKind(StrEnum):
    SINGLE = "single"  # 1:1 (staff with the app, customer with kf or the official account)
    GROUP = "group"  # an internal group (智能机器人 @-mentions)
    CUSTOMER_GROUP = "customer_group"  # an external customer group (archive only)


class IdentityKind(StrEnum):
    EXTERNAL_USERID = "external_userid"
    OPENID = "openid"
    UNIONID = "unionid"


@dataclass(frozen=True, slots=True)
class Identity:
    """A customer's platform identity; leads are found or created from it."""

    kind: IdentityKind
    value: str


def _frozen(raw: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(raw or {}))


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Base of every inbound event."""

    platform: Platform
    create_time: int
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    kind = "event"  # behaviour-log kind, overridden per class

    def __post_init__(self) -> None:
        object.__setattr__(self, "raw", _frozen(self.raw))

    @property
    def dedup_key(self) -> str:
        raise NotImplementedError

    @property
    def user_key(self) -> str:
        raise NotImplementedError

    @property
    def identity(self) -> Identity | None:
        return None

    @property
    def staff_userid(self) -> str | None:
        """The WeCom staff member the event is about, where there is one."""
        return None

    def summary(self) -> dict[str, Any]:
        """A short payload for the behaviour log."""
        return {}


# --- messages -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Message(Event):
    """A message someone sent. ``sender`` is a staff userid (WeCom app, 智能机器人), an
    external_userid (微信客服, archive) or an openid (official account)."""

    msg_id: str
    sender: str
    msg_type: str
    chat: ChatKind = ChatKind.SINGLE
    chat_id: str = ""
    open_kfid: str = ""  # 微信客服 account, for kf messages
    agent_id: str = ""
    response_url: str = ""  # 智能机器人 active-reply URL
    sender_is_customer: bool = False

    kind = "message"

    @property
    def dedup_key(self) -> str:
        return f"{self.platform}:msg:{self.msg_id}"

    @property
    def user_key(self) -> str:
        return f"{self.platform}:{self.open_kfid or self.chat_id}:{self.sender}"

    @property
    def identity(self) -> Identity | None:
        if not self.sender_is_customer:
            return None
        if self.platform == Platform.WECHAT:
            return Identity(IdentityKind.OPENID, self.sender)
        return Identity(IdentityKind.EXTERNAL_USERID, self.sender)

    @property
    def staff_userid(self) -> str | None:
        return None if self.sender_is_customer else self.sender

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"msg_type": self.msg_type, "chat": str(self.chat)}
        if self.chat_id:
            out["chat_id"] = self.chat_id
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class TextMessage(Message):
    content: str
    mentioned_bot: bool = False
    msg_type: str = "text"

    kind = "message.text"

    def summary(self) -> dict[str, Any]:
        return {**Message.summary(self), "text": self.content}


@dataclass(frozen=True, slots=True, kw_only=True)
class MediaMessage(Message):
    """Image, voice, video, file, location, link, miniprogram... kept as their raw fields."""

    kind = "message.media"


# --- WeCom customer contact (客户联系) ----------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactEvent(Event):
    """``change_external_contact`` events. They all come from ``sys``."""

    change_type: str
    user_id: str  # the staff member
    external_user_id: str

    kind = "contact"

    @property
    def dedup_key(self) -> str:
        return (
            f"{self.platform}:change_external_contact:{self.change_type}:"
            f"{self.user_id}:{self.external_user_id}:{self.create_time}"
        )

    @property
    def user_key(self) -> str:
        return f"{self.platform}:customer:{self.external_user_id}"

    @property
    def identity(self) -> Identity:
        return Identity(IdentityKind.EXTERNAL_USERID, self.external_user_id)

    @property
    def staff_userid(self) -> str:
        return self.user_id

    def summary(self) -> dict[str, Any]:
        return {"change_type": self.change_type, "staff": self.user_id}


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactAdded(ContactEvent):
    """add_external_contact / add_half_external_contact, with the contact way's State and
    the WelcomeCode for ``send_welcome_msg`` (absent when no welcome may be sent)."""

    state: str = ""
    welcome_code: str = ""
    half: bool = False

    kind = "contact.added"

    def summary(self) -> dict[str, Any]:
        return {**ContactEvent.summary(self), "state": self.state, "half": self.half}


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactEdited(ContactEvent):
    kind = "contact.edited"


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactDeleted(ContactEvent):
    """del_external_contact: the staff member removed the customer."""

    source: str = ""
    kind = "contact.deleted"


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowUserDeleted(ContactEvent):
    """del_follow_user: the customer removed the staff member."""

    kind = "contact.follow_user_deleted"


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactTransferFailed(ContactEvent):
    fail_reason: str = ""
    kind = "contact.transfer_failed"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExternalChatEvent(Event):
    """``change_external_chat`` events for customer groups."""

    change_type: str
    chat_id: str

    kind = "group"

    @property
    def dedup_key(self) -> str:
        return f"{self.platform}:change_external_chat:{self.change_type}:{self.chat_id}:{self.create_time}"

    @property
    def user_key(self) -> str:
        return f"{self.platform}:chat:{self.chat_id}"

    def summary(self) -> dict[str, Any]:
        return {"change_type": self.change_type, "chat_id": self.chat_id}


@dataclass(frozen=True, slots=True, kw_only=True)
class ExternalChatCreated(ExternalChatEvent):
    kind = "group.created"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExternalChatUpdated(ExternalChatEvent):
    """update: UpdateDetail is add_member/del_member/change_owner/change_name/change_notice;
    for members, JoinScene/QuitScene, MemChangeCnt, MemChangeList and the join way's State."""

    update_detail: str
    join_scene: int | None = None
    quit_scene: int | None = None
    mem_change_cnt: int = 0
    mem_change_list: tuple[str, ...] = ()
    last_mem_ver: str = ""
    cur_mem_ver: str = ""
    state: str = ""

    kind = "group.updated"

    @property
    def dedup_key(self) -> str:
        return (
            f"{self.platform}:change_external_chat:{self.change_type}:{self.update_detail}:"
            f"{self.chat_id}:{self.cur_mem_ver}:{self.create_time}"
        )

    def summary(self) -> dict[str, Any]:
        out = {**ExternalChatEvent.summary(self), "update_detail": self.update_detail}
        if self.mem_change_list:
            out["members"] = list(self.mem_change_list)
        if self.state:
            out["state"] = self.state
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class ExternalChatDismissed(ExternalChatEvent):
    kind = "group.dismissed"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExternalTagChanged(Event):
    """change_external_tag: create/update/delete/shuffle of a corp tag or tag group."""

    change_type: str
    tag_id: str
    tag_type: str  # tag | tag_group
    strategy_id: str = ""

    kind = "tag.changed"

    @property
    def dedup_key(self) -> str:
        return f"{self.platform}:change_external_tag:{self.change_type}:{self.tag_type}:{self.tag_id}:{self.create_time}"

    @property
    def user_key(self) -> str:
        return f"{self.platform}:tags"

    def summary(self) -> dict[str, Any]:
        return {"change_type": self.change_type, "tag_id": self.tag_id, "tag_type": self.tag_type}


@dataclass(frozen=True, slots=True, kw_only=True)
class TemplateCardClicked(Event):
    """template_card_event: a member pressed a button of an app template card. ``event_key``
    is the button's key, ``response_code`` lets the app update that card once (72 hours)."""

    sender: str  # the member's userid
    event_key: str
    task_id: str
    card_type: str
    response_code: str = ""
    agent_id: str = ""

    kind = "card.clicked"

    @property
    def dedup_key(self) -> str:
        return f"{self.platform}:template_card_event:{self.sender}:{self.task_id}:{self.event_key}:{self.create_time}"

    @property
    def user_key(self) -> str:
        return f"{self.platform}:staff:{self.sender}"

    @property
    def staff_userid(self) -> str | None:
        return self.sender

    def summary(self) -> dict[str, Any]:
        return {"task_id": self.task_id, "event_key": self.event_key, "card_type": self.card_type}


@dataclass(frozen=True, slots=True, kw_only=True)
class KfMsgOrEvent(Event):
    """kf_msg_or_event: new 微信客服 messages are waiting; pull them with kf/sync_msg."""

    token: str
    open_kfid: str

    kind = "kf.notify"

    @property
    def dedup_key(self) -> str:
        return f"{self.platform}:kf_msg_or_event:{self.open_kfid}:{self.token}:{self.create_time}"

    @property
    def user_key(self) -> str:
        return f"{self.platform}:kf:{self.open_kfid}"


@dataclass(frozen=True, slots=True, kw_only=True)
class KfEvent(Event):
    """A 微信客服 event from sync_msg (enter_session, msg_send_fail, ...)."""

    msg_id: str
    event_type: str
    open_kfid: str
    external_user_id: str = ""
    welcome_code: str = ""
    scene: str = ""
    scene_param: str = ""

    kind = "kf.event"

    @property
    def dedup_key(self) -> str:
        return f"{self.platform}:msg:{self.msg_id}"

    @property
    def user_key(self) -> str:
        return f"{self.platform}:{self.open_kfid}:{self.external_user_id}"

    @property
    def identity(self) -> Identity | None:
        if not self.external_user_id:
            return None
        return Identity(IdentityKind.EXTERNAL_USERID, self.external_user_id)

    def summary(self) -> dict[str, Any]:
        return {"event": self.event_type, "scene": self.scene, "scene_param": self.scene_param}


# --- official account events --------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountEvent(Event):
    """An official-account event (subscribe, SCAN, unsubscribe, CLICK, VIEW...).
    For subscribe/SCAN through a parametric QR code, ``scene`` is the scene string."""

    event_type: str
    openid: str
    event_key: str = ""
    scene: str = ""

    kind = "account.event"

    @property
    def dedup_key(self) -> str:
        return f"{self.platform}:event:{self.event_type}:{self.openid}:{self.create_time}"

    @property
    def user_key(self) -> str:
        return f"{self.platform}::{self.openid}"

    @property
    def identity(self) -> Identity:
        return Identity(IdentityKind.OPENID, self.openid)

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"event": self.event_type}
        if self.scene:
            out["scene"] = self.scene
        elif self.event_key:
            out["event_key"] = self.event_key
        return out


# --- anything else ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class UnknownEvent(Event):
    """A message or event type Siyu does not model: logged and acknowledged, never a 500."""

    type_name: str
    sender: str = ""
    msg_id: str = ""

    kind = "unknown"

    @property
    def dedup_key(self) -> str:
        if self.msg_id:
            return f"{self.platform}:msg:{self.msg_id}"
        return f"{self.platform}:unknown:{self.type_name}:{self.sender}:{self.create_time}"

    @property
    def user_key(self) -> str:
        return f"{self.platform}::{self.sender}"

    def summary(self) -> dict[str, Any]:
        return {"type": self.type_name}
