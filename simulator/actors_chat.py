"""Conversations: customers writing to 微信客服, staff writing to the app and the 智能机器人,
WeChat users following and writing to the official account."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from . import kf as kf_rules
from . import payloads, wechat
from .core import ActorResult, SimulatorCore
from .wecom_groups import CHINA
from .passive import bot_reply
from .state import Follower, KfAccount, KfEventCode, KfMessage, ResponseCode, Staff


STREAM_MAX_AGE = 360  # a stream reply must finish within 6 minutes


class ChatActors(SimulatorCore):
    """Customers, staff and followers writing to the bot's channels."""

    stream_refresh_interval = 1.0

    async def kf_customer_text(self, open_kfid: str, external_userid: str | None, text: str,
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

    async def kf_customer_enters(self, open_kfid: str, external_userid: str | None, scene: str = "",
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

    async def kf_servicer_text(self, open_kfid: str, servicer_userid: str, external_userid: str,
                               text: str) -> ActorResult:
        """The receptionist a conversation was handed to (service_state 3) answers from the
        WeCom client: the customer gets it, and sync_msg shows it with origin 5."""
        acc = self.state.kf_accounts.get(open_kfid)
        if acc is None:
            raise KeyError(f"no kf account {open_kfid!r}")
        session = kf_rules.session(self.state, acc, external_userid)
        if session.service_state != 3 or session.servicer_userid != servicer_userid:
            raise ValueError(f"{servicer_userid!r} is not serving {external_userid!r} on {open_kfid!r}")
        message = KfMessage(self.state.ids.next("kfsvc"), open_kfid, external_userid, self.now(), "text",
                            {"content": text}, origin=5, servicer_userid=servicer_userid)
        self.state.kf_log.append(message)
        self.state.deliver(external_userid, "kf", text, "client/kf")
        return await self._kf_notify(acc, {"msgid": message.msgid, "external_userid": external_userid})

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
        return ActorResult(await self._post(self.app_channel, plain, answer_to=userid))

    async def staff_bot_text(self, userid: str, text: str, chat_id: str = "") -> ActorResult:
        """A staff member writes to the 智能机器人 in a single chat, or @-mentions it in an
        internal group (``chat_id``). An unfinished stream reply is refreshed as the client
        does, every ``stream_refresh_interval`` seconds, until it finishes or 6 minutes pass;
        the finished content reaches the chat."""
        self._staff(userid)
        msg_id = self._msg_id()
        content = f"@{self.credentials.bot_id} {text}" if chat_id else text
        code = ResponseCode(self.state.ids.next("rc"), chat_id or userid, self.clock.time())
        self.state.response_codes[code.code] = code
        response_url = (f"{self.public_url.rstrip('/')}/wecom/cgi-bin/aibot/response?response_code={code.code}"
                        if self.public_url else "")
        plain = payloads.bot_text(msg_id, self.credentials.bot_id, userid, content, chat_id, response_url)
        result = await self._post(self.bot_channel, plain)
        refreshes = await self._follow_stream(result, userid, chat_id)
        return ActorResult(result, {"msgid": msg_id, "response_url": response_url, "refreshes": refreshes})

    async def _follow_stream(self, result, userid: str, chat_id: str) -> int:
        shown, stream_id, finished = bot_reply(result.reply) if result.reply else (None, "", True)
        started, refreshes = self.clock.time(), 0
        while not finished and stream_id and self.clock.time() - started < STREAM_MAX_AGE:
            await self.clock.sleep(self.stream_refresh_interval)
            plain = payloads.bot_stream_refresh(self._msg_id(), self.credentials.bot_id, userid, stream_id, chat_id)
            refresh = await self._post(self.bot_channel, plain)
            refreshes += 1
            shown, _, finished = bot_reply(refresh.reply) if refresh.reply else (None, stream_id, False)
        if shown:
            self.state.deliver(chat_id or userid, "passive", shown, "callback/wecom_bot")
        return refreshes

    async def staff_opens_bot_chat(self, userid: str) -> ActorResult:
        """A staff member opens the 智能机器人's single chat. Only the first visit of the day
        (China time) posts enter_chat, whose passive text reply is the welcome shown."""
        self._staff(userid)
        day = datetime.fromtimestamp(self.clock.time(), CHINA).date()
        if self._bot_visits.get(userid) == day:
            return ActorResult(None, {"event": ""})
        self._bot_visits[userid] = day
        plain = payloads.bot_enter_chat(self._msg_id(), self.credentials.bot_id, userid, self.now())
        result = await self._post(self.bot_channel, plain)
        shown, _, _ = bot_reply(result.reply) if result.reply else (None, "", True)
        if shown:
            self.state.deliver(userid, "passive", shown, "callback/wecom_bot")
        return ActorResult(result, {"event": "enter_chat"})

    def _staff(self, userid: str) -> Staff:
        if userid not in self.state.staff:
            raise KeyError(f"no staff member {userid!r}")
        return self.state.staff[userid]

    def _msg_id(self) -> str:
        self._msg_seq += 1
        return str(7_000_000_000_000_000_000 + self._msg_seq)

    # --- official account ---------------------------------------------------------------

    async def wechat_follow(self, openid: str, scene: str = "", unionid: str = "") -> ActorResult:
        """A WeChat user follows, or scans the parametric QR code of ``scene`` (made with
        qrcode/create and not expired): subscribe with EventKey ``qrscene_``+scene and the
        Ticket, or SCAN with the bare scene when they already follow."""
        ticket = self._ticket(scene) if scene else ""
        follower = self.state.followers.setdefault(openid, Follower(openid, unionid))
        if follower.subscribed and scene:
            event, key = "SCAN", scene
        else:
            event, key = "subscribe", (f"qrscene_{scene}" if scene else "")
        follower.subscribed = True
        wechat.interact(self.state, follower, "scan" if event == "SCAN" else "subscribe")
        plain = payloads.wechat_event(self.credentials.wechat_original_id, openid, self.now(), event, key, ticket)
        return ActorResult(await self._post(self.wechat_channel, plain, openid, answer_to=openid), {"event": event})

    async def wechat_unfollow(self, openid: str) -> ActorResult:
        """A follower unfollows: unsubscribe (custom messages now get 45015)."""
        follower = self.state.followers.get(openid)
        if follower is None or not follower.subscribed:
            raise ValueError(f"{openid!r} does not follow the account")
        follower.subscribed = False
        plain = payloads.wechat_event(self.credentials.wechat_original_id, openid, self.now(), "unsubscribe")
        return ActorResult(await self._post(self.wechat_channel, plain, openid))

    async def wechat_text(self, openid: str, text: str) -> ActorResult:
        """A follower writes to the official account (opens the 48 h custom-message window)."""
        follower = self.state.followers.get(openid)
        if follower is None or not follower.subscribed:
            raise ValueError(f"{openid!r} does not follow the account")
        wechat.interact(self.state, follower, "message")
        plain = payloads.wechat_text(self.credentials.wechat_original_id, openid, self.now(), text, self._msg_id())
        return ActorResult(await self._post(self.wechat_channel, plain, openid, answer_to=openid))

    def _ticket(self, scene: str) -> str:
        codes = [qr for qr in self.state.qr_scenes.values() if qr.scene == scene]
        if not codes:
            raise KeyError(f"no QR code with scene {scene!r}: create it with qrcode/create first")
        live = [qr for qr in codes if qr.expires_at is None or qr.expires_at > self.clock.time()]
        if not live:
            raise ValueError(f"the QR code for scene {scene!r} has expired")
        return live[-1].ticket

