"""One-click suggestions: where the bot may not post (a customer group, a staff member's 1:1
chat with a customer seen through the chat archive), the answer goes to the staff member as
an app message and waits on the chat-toolbar page, to be sent with one click."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from bot.events import ChatKind, TextMessage
from faq import ANSWER, CLARIFY, FaqIndex, FaqMatch
from models import CustomerGroup, FaqHit, FaqSuggestion, Lead

log = logging.getLogger(__name__)
TOOLBAR_PATH = "/console/faq/toolbar"


def asked_at(event: TextMessage) -> datetime:
    """When the customer asked: the archive's msgtime (ms), else the event's create_time."""
    ms = event.raw.get("msgtime")
    seconds = ms / 1000 if isinstance(ms, (int, float)) else event.create_time
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


async def group_owner(chat_id: str, wecom: Any) -> tuple[str, str]:
    """(owner userid, group name) of a customer group: stored, else asked of WeCom."""
    group = await CustomerGroup.get_or_none(chat_id=chat_id)
    if group is not None and group.owner_userid:
        return group.owner_userid, group.name
    if wecom is None:
        return "", ""
    try:
        info = (await wecom.groupchat_get(chat_id)).get("group_chat") or {}
    except Exception:  # noqa: BLE001 - a suggestion is best effort; the hit is logged anyway
        log.warning("customer group %s: owner unknown", chat_id, exc_info=True)
        return "", ""
    return str(info.get("owner", "")), str(info.get("name", ""))


def entry_ids(found: FaqMatch) -> tuple[str, ...]:
    if found.outcome == ANSWER and found.entry_id:
        return (found.entry_id,)
    return found.choices if found.outcome == CLARIFY else ()


async def create_suggestions(
    event: TextMessage, lead: Lead | None, found: FaqMatch, hit: FaqHit, index: FaqIndex, service: Any, wecom: Any,
) -> list[FaqSuggestion]:
    """Suggestions for an archived customer question the FAQ can answer, and the app message
    to the staff member who can send them."""
    ids = entry_ids(found)
    if not ids:
        return []
    group = event.chat == ChatKind.CUSTOMER_GROUP
    staff, group_name = await group_owner(event.chat_id, wecom) if group else (event.chat_id, "")
    if not staff:
        return []
    asked, now = asked_at(event), service.clock.now()
    latency = max((now - asked).total_seconds() * 1000, 0.0)
    chat = event.chat_id if group else event.sender
    made = [
        await FaqSuggestion.create(
            hit=hit, chat_id=chat, chat_kind=str(event.chat), staff_userid=staff, customer=event.sender,
            question=event.content[:2000], entry_id=entry_id, answer=await service.answer_text(index, entry_id, lead),
            asked_at=asked, suggested_at=now, latency_ms=round(latency, 1),
        )
        for entry_id in ids
    ]
    await _notify(wecom, staff, made, lead, group_name, service.options.console_url)
    return made


def notice_text(suggestions: list[FaqSuggestion], who: str, where: str, console_url: str) -> str:
    first = suggestions[0]
    lines = [f"{where}里{who}问：{first.question[:200]}"]
    if len(suggestions) == 1:
        lines.append(f"建议回复：{first.answer}")
    else:
        lines += [f"建议回复 {n}：{s.answer}" for n, s in enumerate(suggestions, start=1)]
    link = f"{console_url.rstrip('/')}{TOOLBAR_PATH}?chat_id={quote(first.chat_id)}" if console_url else ""
    lines.append("在聊天工具栏「FAQ 建议」中一键发送。" + (f" {link}" if link else ""))
    return "\n".join(lines)


async def _notify(wecom: Any, staff: str, made: list[FaqSuggestion], lead: Lead | None, group_name: str, console_url: str) -> None:
    if wecom is None:
        return
    who = (lead.name if lead and lead.name else "客户")
    where = f"客户群「{group_name}」" if group_name else ("客户群" if made[0].chat_kind == ChatKind.CUSTOMER_GROUP else "与客户的单聊")
    try:
        await wecom.send_app_text(staff, notice_text(made, who, where, console_url))
    except Exception:  # noqa: BLE001 - the suggestion stays on the toolbar page
        log.warning("FAQ suggestion notice to %s failed", staff, exc_info=True)


async def open_suggestions(chat_id: str, staff_userid: str | None = None) -> list[FaqSuggestion]:
    query = FaqSuggestion.filter(chat_id=chat_id, status="open")
    if staff_userid:
        query = query.filter(staff_userid=staff_userid)
    return await query.order_by("-id").limit(20)


async def close_suggestion(suggestion_id: int, status: str, at: datetime) -> FaqSuggestion | None:
    """Mark a suggestion sent (staff sent it) or dismissed."""
    if status not in ("sent", "dismissed"):
        raise ValueError("status must be sent or dismissed")
    row = await FaqSuggestion.get_or_none(id=suggestion_id)
    if row is None:
        return None
    if row.status == "open":
        row.status, row.closed_at = status, at
        await row.save(update_fields=["status", "closed_at"])
    return row
