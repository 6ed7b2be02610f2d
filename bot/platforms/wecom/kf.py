"""微信客服: pull messages with kf/sync_msg when WeCom notifies (kf_msg_or_event), deliver them
through the pipeline, and answer customers with kf/send_msg within its limits.

Doc facts relied on (developer.work.weixin.qq.com 微信客服):
- 读取消息 kf/sync_msg: the callback's Token (valid 10 minutes) plus a cursor; the answer has
  next_cursor, has_more and msg_list (msgid, open_kfid, external_userid, send_time, origin:
  3 customer, 4 system event, 5 servicer, msgtype...). Keep the cursor persisted and pass it
  back; has_more may be 1 with an empty msg_list.
- Events (msgtype event): enter_session (welcome_code, scene, scene_param), msg_send_fail
  (fail_msgid, fail_type), servicer_status_change, session_status_change, user_recall_msg...
- 发送消息 kf/send_msg: only within 48 hours after the customer's last message, and at most
  5 messages per customer message (the count starts again when the customer writes again).
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from bot.clock import Clock
from bot.events import Event, KfEvent, KfMsgOrEvent, MediaMessage, Message, Platform, TextMessage, UnknownEvent
from bot.responder import Responder
from models import KfConversation, KfCursor

log = logging.getLogger(__name__)

REPLY_WINDOW = timedelta(hours=48)
MAX_REPLIES_PER_MESSAGE = 5
PAGE_LIMIT = 1000
MAX_PAGES_PER_PULL = 200  # a guard against a cursor that never moves
ORIGIN_CUSTOMER, ORIGIN_SYSTEM, ORIGIN_SERVICER = 3, 4, 5
P = Platform.WECOM_KF


# --- msg_list items → events (pure) -------------------------------------------------------


def _send_time(item: Mapping[str, Any]) -> int:
    try:
        return int(item.get("send_time") or 0)
    except (TypeError, ValueError):
        return 0


def _event_from_system(item: Mapping[str, Any], common: dict[str, Any]) -> Event:
    body = item.get("event")
    if item.get("msgtype") != "event" or not isinstance(body, dict):
        return UnknownEvent(**common, type_name=f"kf:{item.get('msgtype', '?')}", msg_id=str(item.get("msgid", "")))
    return KfEvent(
        **common,
        msg_id=str(item.get("msgid", "")),
        event_type=str(body.get("event_type", "")),
        open_kfid=str(body.get("open_kfid") or item.get("open_kfid", "")),
        external_user_id=str(body.get("external_userid") or item.get("external_userid", "")),
        welcome_code=str(body.get("welcome_code", "")),
        scene=str(body.get("scene", "")),
        scene_param=str(body.get("scene_param", "")),
    )


def kf_item_event(item: Mapping[str, Any]) -> Event | None:
    """The event for one sync_msg item; None for a servicer's own message (origin 5), which
    is the receptionist talking, not something to handle."""
    origin = item.get("origin")
    common: dict[str, Any] = dict(platform=P, create_time=_send_time(item), raw=item)
    if origin == ORIGIN_SERVICER:
        return None
    if origin == ORIGIN_SYSTEM:
        return _event_from_system(item, common)
    if origin != ORIGIN_CUSTOMER:
        return UnknownEvent(**common, type_name=f"kf:origin:{origin}", msg_id=str(item.get("msgid", "")))
    message = dict(
        **common,
        msg_id=str(item.get("msgid", "")),
        sender=str(item.get("external_userid", "")),
        open_kfid=str(item.get("open_kfid", "")),
        sender_is_customer=True,
    )
    msg_type = str(item.get("msgtype", ""))
    text = item.get("text")
    if msg_type == "text" and isinstance(text, dict):
        return TextMessage(**message, content=str(text.get("content", "")))
    return MediaMessage(**message, msg_type=msg_type or "?")


# --- the 48-hour window and the per-message cap -------------------------------------------


def _at(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, tz=timezone.utc)


async def record_customer_message(open_kfid: str, external_userid: str, sent_at: datetime) -> None:
    """The customer wrote at ``sent_at``: the window restarts and the reply count resets."""
    newer = KfConversation.filter(
        open_kfid=open_kfid, external_userid=external_userid, last_customer_message_at__lt=sent_at
    )
    if await newer.update(last_customer_message_at=sent_at, sent_since=0):
        return
    if await KfConversation.exists(open_kfid=open_kfid, external_userid=external_userid):
        return
    try:
        await KfConversation.create(
            open_kfid=open_kfid, external_userid=external_userid, last_customer_message_at=sent_at
        )
    except IntegrityError:  # created meanwhile by another pull
        await newer.update(last_customer_message_at=sent_at, sent_since=0)


class KfSender:
    """Sends kf text replies, refusing (logged, no API call) outside kf/send_msg's limits."""

    def __init__(self, client: Any, clock: Clock) -> None:
        self.client = client
        self.clock = clock

    async def send_text(self, open_kfid: str, external_userid: str, content: str) -> bool:
        """True if sent; False if refused by the 48-hour window or the 5-message cap."""
        conversation = await KfConversation.get_or_none(open_kfid=open_kfid, external_userid=external_userid)
        who = f"{external_userid} on {open_kfid}"
        if conversation is None:
            log.warning("kf reply to %s refused: the customer has not written to this account", who)
            return False
        if self.clock.now() - conversation.last_customer_message_at > REPLY_WINDOW:
            log.warning("kf reply to %s refused: more than 48 h since the customer's last message", who)
            return False
        slot = KfConversation.filter(id=conversation.id, sent_since__lt=MAX_REPLIES_PER_MESSAGE)
        if not await slot.update(sent_since=F("sent_since") + 1):
            log.warning("kf reply to %s refused: %d replies already sent since the customer's last message",
                        who, MAX_REPLIES_PER_MESSAGE)
            return False
        try:
            await self.client.kf_send_text(external_userid, open_kfid, content)
        except Exception:
            await KfConversation.filter(id=conversation.id, sent_since__gt=0).update(sent_since=F("sent_since") - 1)
            raise
        return True

    def for_customer(self, open_kfid: str, external_userid: str):
        """The Responder's active sender for one customer."""

        async def send(content: str) -> bool:
            return await self.send_text(open_kfid, external_userid, content)

        return send


