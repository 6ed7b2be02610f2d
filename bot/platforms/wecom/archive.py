"""会话内容存档 (chat archive): customer-group and customer 1:1 messages, read from an archive
source behind a small interface and delivered through the pipeline as ``Platform.ARCHIVE``
text messages. Only messages of customers who agreed to archiving are ever delivered.

Doc facts relied on (developer.work.weixin.qq.com 会话内容存档):
- The SDK's GetChatData(seq, limit ≤ 1000) returns messages after ``seq``; keep the last seq
  and pass it back. WeCom posts ``msgaudit_notify`` to the app when new messages are ready
  (a pull about every 15 s is the usual fallback).
- A decrypted message has msgid, action (send | recall | switch), from, tolist, roomid ("" in
  a 1:1 chat), msgtime (ms) and msgtype with its body (text.content).
- 获取会话同意情况: msgaudit/check_single_agree (info: [{userid, exteranalopenid}]) and
  msgaudit/check_room_agree (roomid) answer agree_status ``Agree``, ``Disagree`` or
  ``Default_Agree`` per external contact (``agreeinfo`` items with ``exteranalopenid``, the
  official spelling, and ``status_change_time``). They are plain HTTPS APIs: ApiConsent asks
  them for the production source, whose messages come from the SDK.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Protocol, Sequence

from bot.api.errors import ApiError
from bot.clock import Clock
from bot.events import ChatKind, Platform, TextMessage
from bot.responder import Responder
from models import ArchiveCursor

log = logging.getLogger(__name__)

AGREED = frozenset({"Agree", "Default_Agree"})
PULL_LIMIT = 1000
MAX_PAGES_PER_PULL = 100
CONSENT_TTL = 300.0  # seconds a consent answer is trusted before WeCom is asked again
CONSENT_CACHE_MAX = 10_000  # entries kept before expired ones are dropped
CHAT_NOT_FOUND = 40050


@dataclass(frozen=True)
class ArchivedMessage:
    """One decrypted archive record. ``room_id`` is empty in a 1:1 chat; ``to`` lists the
    recipients (the staff member, in a 1:1 chat)."""

    seq: int
    msg_id: str
    sender: str
    msg_type: str
    content: str
    msg_time_ms: int
    room_id: str = ""
    to: tuple[str, ...] = ()
    action: str = "send"
    sender_is_customer: bool = False


class ConsentSource(Protocol):
    """Who answers whether customers agreed to archiving."""

    async def check_room_agree(self, room_id: str) -> dict[str, str]:
        """external_userid → agree_status for the customers of a group chat."""

    async def check_single_agree(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """(staff userid, external_userid) → agree_status for 1:1 chats."""


class ArchiveSource(ConsentSource, Protocol):
    """Where archived messages come from (the official SDK in production, the simulator in
    tests and the demo), with the customers' consent."""

    name: str

    async def pull(self, since_seq: int, limit: int) -> Sequence[ArchivedMessage]:
        """Messages with seq greater than ``since_seq``, in seq order, at most ``limit``."""


