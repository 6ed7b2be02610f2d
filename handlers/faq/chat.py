"""Where the FAQ answers: 微信客服 and the official account (customers), the WeCom app and
the 智能机器人 (staff, single chats and internal groups), and customer messages from the
chat archive (one-click suggestions for staff).

Doc facts relied on (developer.work.weixin.qq.com 微信客服 会话分配与接待): service_state is
0 未处理, 1 由智能助手接待, 2 待接入池排队中, 3 由人工接待, 4 已结束; kf/service_state/trans
moves a conversation (3 needs servicer_userid, a receptionist of the account); kf/send_msg
is refused with 95018 unless the conversation is in state 0 or 1. The 智能机器人 receives
group messages only when @-mentioned.
"""
from __future__ import annotations

import logging
from typing import Any

from bot.api.errors import ApiError
from bot.dialogs import DialogContext
from bot.dispatcher import Router, chat, customers_only, platform, state
from bot.events import ChatKind, Event, Platform, TextMessage, UnknownEvent
from faq import ANSWER, is_bare_choice
from handlers.faq import suggestions
from handlers.faq.service import HANDOVER, Faq, FaqConversation, FaqDialog, context_text
from models import FaqGroupSetting, Lead

log = logging.getLogger(__name__)
router = Router("faq")
KF_WITH_HUMAN = (2, 3)  # queued for, or talking with, a receptionist
KF_QUEUE, KF_HUMAN = 2, 3
NOTED = "好的，已记录您的需求，同事会尽快回复您。"
KF_NOT_WITH_BOT = 95018  # kf/send_msg: the session is not with the bot (queued, with a human, ended)


def _staff_text(event: Event, data: dict) -> bool:
    """A staff member's message that is not a command (``/help``...)."""
    return isinstance(event, TextMessage) and not event.sender_is_customer and not event.content.lstrip().startswith(("/", "／"))


async def _say(responder: Any, text: str | None) -> None:
    if text:
        await responder.text(text)


# --- customers, 1:1 -------------------------------------------------------------------------


@router.on(TextMessage, filters=[platform(Platform.WECOM_KF), customers_only, state(FaqDialog.human)])
async def kf_with_receptionist(event: TextMessage, lead: Lead, responder, faq: Faq, wecom, dialog: DialogContext) -> None:
    """微信客服 after a hand-over: quiet while a human has the conversation; once it is back
    with the bot (or ended), the dialog ends and the bot answers again."""
    if wecom is not None:
        answer = await wecom.kf_service_state_get(event.open_kfid, event.sender)
        if answer.get("service_state") in KF_WITH_HUMAN:
            return
    await dialog.clear()
    await kf_question(event, lead, responder, faq, wecom, dialog)


@router.on(TextMessage, filters=[platform(Platform.WECOM_KF), customers_only])
async def kf_question(event: TextMessage, lead: Lead, responder, faq: Faq, wecom, dialog: DialogContext) -> None:
    """微信客服: answer while the conversation is with the bot; hand over on request."""
    talk = await faq.talk()
    reply = await talk.reply(event, lead, dialog, chat_kind="single", can_hand_over=True)
    try:
        await _say(responder, reply.text)
    except ApiError as exc:
        if exc.errcode != KF_NOT_WITH_BOT:
            raise
        log.info("kf %s is with a receptionist; the bot stays quiet", event.user_key)
        await dialog.goto(FaqDialog.human, data={"open_kfid": event.open_kfid})
        return
    if reply.kind == HANDOVER:
        await _kf_hand_over(event, lead, talk, wecom, dialog)
        await _handed_over(talk.behaviour, event, lead)


async def _handed_over(behaviour, event: TextMessage, lead: Lead) -> None:
    """The hand-over on the lead's timeline, so sales see the customer asked for a person."""
    await behaviour.record_behaviour(lead=lead, kind="faq.handed_over", direction="outbound",
                                     platform=str(event.platform), actor=event.sender, payload={"text": event.content[:200]})


