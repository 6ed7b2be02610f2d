"""The push dispatcher: claims planned outbox rows in batches, hands each batch to WeCom as
one add_msg_template task, and records the answer. Exactly once:

- a claim is a transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so two dispatchers
  never take the same row;
- a row is ``sent`` only after WeCom answered with a msgid (and ``confirmed`` once the member
  sent it and WeCom reports the recipient received it);
- a batch whose call may have happened but whose answer was never recorded (a crash, a lost
  answer) stays ``sending``; once its lease is over it is looked up in WeCom's own task list
  (get_groupmsg_list_v2 by creator and time) and recorded, or put back to be sent;
- -1 and 45009 put the batch back with a growing delay.
"""
from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from tortoise.transactions import in_transaction

from bot.api.errors import ApiError, RateLimited, SystemBusy, TransportError
from bot.clock import Clock
from models import Campaign, PushDelivery, PushTask

from .audience import db_value
from .planning import plan_due
from .sequences import advance_sequences

log = logging.getLogger(__name__)

SINGLE_MAX = 10_000  # add_msg_template: external_userid 最多支持传入10000个客户
GROUP_MAX = 2_000  # chat_id_list: 最多可一次指定2000个客户群
REMINDERS_PER_DAY = 3  # remind_groupmsg_send: 24小时内每个群发最多触发三次提醒
LIST_SPAN = 30 * 24 * 3600  # get_groupmsg_list_v2: 起止时间间隔不能超过1个月


@dataclass(frozen=True)
class DispatchSettings:
    batch_size: int = 1000
    lease: float = 120.0  # a batch 'sending' this long without an answer is reconciled
    poll_every: float = 60.0  # how often a pending task's outcome is read
    follow_up_batch: int = 100  # pending tasks read per round (WeCom's API limits are per minute)
    give_up_after: float = 30 * 24 * 3600  # a task its member never sent stops being followed
    remind_after: float = 4 * 3600  # remind members this long after a task was created, and again
    backoff: float = 5.0  # first delay after -1 / 45009, doubling per attempt
    max_backoff: float = 600.0
    idle: float = 0.5  # pause between rounds when there was nothing to do


@dataclass
class Claimed:
    batch: str
    campaign_id: int
    chat_type: str
    sender: str
    text: str
    attachments: list
    rows: dict[str, int]  # recipient -> row id


