"""Surveys in the 1:1 chats where the bot may talk (微信客服 and the official account): a
keyword starts one, then one question at a time; the place is kept in the persisted dialog
state (and the response row), so a restart continues where the customer left off."""
from __future__ import annotations

import logging
from typing import Any

from bot.dispatcher import Data, customers_only, platform, state
from bot.dispatcher import Router
from bot.events import Event, Platform, TextMessage
from models import Lead, Survey, SurveyResponse
from surveys import is_cancel

from . import texts
from .interlude import faq_answer
from .responses import ASK, COMPLETED, EXPIRED, HINT, IN_PROGRESS, Step, Where
from .service import Surveys
from .store import definition_of

log = logging.getLogger(__name__)
router = Router("surveys")
ANSWERING = "survey.answering"
CUSTOMER_CHATS = platform(Platform.WECOM_KF, Platform.WECHAT)


async def _keyword(event: Event, data: Data) -> Data | bool:
    """A survey's chat keyword, when no other dialog is under way: ``survey_id``."""
    surveys: Surveys | None = data.get("surveys")
    if surveys is None or not isinstance(event, TextMessage):
        return False
    survey_id = await surveys.keywords(data["clock"]).survey_for(event.content)
    if survey_id is None:
        return False
    dialogs = data.get("dialogs")
    dialog = await dialogs.get(event.user_key) if dialogs is not None else None
    return {"survey_id": survey_id} if dialog is None or dialog.state in (ANSWERING, "faq.clarify") else False


@router.on(TextMessage, filters=[CUSTOMER_CHATS, customers_only, state(ANSWERING)])
async def answer(event: TextMessage, lead: Lead, dialog, responder, surveys: Surveys, clock, behaviour, dialogs, bot) -> None:
    """The reply to the question waiting: an answer, 退出, or an FAQ question in between."""
    runs = surveys.runs(clock, behaviour)
    response = await SurveyResponse.get_or_none(id=dialog.data.get("response"))
    if response is None or response.status != IN_PROGRESS:
        await dialogs.clear(event.user_key)
        await responder.text(await _finished_text(response))
        return
    if is_cancel(event.content):
        step = await runs.cancel(response, lead)
    else:
        step = await runs.answer(response, lead, event.content)
        if step.outcome == HINT:
            faq = await faq_answer(bot.services.get("faq"), event, lead, clock, behaviour, dialogs)
            if faq:
                step.text = f"{faq}\n\n{texts.AFTER_FAQ}\n{runs.question_text(response, step.question)}"
    await _after(step, event, dialogs)
    await responder.text(step.text)


@router.on(TextMessage, filters=[CUSTOMER_CHATS, customers_only, _keyword])
async def start(event: TextMessage, lead: Lead, survey_id: int, responder, surveys: Surveys, clock, behaviour, dialogs) -> None:
    """A survey's keyword: its first question (or where this customer left off)."""
    survey = await Survey.get_or_none(id=survey_id, archived=False)
    if survey is None:
        surveys.keywords(clock).forget()
        return
    where = Where(str(event.platform), event.user_key, event.sender, event.open_kfid)
    step = await surveys.runs(clock, behaviour).start(survey, lead, where)
    await _after(step, event, dialogs)
    await responder.text(step.text)


async def _after(step: Step, event: TextMessage, dialogs: Any) -> None:
    """Keep the dialog while a question waits; clear it once the survey is over."""
    if step.outcome in (ASK, HINT) and step.response is not None:
        await dialogs.set(event.user_key, ANSWERING, {"response": step.response.id, "survey": step.response.survey_id})
    else:
        await dialogs.clear(event.user_key)


async def _finished_text(response: SurveyResponse | None) -> str:
    """A reply after the survey ended under the customer (closed, or finished on the page)."""
    if response is None:
        return "这份问卷已经结束了，感谢您的关注。"
    definition = definition_of(await Survey.get(id=response.survey_id))
    if response.status == COMPLETED:
        return texts.ALREADY.format(title=definition.title)
    return definition.closed_message if response.status == EXPIRED else texts.cancelled_text(definition)
