"""The simulator: platform state, the fake API, the callback sender and the actors
(customers, staff, followers) whose actions produce the platform's callbacks."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.clock import Clock
from bot.crypto import CallbackCrypto

from . import kf as kf_rules
from . import payloads, wecom_groups
from .api import PlatformApi
from .callbacks import CallbackResult, CallbackSender, Channel, Envelope, Mode
from .credentials import SimulatorCredentials
from .state import (ArchivedGroupMessage, Customer, CustomerGroup, Follower, GroupMember, KfAccount,
                    KfEventCode, KfMessage, PlatformState, Relation, ResponseCode, Staff, WelcomeCode)
from .wecom_groups import GROUP_MEMBER_LIMIT


@dataclass(frozen=True)
class CallbackUrls:
    """The bot's callback URLs (the paths are what the admin consoles were told)."""

    wecom_app: str
    wecom_bot: str
    wechat: str

    @classmethod
    def under(cls, bot_base_url: str) -> "CallbackUrls":
        base = bot_base_url.rstrip("/")
        return cls(base + "/wecom/callback", base + "/wecom/bot/callback", base + "/wechat/callback")


@dataclass
class ActorResult:
    """An actor's action: the callback it caused (None when the platform sends none) and
    the ids it created (external_userid, welcome_code, token...)."""

    callback: CallbackResult | None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def reply(self) -> str | None:
        return self.callback.reply if self.callback else None


