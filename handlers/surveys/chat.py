"""Surveys in the 1:1 chats where the bot may talk (微信客服 and the official account): a
keyword starts one, then one question at a time; the place is kept in the persisted dialog
(``SurveyDialog.answering``) and the response row, so a restart continues where the customer
left off.

Routing: this router runs before onboarding's, so while a question waits the message is the
survey's. The one exception are the words other features answer in every chat (“同意”,
“退订”…, ``surveys.OTHER_FEATURES_WORDS``): mid-survey they are an answer only when the
waiting question accepts them (an option “同意”, a free-text question); otherwise they fall
through to the feature that owns them and the survey keeps waiting.
"""
from __future__ import annotations

import logging

from bot.dialogs import DialogContext, State, StatesGroup
from bot.dispatcher import Data, Router, customers_only, platform, state
from bot.events import Event, Platform, TextMessage
from models import Lead, Survey, SurveyResponse
from surveys import Invalid, is_cancel, parse_answer, reserved_elsewhere

from . import texts
from .interlude import faq_answer
from .responses import ASK, COMPLETED, EXPIRED, HINT, IN_PROGRESS, Step, Where
from .service import Surveys
from .store import definition_of

log = logging.getLogger(__name__)
router = Router("surveys")
CUSTOMER_CHATS = platform(Platform.WECOM_KF, Platform.WECHAT)


class SurveyDialog(StatesGroup, flow="survey"):
    """A question waits for the customer's answer (data: ``response``, ``survey``)."""

    answering = State()


async def _keyword(event: Event, data: Data) -> Data | bool:
    """A survey's chat keyword, when no other dialog is under way: ``survey_id``."""
    surveys: Surveys | None = data.get("surveys")
    if surveys is None or not isinstance(event, TextMessage):
        return False
    survey_id = await surveys.keywords(data["clock"]).survey_for(event.content)
    if survey_id is None:
        return False
    current = await data["dialog"].state()
    return {"survey_id": survey_id} if current in (None, SurveyDialog.answering.name, "faq.clarify") else False


async def _survey_reads_it(event: Event, data: Data) -> bool:
    """Every message mid-survey, except another feature's word the waiting question does not
    accept (see the module's docstring)."""
    if not isinstance(event, TextMessage) or not reserved_elsewhere(event.content):
        return True
    response = await SurveyResponse.get_or_none(id=await data["dialog"].get("response"))
    if response is None or response.status != IN_PROGRESS or not response.current:
        return False
    question = definition_of(await Survey.get(id=response.survey_id)).question(response.current)
    return question is not None and not isinstance(parse_answer(question, event.content), Invalid)


@router.on(TextMessage, filters=[CUSTOMER_CHATS, customers_only, state(SurveyDialog.answering), _survey_reads_it])
async def answer(event: TextMessage, lead: Lead, dialog: DialogContext, responder, surveys: Surveys, clock, behaviour, bot) -> None:
    """The reply to the question waiting: an answer, 退出, or an FAQ question in between."""
    runs = surveys.runs(clock, behaviour)
    response = await SurveyResponse.get_or_none(id=await dialog.get("response"))
    if response is None or response.status != IN_PROGRESS:
        await dialog.clear()
        await responder.text(await _finished_text(response))
        return
    if is_cancel(event.content):
        step = await runs.cancel(response, lead)
    else:
        step = await runs.answer(response, lead, event.content)
        if step.outcome == HINT:
            faq = await faq_answer(bot.services.get("faq"), event, lead)
            if faq:
                step.text = f"{faq}\n\n{texts.AFTER_FAQ}\n{runs.question_text(response, step.question)}"
    await _after(step, dialog)
    await responder.text(step.text)


@router.on(TextMessage, filters=[CUSTOMER_CHATS, customers_only, _keyword])
async def start(event: TextMessage, lead: Lead, survey_id: int, dialog: DialogContext, responder, surveys: Surveys, clock, behaviour) -> None:
    """A survey's keyword: its first question (or where this customer left off)."""
    survey = await Survey.get_or_none(id=survey_id, archived=False)
    if survey is None:
        surveys.keywords(clock).forget()
        return
    where = Where(str(event.platform), event.user_key, event.sender, event.open_kfid)
    step = await surveys.runs(clock, behaviour).start(survey, lead, where)
    await _after(step, dialog)
    await responder.text(step.text)


async def _after(step: Step, dialog: DialogContext) -> None:
    """Keep the dialog while a question waits; clear it once the survey is over."""
    if step.outcome in (ASK, HINT) and step.response is not None:
        await dialog.goto(SurveyDialog.answering, data={"response": step.response.id, "survey": step.response.survey_id})
    else:
        await dialog.clear()


async def _finished_text(response: SurveyResponse | None) -> str:
    """A reply after the survey ended under the customer (closed, or finished on the page)."""
    if response is None:
        return "这份问卷已经结束了，感谢您的关注。"
    definition = definition_of(await Survey.get(id=response.survey_id))
    if response.status == COMPLETED:
        return texts.ALREADY.format(title=definition.title)
    return definition.closed_message if response.status == EXPIRED else texts.cancelled_text(definition)
