"""Sales in the chat: the hand-off card's buttons, and the reps' commands ``/mine``,
``/accept ID`` and ``/reject ID 原因`` (added to the staff commands)."""
from __future__ import annotations

from typing import Any, Awaitable, Callable, NamedTuple

from bot.dispatcher import Router
from bot.events import TemplateCardClicked
from handlers.sales.handoffs import Handoffs
from leads.standing import standing_of
from models import Handoff, Lead

router = Router("sales")


@router.on(TemplateCardClicked)
async def card_pressed(event: TemplateCardClicked, handoffs: Handoffs, wecom) -> None:
    reply = await handoffs.on_card(event)
    await wecom.send_app_text(event.sender, reply)


class SalesCommand(NamedTuple):
    """A staff command as the staff-commands feature reads one (its StaffCommand's fields)."""

    name: str
    permission: str
    usage: str
    summary: str
    run: Callable[[Any], Awaitable[str]]


def staff_commands(handoffs: Handoffs) -> tuple[SalesCommand, ...]:
    """The reps' commands, bound to the hand-off service."""
    CommandCall = Any  # the staff-commands feature's call: event, args, actor, console_url
    StaffCommand = SalesCommand

    async def mine(call: CommandCall) -> str:
        userid = call.event.sender
        waiting = await Handoff.filter(status="offered", rep_userid=userid).order_by("due_at")
        if not waiting:
            return "你没有待处理的 MQL。"
        now = handoffs.clock.now()
        lines = [f"你有 {len(waiting)} 条待处理的 MQL："]
        for handoff in waiting:
            lead = await Lead.get(id=handoff.lead_id)
            standing = await standing_of(lead.id)
            late = "（已超时）" if handoff.due_at and handoff.due_at <= now else ""
            due = handoff.due_at.astimezone(handoffs.options.calendar.zone).strftime("%m-%d %H:%M") if handoff.due_at else "—"
            lines.append(f"#{lead.id} {lead.name or '（未命名）'} {lead.company} {round(standing.total)} 分 {standing.grade}"
                         f"，{handoff.why}，{due} 前处理{late}".replace("  ", " "))
        lines.append("发送 /accept 编号 接受，/reject 编号 原因 拒绝。")
        return "\n".join(lines)

    async def accept(call: CommandCall) -> str:
        return await _answer(call, accept=True)

    async def reject(call: CommandCall) -> str:
        return await _answer(call, accept=False)

    async def _answer(call: CommandCall, *, accept: bool) -> str:
        parts = call.args.strip().split(maxsplit=1)
        if not parts or not parts[0].lstrip("#").isdigit():
            return "用法：/accept 线索编号，或 /reject 线索编号 原因"
        lead_id = int(parts[0].lstrip("#"))
        handoff = await Handoff.filter(lead_id=lead_id).order_by("-id").first()
        if handoff is None:
            return f"线索 #{lead_id} 没有移交记录。"
        return await handoffs.answer(handoff, call.event.sender, accept=accept, reason=parts[1] if len(parts) > 1 else "")

    return (
        StaffCommand("mine", "leads.read", "/mine", "我的待处理 MQL 和时限", mine),
        StaffCommand("accept", "leads.read", "/accept 编号", "接受 MQL（变为 SQL）", accept),
        StaffCommand("reject", "leads.read", "/reject 编号 原因", "拒绝 MQL（回到培育池）", reject),
    )
