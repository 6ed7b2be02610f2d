"""The simulator's core: platform state, the fake API, the callback channels and sender,
setup of the corp's people and places, and the queries tests and the demo page read."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.clock import Clock
from bot.platforms.crypto import CallbackCrypto

from .api import PlatformApi
from .callbacks import CallbackResult, CallbackSender, Channel, Envelope, Mode
from .credentials import SimulatorCredentials
from .passive import xml_reply_text
from .state import Customer, CustomerGroup, GroupMember, KfAccount, PlatformState, Staff
from .wire import Wire


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


class SimulatorCore:
    """State, API and callbacks for one corp, one app, one 智能机器人 and one official
    account; the actor classes add what people do."""

    def __init__(self, clock: Clock, urls: CallbackUrls, credentials: SimulatorCredentials | None = None,
                 callback_timeout: float = 5.0, callback_retries: int = 3, wechat_mode: str = "aes") -> None:
        if wechat_mode not in ("aes", "plain"):
            raise ValueError("wechat_mode must be 'aes' or 'plain'")
        self.clock = clock
        self.urls = urls
        self.credentials = creds = credentials or SimulatorCredentials()
        self.state = PlatformState(clock)
        self.api = PlatformApi(self.state, creds, clock)
        self.wire = Wire(clock)  # every HTTP request, and scripted transport faults
        self.sender = CallbackSender(clock, callback_timeout, callback_retries)
        self.wechat_mode = wechat_mode
        self.callbacks: list[tuple[str, str, CallbackResult]] = []  # (mode, plaintext, result)
        self._msg_seq = 0
        self._bot_visits: dict[str, Any] = {}  # staff userid → the China-time day of their last 智能机器人 visit
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

    async def _post(self, channel: Channel, plain: str, openid: str = "", answer_to: str = "") -> CallbackResult:
        """Post one callback; a passive XML reply reaches ``answer_to`` (who wrote, when the
        platform shows passive replies for this callback)."""
        result = await self.sender.post(self.sender.envelope(channel, plain, openid))
        self.callbacks.append((str(channel.mode), plain, result))
        if answer_to and result.reply and channel.mode != Mode.WECOM_BOT:
            text, problem = xml_reply_text(result.reply, answer_to, channel.to_user)
            result.reply_error = result.reply_error or problem
            if text:
                self.state.deliver(answer_to, "passive", text, f"callback/{channel.mode}")
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

    # --- queries ------------------------------------------------------------------------

    def received(self, user: str) -> list[dict[str, Any]]:
        """Everything one customer, follower or staff member received from the bot
        (welcome, kf, app, custom and group mass-send messages), in order; link cards and
        other attachments under ``attachments`` when there are any."""
        return [{"channel": d.channel, "text": d.text, "time": d.time, "api": d.api,
                 **({"attachments": list(d.attachments)} if d.attachments else {})}
                for d in self.state.messages_to(user)]

    @property
    def outbox(self):
        return self.state.outbox

    def messages_to(self, user: str):
        return self.state.messages_to(user)