class Simulator:
    """A fake WeCom + WeChat platform for one corp, one app, one 智能机器人 and one
    official account."""

    def __init__(self, clock: Clock, urls: CallbackUrls, credentials: SimulatorCredentials | None = None,
                 callback_timeout: float = 5.0, callback_retries: int = 3, wechat_mode: str = "aes") -> None:
        if wechat_mode not in ("aes", "plain"):
            raise ValueError("wechat_mode must be 'aes' or 'plain'")
        self.clock = clock
        self.urls = urls
        self.credentials = creds = credentials or SimulatorCredentials()
        self.state = PlatformState(clock)
        self.api = PlatformApi(self.state, creds, clock)
        self.sender = CallbackSender(clock, callback_timeout, callback_retries)
        self.wechat_mode = wechat_mode
        self.callbacks: list[tuple[str, str, CallbackResult]] = []  # (mode, plaintext, result)
        self._msg_seq = 0
        self.public_url = ""  # where the bot reaches this simulator (for 智能机器人 response_url)

    # --- channels -----------------------------------------------------------------------

    @property
    def app_channel(self) -> Channel:
        c = self.credentials
        return Channel(Mode.WECOM_APP, self.urls.wecom_app, CallbackCrypto(c.app_token, c.app_aes_key, c.corp_id),
                       c.corp_id, c.agent_id)

    @property
    def bot_channel(self) -> Channel:
        c = self.credentials
        return Channel(Mode.WECOM_BOT, self.urls.wecom_bot, CallbackCrypto(c.bot_token, c.bot_aes_key, ""))

    @property
    def wechat_channel(self) -> Channel:
        c = self.credentials
        mode = Mode.WECHAT_AES if self.wechat_mode == "aes" else Mode.WECHAT_PLAIN
        crypto = CallbackCrypto(c.wechat_token, c.wechat_aes_key, c.wechat_app_id)
        return Channel(mode, self.urls.wechat, crypto, c.wechat_original_id)

    async def _post(self, channel: Channel, plain: str, openid: str = "") -> CallbackResult:
        result = await self.sender.post(self.sender.envelope(channel, plain, openid))
        self.callbacks.append((str(channel.mode), plain, result))
        return result

    def envelope(self, channel: Channel, plain: str, openid: str = "") -> Envelope:
        """A signed callback to deliver by hand (twice, concurrently) in dedup tests."""
        return self.sender.envelope(channel, plain, openid)

    def now(self) -> int:
        return self.state.now()

    async def verify_urls(self) -> dict[str, CallbackResult]:
        """Check the three callback URLs as the admin consoles do when they are saved."""
        return {str(c.mode): await self.sender.verify_url(c)
                for c in (self.app_channel, self.bot_channel, self.wechat_channel)}

    # --- setup --------------------------------------------------------------------------

    def add_staff(self, userid: str, name: str = "") -> Staff:
        staff = self.state.staff[userid] = Staff(userid, name or userid)
        return staff

    def add_customer(self, external_userid: str | None = None, name: str = "微信用户", unionid: str = "") -> Customer:
        ext = external_userid or self.state.ids.next("wm")
        customer = self.state.customers.setdefault(ext, Customer(ext, name, unionid))
        return customer

    def add_kf_account(self, open_kfid: str, name: str = "客服", servicers: list[str] | None = None) -> KfAccount:
        acc = self.state.kf_accounts[open_kfid] = KfAccount(open_kfid, name, list(servicers or []))
        return acc

    def add_group(self, chat_id: str, name: str, owner: str) -> CustomerGroup:
        if owner not in self.state.staff:
            raise ValueError(f"group owner {owner!r} is not a staff member")
        group = CustomerGroup(chat_id, name, owner, self.now())
        group.members[owner] = GroupMember(owner, 1, self.now(), 1, name=self.state.staff[owner].name)
        self.state.groups[chat_id] = group
        return group

    # --- WeCom customer contact ---------------------------------------------------------

    async def scan_contact_way(self, config_id: str, external_userid: str | None = None,
                               name: str = "微信用户", unionid: str = "", half: bool = False) -> ActorResult:
        """A customer scans a 联系我 QR code: the relation exists and the app gets
        add_external_contact with State and a fresh WelcomeCode (add_half_external_contact
        with ``half``: added without verification, the staff member has not confirmed yet)."""
        way = self.state.contact_ways.get(config_id)
        if way is None:
            raise KeyError(f"no contact way {config_id!r}")
        if not way.user:
            raise ValueError(f"contact way {config_id!r} has no staff user")
        customer = self.add_customer(external_userid, name, unionid)
        ext, userid = customer.external_userid, way.user[0]
        self.state.relations[(userid, ext)] = Relation(userid, ext, self.now(), way.state)
        code = WelcomeCode(self.state.ids.next("wc"), userid, ext, self.clock.time())
        self.state.welcome_codes[code.code] = code
        change = "add_half_external_contact" if half else "add_external_contact"
        plain = payloads.contact_event(self.credentials.corp_id, self.now(), change, userid, ext,
                                       State=way.state, WelcomeCode=code.code)
        result = await self._post(self.app_channel, plain)
        return ActorResult(result, {"external_userid": ext, "userid": userid, "welcome_code": code.code,
                                    "state": way.state})

    async def customer_deletes_staff(self, external_userid: str, userid: str) -> ActorResult:
        """The customer removes the staff member: del_follow_user."""
        self._drop_relation(userid, external_userid)
        plain = payloads.contact_event(self.credentials.corp_id, self.now(), "del_follow_user", userid,
                                       external_userid)
        return ActorResult(await self._post(self.app_channel, plain))

    async def staff_deletes_customer(self, userid: str, external_userid: str) -> ActorResult:
        """The staff member removes the customer: del_external_contact."""
        self._drop_relation(userid, external_userid)
        plain = payloads.contact_event(self.credentials.corp_id, self.now(), "del_external_contact", userid,
                                       external_userid, Source="DELETE_BY_USER")
        return ActorResult(await self._post(self.app_channel, plain))

    def _drop_relation(self, userid: str, external_userid: str) -> None:
        if self.state.relations.pop((userid, external_userid), None) is None:
            raise KeyError(f"{userid!r} and {external_userid!r} have no relation")

    def confirm_group_message(self, msgid: str, userid: str) -> list[str]:
        """The sender confirms an add_msg_template task in the client; returns who received it."""
        return wecom_groups.confirm(self.state, msgid, userid)

    # --- customer groups ----------------------------------------------------------------

    async def join_group(self, external_userid: str, chat_id: str | None = None, join_way: str | None = None,
                         name: str = "微信用户", join_scene: int = 3) -> ActorResult:
        """A customer joins a group (through a join way's QR code: its first chat with room,
        and its State). The app gets change_external_chat update add_member."""
        state_value = ""
        if join_way:
            way = self.state.join_ways.get(join_way)
            if way is None:
                raise KeyError(f"no join way {join_way!r}")
            state_value = way.state
            open_chats = [c for c in way.chat_id_list if len(self.state.groups[c].members) < GROUP_MEMBER_LIMIT]
            if not open_chats:
                raise ValueError("every group of this join way is full (500 members)")
            chat_id = open_chats[0]
        group = self._group(chat_id)
        if len(group.members) >= GROUP_MEMBER_LIMIT:
            raise ValueError(f"group {chat_id!r} is full (500 members)")
        customer = self.add_customer(external_userid, name)
        last = group.member_version
        group.members[customer.external_userid] = GroupMember(
            customer.external_userid, 2, self.now(), join_scene, name=customer.name, unionid=customer.unionid,
            state=state_value)
        group.version += 1
        plain = payloads.chat_update_event(self.credentials.corp_id, self.now(), group.chat_id, "add_member",
                                           [customer.external_userid], last, group.member_version,
                                           join_scene=join_scene, state=state_value)
        return ActorResult(await self._post(self.app_channel, plain), {"chat_id": group.chat_id})

    async def leave_group(self, external_userid: str, chat_id: str, quit_scene: int = 0) -> ActorResult:
        """A customer leaves (quit_scene 0) or is removed (1): update del_member."""
        group = self._group(chat_id)
        if group.members.pop(external_userid, None) is None:
            raise KeyError(f"{external_userid!r} is not in {chat_id!r}")
        last = group.member_version
        group.version += 1
        plain = payloads.chat_update_event(self.credentials.corp_id, self.now(), chat_id, "del_member",
                                           [external_userid], last, group.member_version, quit_scene=quit_scene)
        return ActorResult(await self._post(self.app_channel, plain))

    def group_text(self, chat_id: str, sender: str, text: str) -> ArchivedGroupMessage:
        """A message in a customer group: no callback, only the chat-archive record."""
        group = self._group(chat_id)
        if sender not in group.members:
            raise KeyError(f"{sender!r} is not in {chat_id!r}")
        message = ArchivedGroupMessage(len(self.state.archive) + 1, self.state.ids.next("arc"), chat_id, sender,
                                       "text", text, int(self.clock.time() * 1000))
        self.state.archive.append(message)
        return message

    def _group(self, chat_id: str | None) -> CustomerGroup:
        group = self.state.groups.get(chat_id or "")
        if group is None:
            raise KeyError(f"no customer group {chat_id!r}")
        return group

    # --- 微信客服 -------------------------------------------------------------------------

    async def kf_customer_text(self, open_kfid: str, external_userid: str, text: str,
                               name: str = "微信用户") -> ActorResult:
        """A WeChat customer writes to a kf account: the message is queued for sync_msg and
        the app gets kf_msg_or_event with a fresh Token."""
        acc = self.state.kf_accounts.get(open_kfid)
        if acc is None:
            raise KeyError(f"no kf account {open_kfid!r}")
        customer = self.add_customer(external_userid, name)
        session = kf_rules.session(self.state, acc, customer.external_userid)
        if session.service_state == 4:
            session.service_state = 0
        session.last_customer_msg_at = self.clock.time()
        session.sent_since_customer_msg = 0
        message = KfMessage(self.state.ids.next("kfmsg"), open_kfid, customer.external_userid, self.now(), "text",
                            {"content": text})
        self.state.kf_log.append(message)
        return await self._kf_notify(acc, {"msgid": message.msgid, "external_userid": customer.external_userid})

    async def kf_customer_enters(self, open_kfid: str, external_userid: str, scene: str = "",
                                 scene_param: str = "", name: str = "微信用户") -> ActorResult:
        """A WeChat customer opens the kf chat (from a link with ``scene``/``scene_param``):
        an enter_session event, with a welcome_code when the customer neither got a welcome
        nor wrote in the past 48 hours."""
        acc = self.state.kf_accounts.get(open_kfid)
        if acc is None:
            raise KeyError(f"no kf account {open_kfid!r}")
        customer = self.add_customer(external_userid, name)
        ext, now = customer.external_userid, self.clock.time()
        session = kf_rules.session(self.state, acc, ext)
        recent = [t for t in (session.last_customer_msg_at, session.last_welcome_at)
                  if t is not None and now - t <= kf_rules.SEND_WINDOW]
        body: dict[str, Any] = {"event_type": "enter_session", "scene": scene, "scene_param": scene_param}
        if not recent:
            code = KfEventCode(self.state.ids.next("wcode"), ext, now, kf_rules.WELCOME_CODE_TTL)
            acc.event_codes[code.code] = code
            body["welcome_code"] = code.code
        message = KfMessage(self.state.ids.next("kfevt"), open_kfid, ext, self.now(), "event", body, origin=4)
        self.state.kf_log.append(message)
        return await self._kf_notify(acc, {"external_userid": ext, "welcome_code": body.get("welcome_code", "")})

    async def _kf_notify(self, acc: KfAccount, info: dict[str, Any]) -> ActorResult:
        token = self.state.ids.next("ENC")
        acc.tokens[token] = self.clock.time()
        plain = payloads.kf_event(self.credentials.corp_id, self.now(), token, acc.open_kfid)
        return ActorResult(await self._post(self.app_channel, plain), {"token": token, **info})

    # --- staff --------------------------------------------------------------------------

    async def staff_app_text(self, userid: str, text: str) -> ActorResult:
        """A staff member writes to the app."""
        self._staff(userid)
        plain = payloads.app_text(self.credentials.corp_id, self.credentials.agent_id, self.now(), userid, text,
                                  self._msg_id())
        return ActorResult(await self._post(self.app_channel, plain))

    async def staff_bot_text(self, userid: str, text: str, chat_id: str = "") -> ActorResult:
        """A staff member writes to the 智能机器人 in a single chat, or @-mentions it in an
        internal group (``chat_id``)."""
        self._staff(userid)
        msg_id = self._msg_id()
        content = f"@{self.credentials.bot_id} {text}" if chat_id else text
        code = ResponseCode(self.state.ids.next("rc"), chat_id or userid, self.clock.time())
        self.state.response_codes[code.code] = code
        response_url = (f"{self.public_url.rstrip('/')}/wecom/cgi-bin/aibot/response?response_code={code.code}"
                        if self.public_url else "")
        plain = payloads.bot_text(msg_id, self.credentials.bot_id, userid, content, chat_id, response_url)
        return ActorResult(await self._post(self.bot_channel, plain), {"msgid": msg_id, "response_url": response_url})

    def _staff(self, userid: str) -> Staff:
        if userid not in self.state.staff:
            raise KeyError(f"no staff member {userid!r}")
        return self.state.staff[userid]

    def _msg_id(self) -> str:
        self._msg_seq += 1
        return str(7_000_000_000_000_000_000 + self._msg_seq)

    # --- official account ---------------------------------------------------------------

    async def wechat_follow(self, openid: str, scene: str = "", unionid: str = "") -> ActorResult:
        """A WeChat user follows (by scanning a scene QR code: EventKey ``qrscene_``+scene,
        or SCAN when they already follow)."""
        follower = self.state.followers.setdefault(openid, Follower(openid, unionid))
        ticket = self._ticket(scene)
        if follower.subscribed and scene:
            event, key = "SCAN", scene
        else:
            event, key = "subscribe", (f"qrscene_{scene}" if scene else "")
        follower.subscribed = True
        self._interact(follower)
        plain = payloads.wechat_event(self.credentials.wechat_original_id, openid, self.now(), event, key, ticket)
        return ActorResult(await self._post(self.wechat_channel, plain, openid), {"event": event})

    async def wechat_unfollow(self, openid: str) -> ActorResult:
        follower = self.state.followers[openid]
        follower.subscribed = False
        plain = payloads.wechat_event(self.credentials.wechat_original_id, openid, self.now(), "unsubscribe")
        return ActorResult(await self._post(self.wechat_channel, plain, openid))

    async def wechat_text(self, openid: str, text: str) -> ActorResult:
        """A follower writes to the official account (opens the 48 h custom-message window)."""
        follower = self.state.followers.get(openid)
        if follower is None or not follower.subscribed:
            raise ValueError(f"{openid!r} does not follow the account")
        self._interact(follower)
        plain = payloads.wechat_text(self.credentials.wechat_original_id, openid, self.now(), text, self._msg_id())
        return ActorResult(await self._post(self.wechat_channel, plain, openid))

    def _interact(self, follower: Follower) -> None:
        follower.last_interaction = self.clock.time()
        follower.custom_sent_since_interaction = 0

    def _ticket(self, scene: str) -> str:
        for qr in self.state.qr_scenes.values():
            if scene and qr.scene == scene and (qr.expires_at is None or qr.expires_at > self.clock.time()):
                return qr.ticket
        return ""

    # --- queries ------------------------------------------------------------------------

    def received(self, user: str) -> list[dict[str, Any]]:
        """Everything one customer, follower or staff member received from the bot
        (welcome, kf, app, custom and group mass-send messages), in order."""
        return [{"channel": d.channel, "text": d.text, "time": d.time, "api": d.api}
                for d in self.state.messages_to(user)]

    @property
    def outbox(self):
        return self.state.outbox

    def messages_to(self, user: str):
        return self.state.messages_to(user)
