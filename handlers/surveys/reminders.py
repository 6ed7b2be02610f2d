"""Unfinished responses: expired at their wave's closing time, and reminded once, after the
survey's ``reminder_after``, while the platform still lets the bot write (48 h after the
customer's last message)."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from models import Survey, SurveyResponse, SurveyWave

from . import texts
from .responses import EXPIRED, IN_PROGRESS
from .store import definition_of

log = logging.getLogger(__name__)


async def sweep(now: datetime, wecom: Any, wechat: Any, reply_window: timedelta) -> dict[str, int]:
    closed = await SurveyWave.filter(closes_at__lte=now).values_list("id", flat=True)
    expired = await SurveyResponse.filter(status=IN_PROGRESS, wave_id__in=list(closed)).update(status=EXPIRED) if closed else 0
    reminded = 0
    for survey in await Survey.filter(archived=False):
        definition = definition_of(survey)
        if definition.reminder_after is None:
            continue
        due = await SurveyResponse.filter(
            survey_id=survey.id, status=IN_PROGRESS, reminded_at=None,
            updated_at__lte=now - definition.reminder_after, updated_at__gt=now - reply_window,
        ).exclude(recipient="")  # only chats can be reminded
        for response in due:
            reminded += await _remind(response, definition, now, wecom, wechat)
    return {"expired": expired, "reminded": reminded}


async def _remind(response: SurveyResponse, definition, now: datetime, wecom: Any, wechat: Any) -> int:
    """Claim the reminder (so two processes never both send it), then send; a failed send
    gives the claim back for the next sweep."""
    if not await SurveyResponse.filter(id=response.id, reminded_at=None, status=IN_PROGRESS).update(reminded_at=now):
        return 0
    question = texts.question_text(definition.question(response.current), len(response.answers) + 1)
    text = texts.REMINDER.format(title=definition.title, question=question)
    try:
        if response.platform == "wecom_kf" and wecom is not None:
            await wecom.kf_send_text(response.recipient, response.open_kfid, text)
        elif response.platform == "wechat" and wechat is not None:
            await wechat.send_custom_text(response.recipient, text)
        else:
            return 0
    except Exception:  # noqa: BLE001 - the next sweep tries again
        log.exception("survey reminder for response %s failed", response.id)
        await SurveyResponse.filter(id=response.id).update(reminded_at=None)
        return 0
    return 1
