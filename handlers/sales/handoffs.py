"""MQL hand-offs inside WeCom: a waiting hand-off gets a rep by the assignment rules and the
rep a button card (accept → SQL, reject with a reason → back to nurture); the card's button
callback or ``/accept`` ``/reject`` answers it and the card is updated. Unanswered within the
SLA (working hours) the rep is reminded, later their manager is told, and after some days the
lead goes back to the public pool (公海)."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from tortoise.expressions import Q

from bot.clock import Clock
from bot.events import TemplateCardClicked
from console.access.audit import record_chat
from leads.assignment import AssignmentRules, LeadFacts, Rep, assign
from leads.lifecycle import StageError
from leads.sla import add_working_hours
from leads.standing import STAGE_LABELS, fit_profile, move_stage, standing_of
from models import Handoff, Lead, LeadProfile, SalesRep, WeComMember

log = logging.getLogger(__name__)
CHINA = ZoneInfo("Asia/Shanghai")
REJECT_REASONS = {"no_budget": "暂无预算", "not_fit": "非目标客户", "unreachable": "联系不上"}


@dataclass(frozen=True)
class WorkingHours:
    """Mon–Fri, 09:00–18:00 China time (a leads.sla WorkingCalendar)."""

    opens: time = time(9)
    closes: time = time(18)
    holidays: frozenset[date] = frozenset()

    @property
    def zone(self) -> ZoneInfo:
        return CHINA

    def is_workday(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays


@dataclass(frozen=True)
class HandoffOptions:
    sla_hours: float = 24  # working hours to accept or reject
    escalate_after_hours: float = 8  # more working hours before the manager hears of it
    pool_after_days: int = 7  # calendar days before an unanswered lead returns to the pool
    calendar: WorkingHours = field(default_factory=WorkingHours)


class Handoffs:
    """The hand-off use cases, bound once to the bot's clock and WeCom client."""

    def __init__(self, clock: Clock, wecom, options: HandoffOptions, console_url: str) -> None:
        self.clock, self.wecom, self.options, self.console_url = clock, wecom, options, console_url.rstrip("/")
        self._tasks: set[asyncio.Task] = set()
        self._turn = 0
        self._offering = asyncio.Lock()  # one offer round at a time: a hand-off gets one card

    def kick(self, lead_ids: list[int]) -> None:
        """Offer new MQLs now (the scorer's after-commit news)."""
        task = asyncio.create_task(self.offer_waiting())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # --- offering -------------------------------------------------------------------------

    async def offer_waiting(self) -> int:
        """Give every waiting hand-off a rep and send the card; returns how many went out."""
        sent = 0
        async with self._offering:
            for handoff in await Handoff.filter(status="waiting").order_by("id"):
                try:
                    sent += await self._offer(handoff)
                except Exception:  # noqa: BLE001 - the hand-off stays waiting for the next sweep
                    log.exception("hand-off %s could not be offered", handoff.id)
        return sent

    async def _offer(self, handoff: Handoff) -> bool:
        lead = await Lead.get(id=handoff.lead_id)
        profile = await LeadProfile.get_or_none(lead_id=lead.id).prefetch_related("crm_account")
        facts = fit_profile(lead, profile)
        owner = profile.crm_account.owner if profile and profile.crm_account else ""
        rules = AssignmentRules(reps=await self._reps())
        chosen = assign(LeadFacts(facts.get("region", ""), facts.get("industry", ""), owner), rules, self._turn)
        self._turn = chosen.next_turn
        if chosen.rep is None:
            log.warning("hand-off %s waits: %s", handoff.id, chosen.reason)
            return False
        now = self.clock.now()
        # stored in UTC: SQLite compares the stored text
        due = add_working_hours(now, self.options.sla_hours, self.options.calendar).astimezone(timezone.utc)
        handoff.rep_userid, handoff.assigned_why, handoff.offered_at, handoff.due_at = chosen.rep.userid, chosen.reason, now, due
        handoff.task_id = f"handoff-{handoff.id}"
        standing = await standing_of(lead.id)
        answer = await self.wecom.send_template_card(chosen.rep.userid, self._card(handoff, lead, standing))
        handoff.response_code = answer.get("response_code", "")
        handoff.status = "offered"
        await handoff.save()
        member, _ = await WeComMember.get_or_create(userid=chosen.rep.userid, defaults={"name": chosen.rep.name})
        await Lead.filter(id=lead.id).update(owner_id=member.id)
        return True

    async def _reps(self) -> list[Rep]:
        open_counts: dict[str, int] = {}
        for userid in await Handoff.filter(status="offered").values_list("rep_userid", flat=True):
            open_counts[userid] = open_counts.get(userid, 0) + 1
        return [Rep(r.userid, r.name, frozenset(r.regions), frozenset(r.industries), r.capacity,
                    open_counts.get(r.userid, 0), r.active) for r in await SalesRep.all().order_by("id")]

    def _card(self, handoff: Handoff, lead: Lead, standing) -> dict:
        due = handoff.due_at.astimezone(CHINA).strftime("%m-%d %H:%M")
        buttons = [{"text": "接受", "style": 1, "key": "accept"}]
        buttons += [{"text": f"拒绝：{label}", "style": 2, "key": f"reject:{key}"} for key, label in REJECT_REASONS.items()]
        return {
            "card_type": "button_interaction",
            "source": {"desc": "思域 · MQL 移交"},
            "main_title": {"title": f"新 MQL：{lead.name or '未命名'}"[:26], "desc": (lead.company or "")[:30]},
            "sub_title_text": handoff.why,
            "horizontal_content_list": [
                {"keyname": "评分", "value": f"{round(standing.total)} 分 · {standing.grade}"},
                {"keyname": "分配原因", "value": handoff.assigned_why},
                {"keyname": "请在此前处理", "value": due},
            ],
            "card_action": {"type": 1, "url": f"{self.console_url}/leads/{lead.id}"},
            "task_id": handoff.task_id,
            "button_list": buttons,
        }

    # --- answering --------------------------------------------------------------------------

    async def answer(self, handoff: Handoff, userid: str, *, accept: bool, reason: str = "") -> str:
        """The rep's answer; a hand-off already answered, returned or someone else's is left
        as it is and the reply says why."""
        if handoff.status != "offered":
            who = handoff.answered_by or handoff.rep_userid or "系统"
            return f"线索 #{handoff.lead_id} 已处理（{STATUS_LABELS.get(handoff.status, handoff.status)}，{who}），这次操作没有改动任何内容。"
        if handoff.rep_userid != userid:
            return f"线索 #{handoff.lead_id} 已分配给 {handoff.rep_userid}，只有负责人可以接受或拒绝。"
        if not accept and not reason.strip():
            return "拒绝时请写明原因，例如：/reject 12 暂无预算"
        now = self.clock.now()
        standing = await standing_of(handoff.lead_id)
        before = standing.stage
        try:
            if accept:
                await move_stage(standing, "sql", by=userid, reason="销售接受 MQL", at=now)
            else:
                await move_stage(standing, "recycled", by=userid, reason=f"销售拒绝：{reason.strip()}", at=now)
        except StageError as exc:
            return f"线索 #{handoff.lead_id} 现在处于“{STAGE_LABELS.get(standing.stage, standing.stage)}”，不能这样处理（{exc}）。"
        handoff.status = "accepted" if accept else "rejected"
        handoff.answered_at, handoff.answered_by, handoff.reject_reason = now, userid, reason.strip()[:255]
        await handoff.save()
        if not accept:
            await Lead.filter(id=handoff.lead_id).update(owner_id=None)
        after = {"stage": standing.stage} if accept else {"stage": standing.stage, "reason": reason.strip()}
        await record_chat(userid, await _member_name(userid), "handoff.accept" if accept else "handoff.reject",
                          at=now, target_type="lead", target_id=handoff.lead_id, before={"stage": before}, after=after)
        await self._grey_out(handoff, "已接受" if accept else f"已拒绝：{reason.strip()}"[:20])
        return (f"已接受线索 #{handoff.lead_id}，阶段变为 SQL。" if accept
                else f"已拒绝线索 #{handoff.lead_id}（{reason.strip()}），它回到培育池。")

    async def on_card(self, event: TemplateCardClicked) -> str:
        handoff = await Handoff.get_or_none(task_id=event.task_id)
        if handoff is None:
            return "这张卡片已失效。"
        if event.response_code:
            handoff.response_code = event.response_code  # the fresh code the press handed out
            await Handoff.filter(id=handoff.id).update(response_code=event.response_code)
        accept = event.event_key == "accept"
        reason = REJECT_REASONS.get(event.event_key.removeprefix("reject:"), "") if not accept else ""
        reply = await self.answer(handoff, event.sender, accept=accept, reason=reason)
        if handoff.response_code:  # refused: the card still shows how the lead stands
            await self._grey_out(handoff, STATUS_LABELS.get(handoff.status, "已处理"))
        return reply

    async def _grey_out(self, handoff: Handoff, text: str) -> None:
        if not handoff.response_code or self.wecom is None:
            return
        code, handoff.response_code = handoff.response_code, ""
        await Handoff.filter(id=handoff.id).update(response_code="")
        try:
            await self.wecom.update_template_card([handoff.rep_userid], code, replace_name=text)
        except Exception:  # noqa: BLE001 - the answer stands; only the card's look is stale
            log.warning("card of hand-off %s not updated", handoff.id, exc_info=True)

    # --- SLA ---------------------------------------------------------------------------------

    async def sweep(self) -> dict[str, int]:
        """Remind, escalate and return to the pool, as the SLA says; counts of each."""
        now = self.clock.now()
        done = {"reminded": 0, "escalated": 0, "returned": 0}
        pool_before = now - timedelta(days=self.options.pool_after_days)
        for handoff in await Handoff.filter(status="offered", offered_at__lte=pool_before):
            await self._return_to_pool(handoff, now)
            done["returned"] += 1
        for handoff in await Handoff.filter(status="offered", due_at__lte=now, reminded_at=None):
            await self.wecom.send_app_text(handoff.rep_userid, f"提醒：MQL 线索 #{handoff.lead_id} 已超过处理时限，"
                                                             f"请接受或拒绝：{self.console_url}/leads/{handoff.lead_id}")
            await Handoff.filter(id=handoff.id).update(reminded_at=now)
            done["reminded"] += 1
        for handoff in await Handoff.filter(Q(status="offered") & Q(escalated_at=None) & ~Q(reminded_at=None)):
            late = add_working_hours(handoff.due_at, self.options.escalate_after_hours, self.options.calendar)
            rep = await SalesRep.get_or_none(userid=handoff.rep_userid)
            if now < late or rep is None or not rep.manager_userid:
                continue
            await self.wecom.send_app_text(rep.manager_userid, f"升级：{rep.name or rep.userid} 未处理 MQL 线索 "
                                                               f"#{handoff.lead_id}（{handoff.why}）")
            await Handoff.filter(id=handoff.id).update(escalated_at=now)
            done["escalated"] += 1
        return done

    async def _return_to_pool(self, handoff: Handoff, now: datetime) -> None:
        standing = await standing_of(handoff.lead_id)
        reason = f"{self.options.pool_after_days} 天未处理，退回公海"
        if standing.stage == "mql":
            await move_stage(standing, "recycled", by="sla", reason=reason, at=now)
        handoff.status, handoff.answered_at = "returned", now
        await handoff.save()
        await Lead.filter(id=handoff.lead_id).update(owner_id=None)
        await self._grey_out(handoff, "已退回公海")

    async def run(self, every: float = 300.0) -> None:
        """Offer and sweep for ever, every ``every`` seconds of real time (a timer, not the
        app's clock: deadlines are read from the clock, and tests sweep when they choose)."""
        while True:
            try:
                await self.offer_waiting()
                await self.sweep()
            except Exception:  # noqa: BLE001 - next round
                log.exception("hand-off sweep failed")
            await asyncio.sleep(every)


STATUS_LABELS = {"waiting": "待分配", "offered": "待处理", "accepted": "已接受", "rejected": "已拒绝",
                 "returned": "已退回公海"}


async def _member_name(userid: str) -> str:
    """The rep's name as the audit log shows it: the sales roster's, else the member's."""
    rep = await SalesRep.get_or_none(userid=userid)
    member = None if rep and rep.name else await WeComMember.get_or_none(userid=userid)
    return (rep.name if rep else "") or (member.name if member else "")
