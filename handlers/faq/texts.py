"""What the bot says around an FAQ answer: the clarify question, the fallback on a miss, the
hand-over notice, and the answer itself rendered from its template. Also how a customer's
reply reads as feedback (没用, 不对) or a request for a human. Pure."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any, Mapping, Sequence

from content.rendering import Report, render_safely, strip_syntax
from handlers.faq.hours import BusinessHours, when_text

MAX_REPLY_CHARS = 1500  # kf/send_msg text: 2048 bytes at most; leave room for the notice
_HUMAN = re.compile(r"^(?:请|我要|我想|帮我)?(?:转|找|接|要)?(?:人工|真人)(?:客服|服务)?(?:吧|呢|啊)?$|转人工|找人工|人工客服|真人客服")
_NEGATIVE = re.compile(r"^(?:没用|没有用|不对|不是|不是这个|答非所问|错了|不对吧|没帮助|没有帮助|看不懂|不是我要的|说的不对)(?:啊|呀|吧)?$")


def plain(text: str) -> str:
    """Letters and digits only, NFKC-folded: how the short replies below are compared."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(c for c in folded if unicodedata.category(c)[0] in "LN")


def asks_for_human(text: str) -> bool:
    """转人工, 人工, 人工客服, 我要找人工…"""
    return bool(_HUMAN.search(plain(text)))


def is_negative_feedback(text: str) -> bool:
    """没用, 不对, 答非所问… as a whole message."""
    return bool(_NEGATIVE.match(plain(text)))


def render_answer(template: str, context: Mapping[str, Any], *, entry_id: str = "", report: Report | None = None) -> str:
    """The entry's answer with the customer's name, business hours... filled in. A template
    that fails to render answers with its text stripped of template syntax, never an error;
    ``report`` tells the entry's authors."""
    text = render_safely(template, context, lambda: strip_syntax(template), what=f"FAQ answer {entry_id}".strip(),
                         dialect="lenient", report=report)
    return text[:MAX_REPLY_CHARS]


def clarify_text(questions: Sequence[str]) -> str:
    lines = [f"{number}. {question}" for number, question in enumerate(questions, start=1)]
    return "您是想问：\n" + "\n".join(lines) + "\n请回复序号，例如“1”。"


def outside_hours_note(hours: BusinessHours, now: datetime) -> str:
    """Empty during business hours, else when a human will reply."""
    if hours.is_open(now):
        return ""
    return f"现在是非工作时间（{hours.describe()}），人工客服将于{when_text(hours.next_open(now), now, hours.zone)}起回复您。"


def fallback_text(hours: BusinessHours, now: datetime, *, can_hand_over: bool) -> str:
    """On a miss: polite, and offering a human."""
    offer = "回复“人工”为您转接人工客服。" if can_hand_over else "已记录您的问题，同事会尽快回复您。"
    note = outside_hours_note(hours, now)
    return "抱歉，这个问题我暂时还答不上来。" + offer + (("\n" + note) if note else "")


def handover_text(hours: BusinessHours, now: datetime) -> str:
    note = outside_hours_note(hours, now)
    return "好的，正在为您转接人工客服，请稍候。" + (("\n" + note) if note else "")


def negative_reply(*, can_hand_over: bool) -> str:
    if can_hand_over:
        return "抱歉没能帮到您。回复“人工”为您转接人工客服，或换个说法再问我一次。"
    return "抱歉没能帮到您，已记录下来，同事会尽快跟进。"


def answer_context(*, lead: Any, hours: BusinessHours, now: datetime, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What an answer template may use: customer_name, company, business_hours, is_open,
    next_open, holidays, now (and ``extra``, e.g. owner_name, content links)."""
    return {
        "customer_name": getattr(lead, "name", "") or "",
        "company": getattr(lead, "company", "") or "",
        "business_hours": hours.describe(),
        "is_open": hours.is_open(now),
        "next_open": when_text(hours.next_open(now), now, hours.zone),
        "holidays": hours.upcoming_holidays(now),
        "now": now.astimezone(hours.zone),
        **(extra or {}),
    }
