"""The fake platform's in-memory state: plain records, no rules (the API modules hold those)."""
from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from bot.clock import Clock


@dataclass
class Staff:
    userid: str
    name: str


@dataclass
class Customer:
    external_userid: str
    name: str
    unionid: str = ""
    avatar: str = ""
    gender: int = 0
    type: int = 1  # 1 a WeChat user, 2 a WeCom user (only those show corp_name and position)
    corp_name: str = ""
    corp_full_name: str = ""
    position: str = ""


@dataclass
class Relation:
    """A staff member's 客户联系 relation with a customer (a follow_user entry)."""

    userid: str
    external_userid: str
    createtime: int
    state: str = ""
    add_way: int = 1  # 1: scanned a QR code
    remark: str = ""
    tags: list[str] = field(default_factory=list)


@dataclass
class ContactWay:
    config_id: str
    type: int
    scene: int
    user: list[str]
    state: str = ""
    remark: str = ""
    skip_verify: bool = True
    style: int = 0
    party: list[int] = field(default_factory=list)
    qr_code: str = ""


@dataclass
class WelcomeCode:
    code: str
    userid: str
    external_userid: str
    issued_at: float
    used: bool = False


@dataclass
class CorpTag:
    id: str
    name: str
    group_id: str
    create_time: int
    order: int = 0


@dataclass
class TagGroup:
    group_id: str
    group_name: str
    create_time: int
    order: int = 0
    tags: list[CorpTag] = field(default_factory=list)


@dataclass
class GroupMember:
    userid: str
    type: int  # 1 staff, 2 external
    join_time: int
    join_scene: int = 3  # 1 invited directly, 2 via link, 3 via QR code
    invitor: str = ""
    name: str = ""
    unionid: str = ""
    state: str = ""


@dataclass
class CustomerGroup:
    chat_id: str
    name: str
    owner: str
    create_time: int
    notice: str = ""
    members: dict[str, GroupMember] = field(default_factory=dict)
    admin_list: list[str] = field(default_factory=list)
    version: int = 1
    status: int = 0

    @property
    def member_version(self) -> str:
        return f"{self.version:032x}"


@dataclass
class JoinWay:
    config_id: str
    scene: int
    chat_id_list: list[str]
    state: str = ""
    remark: str = ""
    auto_create_room: int = 0
    room_base_name: str = ""
    room_base_id: int = 0
    qr_code: str = ""


@dataclass
class MsgTemplate:
    """An add_msg_template task: waits for each sender to confirm (status 0 → 2)."""

    msgid: str
    chat_type: str
    create_time: int
    text: str
    attachments: list[dict[str, Any]]
    recipients: dict[str, list[str]]  # sender userid → external_userids or chat_ids
    task_status: dict[str, int] = field(default_factory=dict)  # userid → 0 pending, 2 sent
    send_time: dict[str, int] = field(default_factory=dict)
    target_status: dict[str, int] = field(default_factory=dict)  # target → 1 sent, 3 over the monthly cap
    creator: str = ""  # the sender named in the call ("" when WeCom chose the members)
    cancelled: bool = False  # cancel_groupmsg_send: members can no longer send it
    reminders: list[float] = field(default_factory=list)  # remind_groupmsg_send times


@dataclass
class KfMessage:
    msgid: str
    open_kfid: str
    external_userid: str
    send_time: int
    msgtype: str
    body: dict[str, Any]
    origin: int = 3  # 3: from the WeChat customer, 4: system event, 5: a receptionist in WeCom
    servicer_userid: str = ""

    def as_sync_item(self) -> dict[str, Any]:
        if self.msgtype == "event":
            event = {"open_kfid": self.open_kfid, "external_userid": self.external_userid, **self.body}
            return {"msgid": self.msgid, "send_time": self.send_time, "origin": self.origin, "msgtype": "event",
                    "event": event}
        item = {
            "msgid": self.msgid,
            "open_kfid": self.open_kfid,
            "external_userid": self.external_userid,
            "send_time": self.send_time,
            "origin": self.origin,
            "msgtype": self.msgtype,
        }
        item[self.msgtype] = dict(self.body)
        if self.servicer_userid:
            item["servicer_userid"] = self.servicer_userid
        return item


@dataclass
class KfSession:
    """One customer's conversation with a kf account. service_state: 0 new, 1 smart
    assistant, 2 queued, 3 human servicer, 4 ended."""

    service_state: int = 0
    servicer_userid: str = ""
    last_customer_msg_at: float | None = None
    sent_since_customer_msg: int = 0
    last_welcome_at: float | None = None


@dataclass
class KfEventCode:
    """A code from an event (enter_session's welcome_code) for kf/send_msg_on_event."""

    code: str
    external_userid: str
    issued_at: float
    ttl: float
    used: bool = False


@dataclass
class KfAccount:
    open_kfid: str
    name: str
    servicers: list[str] = field(default_factory=list)
    tokens: dict[str, float] = field(default_factory=dict)  # callback Token → issued at
    sessions: dict[str, KfSession] = field(default_factory=dict)
    event_codes: dict[str, KfEventCode] = field(default_factory=dict)