class ApiConsent:
    """ConsentSource over WeCom's 获取会话同意情况 APIs (``wecom`` is a WeComClient). Answers
    are kept for ``ttl`` seconds on the injected clock, so a pull does not ask again for every
    message and a withdrawn consent counts within ``ttl``. A room WeCom does not know
    (errcode 40050) has no consenting customer; other errors propagate, so the pull stops
    before its seq is saved and the page is read again later."""

    def __init__(self, wecom: Any, clock: Clock, ttl: float = CONSENT_TTL, credential: Any = None) -> None:
        self.wecom = wecom
        self.clock = clock
        self.ttl = ttl
        self.credential = credential  # the 会话内容存档 Secret's credential, when the deployment has one
        self._rooms: dict[str, tuple[float, dict[str, str]]] = {}
        self._pairs: dict[tuple[str, str], tuple[float, str]] = {}

    async def check_room_agree(self, room_id: str) -> dict[str, str]:
        cached = self._rooms.get(room_id)
        if cached and cached[0] > self.clock.time():
            return dict(cached[1])
        try:
            answer = await self.wecom.msgaudit_check_room_agree(room_id, credential=self.credential)
        except ApiError as exc:
            if exc.errcode != CHAT_NOT_FOUND:
                raise
            log.warning("archive consent: WeCom does not know room %s, nobody in it counts as agreeing", room_id)
            answer = {}
        statuses = {i["exteranalopenid"]: i["agree_status"] for i in answer.get("agreeinfo", [])}
        _remember(self._rooms, room_id, (self.clock.time() + self.ttl, statuses), self.clock.time())
        return dict(statuses)

    async def check_single_agree(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        now = self.clock.time()
        known = {p: c[1] for p in pairs if (c := self._pairs.get(p)) and c[0] > now}
        ask = list(dict.fromkeys(p for p in pairs if p not in known and all(p)))
        if ask:
            answer = await self.wecom.msgaudit_check_single_agree(ask, credential=self.credential)
            got = {(i["userid"], i["exteranalopenid"]): i["agree_status"] for i in answer.get("agreeinfo", [])}
            for pair in ask:
                known[pair] = got.get(pair, "")
                _remember(self._pairs, pair, (now + self.ttl, known[pair]), now)
        return {p: known.get(p, "") for p in pairs}


def _remember(cache: dict, key: Any, entry: tuple[float, Any], now: float) -> None:
    """Store ``entry`` (expiry, value); past CONSENT_CACHE_MAX entries, drop the expired ones."""
    if len(cache) >= CONSENT_CACHE_MAX:
        for stale in [k for k, (expires, _) in cache.items() if expires <= now]:
            del cache[stale]
    cache[key] = entry


class ConsentCheck:
    """Consent answers for one pull (one API call per room and per 1:1 pair)."""

    def __init__(self, source: ConsentSource) -> None:
        self.source = source
        self._rooms: dict[str, dict[str, str]] = {}
        self._pairs: dict[tuple[str, str], str] = {}

    async def agreed(self, message: ArchivedMessage) -> bool:
        if message.room_id:
            if message.room_id not in self._rooms:
                self._rooms[message.room_id] = await self.source.check_room_agree(message.room_id)
            return self._rooms[message.room_id].get(message.sender) in AGREED
        staff = message.to[0] if message.to else ""
        pair = (staff, message.sender)
        if pair not in self._pairs:
            self._pairs.update(await self.source.check_single_agree([pair]))
        return self._pairs.get(pair) in AGREED


def archive_event(message: ArchivedMessage) -> TextMessage:
    """The pipeline event for a consenting customer's archived text message."""
    group = bool(message.room_id)
    return TextMessage(
        platform=Platform.ARCHIVE,
        create_time=message.msg_time_ms // 1000,
        msg_id=message.msg_id,
        sender=message.sender,
        chat=ChatKind.CUSTOMER_GROUP if group else ChatKind.SINGLE,
        chat_id=message.room_id or (message.to[0] if message.to else ""),
        sender_is_customer=True,
        content=message.content,
        raw={"seq": message.seq, "msgtime": message.msg_time_ms, "tolist": list(message.to)},
    )


class ArchivePuller:
    """Pulls from the persisted seq, delivers consenting customers' text messages through the
    pipeline (no reply channel: nobody can post in a customer group), saves the seq after
    each page. One pull at a time; the pipeline's msgid dedup catches any overlap."""

    def __init__(self, source: ArchiveSource, pipeline: Any, *, limit: int = PULL_LIMIT) -> None:
        self.source = source
        self.pipeline = pipeline
        self.limit = limit
        self._lock = asyncio.Lock()

    async def pull(self) -> int:
        """Deliver everything new; returns how many messages were delivered."""
        async with self._lock:
            seq = await self._seq()
            delivered = 0
            for _ in range(MAX_PAGES_PER_PULL):
                page = list(await self.source.pull(seq, self.limit))
                if not page:
                    break
                consent = ConsentCheck(self.source)
                for message in page:
                    if await self._wanted(message, consent):
                        await self.pipeline.deliver(archive_event(message), Responder(None, passive=False))
                        delivered += 1
                seq = max(seq, max(m.seq for m in page))
                await ArchiveCursor.update_or_create(defaults={"seq": seq}, source=self.source.name)
                if len(page) < self.limit:
                    break
            return delivered

    async def _seq(self) -> int:
        row = await ArchiveCursor.get_or_none(source=self.source.name)
        return row.seq if row else 0

    @staticmethod
    async def _wanted(message: ArchivedMessage, consent: ConsentCheck) -> bool:
        if message.action != "send" or message.msg_type != "text" or not message.sender_is_customer:
            return False
        if not await consent.agreed(message):
            log.info("archive message %s skipped: the customer has not agreed to archiving", message.msg_id)
            return False
        return True