# --- the puller ----------------------------------------------------------------------------


class KfPuller:
    """Pulls on each kf_msg_or_event, one pull at a time per kf account, from the persisted
    cursor; the cursor is saved after each page is handled, so a restart neither skips nor
    repeats a page (and the pipeline's msgid dedup catches any overlap)."""

    def __init__(self, client: Any, pipeline: Any, clock: Clock, *, page_limit: int = PAGE_LIMIT) -> None:
        self.client = client
        self.pipeline = pipeline
        self.clock = clock
        self.sender = KfSender(client, clock)
        self.page_limit = page_limit
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task] = set()

    def schedule(self, event: KfMsgOrEvent) -> asyncio.Task:
        """Start a pull in the background (the callback is acknowledged at once)."""
        task = asyncio.create_task(self.pull(event.open_kfid, event.token))
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("kf pull failed", exc_info=task.exception())

    async def drain(self) -> None:
        """Wait for pulls still running (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def pull(self, open_kfid: str, token: str) -> int:
        """Pull and deliver everything new for ``open_kfid``; returns how many items were read."""
        async with self._locks.setdefault(open_kfid, asyncio.Lock()):
            row = await KfCursor.get_or_none(open_kfid=open_kfid)
            cursor = row.cursor if row else ""
            count = 0
            for _ in range(MAX_PAGES_PER_PULL):
                page = await self.client.kf_sync_msg(token, open_kfid, cursor, self.page_limit)
                items = page.get("msg_list") or []
                for item in items:
                    await self._deliver(item)
                count += len(items)
                cursor = await self._save_cursor(open_kfid, cursor, str(page.get("next_cursor") or ""))
                if not page.get("has_more"):
                    return count
            log.warning("kf pull for %s stopped after %d pages; the next notification continues", open_kfid,
                        MAX_PAGES_PER_PULL)
            return count

    async def _save_cursor(self, open_kfid: str, old: str, new: str) -> str:
        if not new or new == old:
            return old
        await KfCursor.update_or_create(defaults={"cursor": new}, open_kfid=open_kfid)
        return new

    async def _deliver(self, item: Mapping[str, Any]) -> None:
        event = kf_item_event(item)
        if event is None:
            return
        open_kfid, customer = _customer_of(event)
        if isinstance(event, Message) and customer:
            await record_customer_message(open_kfid, customer, _at(event.create_time or int(self.clock.time())))
        send = self.sender.for_customer(open_kfid, customer) if customer and open_kfid else None
        await self.pipeline.deliver(event, Responder(send, passive=False))


def _customer_of(event: Event) -> tuple[str, str]:
    """(open_kfid, external_userid) of the customer an event is about, if any."""
    if isinstance(event, KfEvent):
        return event.open_kfid, event.external_user_id
    if isinstance(event, Message):
        return event.open_kfid, event.sender
    return "", ""