@dataclass
class ResponseCode:
    """A 智能机器人 response_url's code: one use, within an hour."""

    code: str
    recipient: str  # the chat id for a group message, else the staff userid
    issued_at: float
    used: bool = False


@dataclass
class AppCard:
    """A template card the app sent: its recipients and the update codes it handed out (the
    send's, then one per button press), each usable once within 72 hours."""

    task_id: str
    userids: list[str]
    card: dict[str, Any]
    codes: dict[str, float] = field(default_factory=dict)  # response_code → issued at
    replaced_name: str = ""  # the buttons greyed out with this text
    updates: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Follower:
    openid: str
    unionid: str = ""
    subscribed: bool = False
    last_interaction: float | None = None
    custom_sent_since_interaction: int = 0
    allowance: int = 0  # custom messages the last interaction allows...
    window: float = 0.0  # ...within this many seconds of it


@dataclass
class QrScene:
    ticket: str
    action_name: str
    scene: str  # scene_str, or str(scene_id)
    expires_at: float | None
    url: str


@dataclass
class ArchivedGroupMessage:
    """A message in a customer group: never a callback; kept for the chat-archive source."""

    seq: int
    msgid: str
    chat_id: str
    sender: str
    msgtype: str
    content: str
    msgtime: int


@dataclass
class ArchiveConsent:
    """A customer's answer to chat archiving (会话内容存档): Agree | Disagree | Default_Agree."""

    status: str
    changed_at: int = 0


class OutboxEntry(NamedTuple):
    """An accepted API call the bot made: (api, payload, time)."""

    api: str
    payload: dict[str, Any]
    time: float


@dataclass(frozen=True)
class Delivery:
    """A message that reached a person (customer, follower or staff member)."""

    recipient: str
    channel: str  # welcome | kf | app | custom | group_msg
    text: str
    time: float
    api: str
    attachments: tuple[dict[str, Any], ...] = ()  # link cards, images... as the API took them


class IdFactory:
    """Readable, unique ids in the platform's shapes."""

    def __init__(self) -> None:
        self._n = itertools.count(1)

    def next(self, prefix: str) -> str:
        return f"{prefix}{next(self._n):06d}{secrets.token_hex(5)}"


class PlatformState:
    """Everything the fake platform knows, plus what the bot sent."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.ids = IdFactory()
        self.staff: dict[str, Staff] = {}
        self.customers: dict[str, Customer] = {}
        self.relations: dict[tuple[str, str], Relation] = {}
        self.contact_ways: dict[str, ContactWay] = {}
        self.welcome_codes: dict[str, WelcomeCode] = {}
        self.tag_groups: dict[str, TagGroup] = {}
        self.groups: dict[str, CustomerGroup] = {}
        self.join_ways: dict[str, JoinWay] = {}
        self.group_welcome_templates: dict[str, dict[str, Any]] = {}
        self.msg_templates: dict[str, MsgTemplate] = {}
        self.kf_accounts: dict[str, KfAccount] = {}
        self.kf_log: list[KfMessage] = []  # every account's messages, in arrival order
        self.followers: dict[str, Follower] = {}
        self.response_codes: dict[str, ResponseCode] = {}
        self.app_cards: dict[str, AppCard] = {}  # task_id → card
        self.qr_scenes: dict[str, QrScene] = {}
        self.archive: list[ArchivedGroupMessage] = []
        self.archive_consents: dict[str, ArchiveConsent] = {}  # external_userid → answer
        self.archive_default_consent = "Agree"
        self.outbox: list[OutboxEntry] = []
        self.deliveries: list[Delivery] = []

    def now(self) -> int:
        return int(self.clock.time())

    def record(self, api: str, payload: dict[str, Any]) -> None:
        self.outbox.append(OutboxEntry(api, dict(payload), self.clock.time()))

    def deliver(self, recipient: str, channel: str, text: str, api: str,
                attachments: list[dict[str, Any]] | tuple[dict[str, Any], ...] = ()) -> None:
        self.deliveries.append(Delivery(recipient, channel, text, self.clock.time(), api, tuple(attachments)))

    def tag(self, tag_id: str) -> CorpTag | None:
        for group in self.tag_groups.values():
            for tag in group.tags:
                if tag.id == tag_id:
                    return tag
        return None

    def relations_of(self, external_userid: str) -> list[Relation]:
        return [r for (_, ext), r in self.relations.items() if ext == external_userid]

    def archive_consent(self, external_userid: str) -> ArchiveConsent:
        """The customer's archiving answer (the default one when they gave none)."""
        return self.archive_consents.get(external_userid) or ArchiveConsent(self.archive_default_consent)

    # --- queries ---------------------------------------------------------------------

    def calls(self, api: str) -> list[OutboxEntry]:
        """Accepted calls of one API, e.g. ``"wecom/externalcontact/send_welcome_msg"``."""
        return [e for e in self.outbox if e.api == api]

    def messages_to(self, user: str) -> list[Delivery]:
        """What one customer, follower or staff member received, in order."""
        return [d for d in self.deliveries if d.recipient == user]