async def _kf_hand_over(event: TextMessage, lead: Lead, faq: FaqConversation, wecom: Any, dialog: DialogContext) -> None:
    """kf/service_state/trans: to the account's receptionist (3), or its queue (2); the
    receptionist gets the conversation's context as an app message."""
    if wecom is None:
        return
    servicer = faq.options.kf_servicers.get(event.open_kfid)
    state = KF_HUMAN if servicer else KF_QUEUE
    try:
        await wecom.kf_service_state_trans(event.open_kfid, event.sender, state, servicer)
    except ApiError as exc:  # e.g. already queued or with a receptionist
        log.warning("kf hand-over of %s refused: %s", event.user_key, exc)
    await dialog.goto(FaqDialog.human, data={"open_kfid": event.open_kfid})
    to = [servicer] if servicer else list(faq.options.notify_userids)
    if to:
        history = await faq.recent_context(event.user_key)
        await wecom.send_app_text(to, context_text(lead.name or event.sender, history, "微信客服"))


@router.on(TextMessage, filters=[platform(Platform.WECHAT), customers_only])
async def account_question(event: TextMessage, lead: Lead, responder, faq: Faq, wecom, dialog: DialogContext) -> None:
    """The official account: answer; on 人工, tell the staff on duty with the context."""
    talk = await faq.talk()
    reply = await talk.reply(event, lead, dialog, chat_kind="single", can_hand_over=True)
    if reply.kind == HANDOVER and not talk.options.notify_userids:
        reply.text = NOTED  # nobody to hand over to: do not promise a transfer
    await _say(responder, reply.text)
    if reply.kind == HANDOVER and wecom is not None and talk.options.notify_userids:
        history = await talk.recent_context(event.user_key)
        await wecom.send_app_text(list(talk.options.notify_userids), context_text(lead.name or event.sender, history, "公众号"))
        await _handed_over(talk.behaviour, event, lead)


# --- staff ---------------------------------------------------------------------------------


@router.on(TextMessage, filters=[platform(Platform.WECOM, Platform.WECOM_BOT), chat(ChatKind.SINGLE), _staff_text])
async def staff_question(event: TextMessage, responder, faq: Faq, dialog: DialogContext) -> None:
    """Staff asking the app or the 智能机器人 in a single chat."""
    reply = await (await faq.talk()).reply(event, None, dialog, chat_kind="single", can_hand_over=False)
    await _say(responder, reply.text)


@router.on(TextMessage, filters=[platform(Platform.WECOM_BOT), chat(ChatKind.GROUP)])
async def group_question(event: TextMessage, responder, faq: Faq, dialog: DialogContext) -> None:
    """An internal group: answer when @-mentioned; without a mention only a keyword-rule hit,
    and only where the group allows it. Never more than the group's answers a minute."""
    setting = await FaqGroupSetting.get_or_none(chat_id=event.chat_id)
    per_minute = setting.answers_per_minute if setting else FaqGroupSetting._meta.fields_map["answers_per_minute"].default
    if not event.mentioned_bot:
        if setting is None or not setting.answer_without_mention:
            return
        found = (await faq.store.index()).match(event.content, "group")
        if found.rule is None or found.outcome != ANSWER:
            return
    talk = await faq.talk()
    if not faq.budget.take(event.chat_id, per_minute):
        log.info("group %s: answer budget spent, staying quiet", event.chat_id)
        await talk.decide(event, None, chat_kind="group")
        return
    reply = await talk.reply(event, None, dialog, chat_kind="group", can_hand_over=False)
    await _say(responder, reply.text)


# --- the chat archive ------------------------------------------------------------------------


@router.on(TextMessage, filters=[platform(Platform.ARCHIVE), customers_only])
async def archived_question(event: TextMessage, lead: Lead, faq: Faq, wecom) -> None:
    """A consenting customer's message in a customer group (or a 1:1 with staff): logged like
    any question; a hit becomes a one-click suggestion for the staff member."""
    if is_bare_choice(event.content):
        return  # “1” answers someone in the chat; it asks nothing
    talk = await faq.talk()
    index = await faq.store.index()
    kind = "group" if event.chat == ChatKind.CUSTOMER_GROUP else "single"
    found, hit = await talk.decide(event, lead, chat_kind=kind, index=index)
    await suggestions.create_suggestions(event, lead, found, hit, index, talk, wecom)


def _archive_notice(event: Event, data: dict) -> bool:
    return isinstance(event, UnknownEvent) and event.type_name == "event:msgaudit_notify"


@router.on(UnknownEvent, filters=[_archive_notice])
async def archive_notice(event: UnknownEvent, faq: Faq, bot) -> None:
    """msgaudit_notify: new archived messages are ready; pull them."""
    await faq.pull_archive(bot.pipeline)