class PushDispatcher:
    """One dispatcher process (or task). ``wecom`` is a WeComClient; ``base_url`` makes the
    tracked links of planned rows."""

    def __init__(self, clock: Clock, wecom: Any, base_url: str, settings: DispatchSettings = DispatchSettings()) -> None:
        self.clock = clock
        self.wecom = wecom
        self.base_url = base_url
        self.settings = settings

    async def run(self, stop: asyncio.Event) -> None:
        """Dispatch until ``stop`` is set; errors of one round are logged, not fatal."""
        while not stop.is_set():
            try:
                busy = await self.run_once()
            except Exception:  # noqa: BLE001 - the next round retries; nothing is lost
                log.exception("push dispatch round failed")
                busy = False
            if not busy:
                try:
                    await asyncio.wait_for(stop.wait(), self.settings.idle)
                except asyncio.TimeoutError:
                    pass

    async def run_once(self) -> bool:
        """One round: plan due campaigns, reconcile stale batches, send one claim, follow up
        tasks. True when it sent or planned something."""
        planned = await plan_due(self.clock.now(), self.base_url)
        planned = len(planned) + await advance_sequences(self.clock.now(), self.base_url)
        await self.reconcile_stale()
        sent = await self.send_claimed(await self.claim())
        await self.follow_up()
        await self.finish_campaigns()
        return bool(planned or sent)

    async def run_until_idle(self, rounds: int = 1000) -> None:
        """Rounds until nothing is left to send now (tests, the CLI)."""
        for _ in range(rounds):
            if not await self.run_once():
                return

    # --- claiming ------------------------------------------------------------------------

    async def claim(self) -> list[Claimed]:
        """Take up to batch_size planned rows of running campaigns, grouped into batches of
        one sender and one content, marked 'sending' in the same transaction."""
        now = self.clock.now()
        async with in_transaction() as tx:
            dialect = tx.capabilities.dialect
            lock = " FOR UPDATE OF d SKIP LOCKED" if dialect == "postgres" else ""
            mark = "$1" if dialect == "postgres" else "?"
            sql = (
                'SELECT d."id", d."campaign_id", d."recipient", d."sender", d."text", d."attachments", d."digest", '
                'c."chat_type" FROM "push_delivery" d JOIN "push_campaign" c ON c."id" = d."campaign_id" '
                f"WHERE d.\"state\" = 'planned' AND c.\"state\" = 'running' AND d.\"not_before\" <= {mark} "
                f'ORDER BY d."campaign_id", d."rotation", d."sender", d."digest", d."id" '
                f"LIMIT {int(self.settings.batch_size)}{lock}"
            )
            rows = await tx.execute_query_dict(sql, [db_value(now, dialect)])
            batches = self._group(rows)
            for batch in batches:
                await PushDelivery.filter(id__in=list(batch.rows.values())).using_db(tx).update(
                    state="sending", batch=batch.batch, claimed_at=now)
        return batches

    def _group(self, rows: list[dict]) -> list[Claimed]:
        groups: dict[tuple, Claimed] = {}
        out: list[Claimed] = []
        for row in rows:
            key = (row["campaign_id"], row["sender"], row["digest"])
            limit = GROUP_MAX if row["chat_type"] == "group" else SINGLE_MAX
            batch = groups.get(key)
            if batch is None or len(batch.rows) >= limit:
                attachments = row["attachments"]
                batch = groups[key] = Claimed(uuid.uuid4().hex, row["campaign_id"], row["chat_type"], row["sender"],
                                              row["text"], _json(attachments), {})
                out.append(batch)
            batch.rows[row["recipient"]] = row["id"]
        return out

    # --- sending -------------------------------------------------------------------------

    async def send_claimed(self, batches: list[Claimed]) -> int:
        for batch in batches:
            await self._send(batch)
        return len(batches)

    async def _send(self, batch: Claimed) -> None:
        payload = _payload(batch)
        try:
            answer = await self.wecom.add_msg_template(payload)
        except (RateLimited, SystemBusy) as exc:
            await self._put_back(batch, exc)
            return
        except TransportError:
            log.warning("no answer for push batch %s; it is reconciled after the lease", batch.batch)
            return
        except (ApiError, ValueError) as exc:
            reason = f"errcode {exc.errcode}" if isinstance(exc, ApiError) else "invalid"
            await PushDelivery.filter(batch=batch.batch, state="sending").update(state="failed", reason=reason)
            return
        await self._record(batch, answer["msgid"], set(answer.get("fail_list") or ()))

    async def _record(self, batch: Claimed, msgid: str, failed: set[str]) -> None:
        now = self.clock.now()
        async with in_transaction():
            await PushTask.get_or_create(msgid=msgid, defaults={
                "campaign_id": batch.campaign_id, "sender": batch.sender, "chat_type": batch.chat_type,
                "created_at": now})
            if failed:
                await PushDelivery.filter(batch=batch.batch, state="sending", recipient__in=list(failed)).update(
                    state="failed", reason="not_a_contact")
            await PushDelivery.filter(batch=batch.batch, state="sending").update(state="sent", msgid=msgid, sent_at=now)

    async def _put_back(self, batch: Claimed, exc: ApiError) -> None:
        rows = await PushDelivery.filter(batch=batch.batch, state="sending").values_list("id", "attempts")
        now = self.clock.now()
        for attempts in {a for _id, a in rows}:
            delay = min(self.settings.max_backoff, self.settings.backoff * 2 ** attempts)
            ids = [i for i, a in rows if a == attempts]
            await PushDelivery.filter(id__in=ids).update(
                state="planned", batch="", attempts=attempts + 1, not_before=now + timedelta(seconds=delay),
                reason=f"retry after errcode {exc.errcode}")
        log.warning("push batch %s put back after %s", batch.batch, exc)

    # --- reconciling ---------------------------------------------------------------------

    async def reconcile_stale(self) -> None:
        """Batches 'sending' past their lease: find their task in WeCom or send them again."""
        now = self.clock.now()
        stale = now - timedelta(seconds=self.settings.lease)
        batches = dict(await PushDelivery.filter(state="sending", claimed_at__lt=stale).distinct()
                       .values_list("batch", "claimed_at"))
        for batch_id, claimed_at in batches.items():
            # Take the batch over (another dispatcher may be doing the same): only one wins.
            if await PushDelivery.filter(batch=batch_id, state="sending", claimed_at__lt=stale).update(claimed_at=now):
                await self._reconcile(batch_id, claimed_at, now)

    async def _reconcile(self, batch_id: str, claimed_at: datetime, now: datetime) -> None:
        rows = await PushDelivery.filter(batch=batch_id, state="sending").select_related("campaign")
        if not rows:
            return
        first = rows[0]
        batch = Claimed(batch_id, first.campaign_id, first.campaign.chat_type, first.sender, first.text,
                        first.attachments, {r.recipient: r.id for r in rows})
        since = int(claimed_at.timestamp()) - 60  # the call came after the claim
        until = min(int(now.timestamp()), since + LIST_SPAN)
        found = await self._find_task(batch, since, until)
        if found:
            msgid, targets = found
            log.info("push batch %s was sent as %s before a crash; recorded", batch_id, msgid)
            await self._record(batch, msgid, set(batch.rows) - targets)
        else:
            await PushDelivery.filter(batch=batch_id, state="sending").update(state="planned", batch="")

    async def _find_task(self, batch: Claimed, since: int, until: int) -> tuple[str, set[str]] | None:
        known = set(await PushTask.filter(created_at__gte=_utc(since)).values_list("msgid", flat=True))
        cursor = ""
        while True:
            page = await self.wecom.get_groupmsg_list_v2(
                since, until, chat_type=batch.chat_type, creator=batch.sender, filter_type=0, cursor=cursor)
            for task in page.get("group_msg_list", []):
                if task["msgid"] in known or (task.get("text") or {}).get("content", "") != batch.text:
                    continue
                targets = await self._targets(task["msgid"])
                if targets & set(batch.rows):
                    return task["msgid"], targets
            cursor = page.get("next_cursor") or ""
            if not cursor:
                return None

    async def _targets(self, msgid: str) -> set[str]:
        targets: set[str] = set()
        for member in await self._task_members(msgid):
            for row in await self._send_results(msgid, member["userid"]):
                targets.add(row.get("external_userid") or row.get("chat_id"))
        return targets

    async def _task_members(self, msgid: str) -> list[dict]:
        return await _pages(lambda cursor: self.wecom.get_groupmsg_task(msgid, cursor=cursor), "task_list")

    async def _send_results(self, msgid: str, userid: str) -> list[dict]:
        return await _pages(lambda cursor: self.wecom.get_groupmsg_send_result(msgid, userid, cursor=cursor),
                            "send_list")

    # --- following up tasks ------------------------------------------------------------------

    async def follow_up(self) -> None:
        """Read the outcome of pending tasks, remind members who have not sent, and cancel
        the tasks of cancelled campaigns."""
        now = self.clock.now()
        due = now - timedelta(seconds=self.settings.poll_every)
        for task in await PushTask.filter(state="pending", campaign__state="cancelled").select_related("campaign") \
                .limit(self.settings.follow_up_batch):
            await self._cancel(task)
        unchecked = PushTask.filter(state="pending", checked_at=None).order_by("id")  # oldest first, on every database
        stale = PushTask.filter(state="pending", checked_at__lte=due).order_by("checked_at")
        for query in (unchecked, stale):
            for task in await query.limit(self.settings.follow_up_batch):
                if now.timestamp() - task.created_at.timestamp() > self.settings.give_up_after:
                    task.state = "expired"  # the member never sent it; its rows stay sent, unconfirmed
                    await task.save(update_fields=["state"])
                else:
                    await self._check(task, now)

    async def _check(self, task: PushTask, now: datetime) -> None:
        try:
            members = await self._task_members(task.msgid)
            for member in members:
                if member["status"] == 2:
                    await self._apply_results(task, member["userid"])
        except (RateLimited, SystemBusy, TransportError) as exc:
            log.warning("task %s not checked: %s", task.msgid, exc)
            return
        task.checked_at = now
        if members and all(m["status"] == 2 for m in members):
            task.state = "sent"
        elif now.timestamp() - task.created_at.timestamp() >= self.settings.remind_after:
            await self._remind(task, now)
        await task.save(update_fields=["checked_at", "state", "reminded"])

    async def _apply_results(self, task: PushTask, userid: str) -> None:
        by_status: dict[int, list[str]] = defaultdict(list)
        sent_at: dict[str, int] = {}
        for row in await self._send_results(task.msgid, userid):
            target = row.get("external_userid") or row.get("chat_id")
            by_status[row["status"]].append(target)
            sent_at[target] = row.get("send_time", 0)
        rows = PushDelivery.filter(msgid=task.msgid, state="sent")
        if by_status[1]:
            when = _utc(max(sent_at[t] for t in by_status[1]))
            await rows.filter(recipient__in=by_status[1]).update(state="confirmed", confirmed_at=when)
        if by_status[2]:
            await rows.filter(recipient__in=by_status[2]).update(state="failed", reason="not_a_contact")
        if by_status[3]:
            await rows.filter(recipient__in=by_status[3]).update(state="failed", reason="receiving_cap")

    async def _remind(self, task: PushTask, now: datetime) -> None:
        recent = [t for t in task.reminded if t > now.timestamp() - 24 * 3600]
        last = max(task.reminded, default=task.created_at.timestamp())
        if len(recent) >= REMINDERS_PER_DAY or now.timestamp() - last < self.settings.remind_after:
            return
        try:
            await self.wecom.remind_groupmsg_send(task.msgid)
        except ApiError as exc:
            log.warning("task %s not reminded: %s", task.msgid, exc)
            return
        task.reminded = [*recent, now.timestamp()]

    async def _cancel(self, task: PushTask) -> None:
        try:
            await self.wecom.cancel_groupmsg_send(task.msgid)
        except ApiError as exc:
            log.warning("task %s not cancelled yet: %s", task.msgid, exc)
            return
        task.state = "cancelled"
        await task.save(update_fields=["state"])
        await PushDelivery.filter(msgid=task.msgid, state="sent").update(state="cancelled", reason="cancelled")

    async def finish_campaigns(self) -> None:
        """A running campaign with no next run and nothing left to hand over is finished."""
        for campaign in await Campaign.filter(state="running", next_run_at=None):
            if campaign.spec.get("sequence"):
                continue  # a sequence's carrier runs as long as the sequence
            if not await PushDelivery.exists(campaign_id=campaign.id, state__in=("planned", "sending")):
                campaign.state = "finished"
                await campaign.save(update_fields=["state", "updated_at"])


def _payload(batch: Claimed) -> dict[str, Any]:
    payload: dict[str, Any] = {"chat_type": batch.chat_type}
    targets = list(batch.rows)
    if batch.chat_type == "group":
        payload["chat_id_list"] = targets
    else:
        payload["external_userid"] = targets
    if batch.sender:
        payload["sender"] = batch.sender
    if batch.text:
        payload["text"] = {"content": batch.text}
    if batch.attachments:
        payload["attachments"] = batch.attachments
    return payload


async def _pages(fetch, key: str) -> list[dict]:
    items, cursor = [], ""
    while True:
        page = await fetch(cursor)
        items += page.get(key, [])
        cursor = page.get("next_cursor") or ""
        if not cursor:
            return items


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, timezone.utc)
