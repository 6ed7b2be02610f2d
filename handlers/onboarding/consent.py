"""Consent (PIPL): until a contact agrees, Siyu keeps only platform identities, the channel and
behaviour events. Customers answer on 微信客服 or the official account:
“同意” agrees to the current policy version, “退订”/“TD” stops every push, “删除我的信息”
erases personal details (counts stay, anonymous). What each does to the lead is
leads.consent."""
from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from bot.dispatcher import Router, customers_only, platform, text
from bot.events import Platform, TextMessage
from content.privacy import POLICY_VERSION
from leads.consent import agree, erase, unsubscribe
from models import Lead

from .names import refresh_contact

log = logging.getLogger(__name__)
router = Router("onboarding.consent")
CHINA = ZoneInfo("Asia/Shanghai")

AGREE = ("同意", "我同意")
UNSUBSCRIBE = ("退订", "TD")
ERASE = ("删除我的信息",)
ANSWERS = {
    "agree": "已记录您的同意（政策版本 {version}），谢谢！之后您提供的联系方式只用于为您服务。",
    "agree_again": "您已于 {date} 同意过我们的个人信息保护政策（版本 {version}）。",
    "unsubscribe": "已为您退订，我们不再向您推送任何内容。有问题仍可随时在这里提问。",
    "erase": "已删除您的个人信息，我们只保留不能识别您身份的统计数字。",
}
CUSTOMER_CHATS = platform(Platform.WECOM_KF, Platform.WECHAT)


@router.on(TextMessage, filters=[CUSTOMER_CHATS, customers_only, text(equals=AGREE)])
async def agree_reply(event: TextMessage, lead: Lead, clock, responder, wecom) -> None:
    if await agree(lead, clock.now(), "keyword"):
        await responder.text(ANSWERS["agree"].format(version=POLICY_VERSION))
        await refresh_contact(wecom, lead)  # the name and company WeCom shows may be kept now
    else:
        date = lead.consent_at.astimezone(CHINA).strftime("%Y-%m-%d") if lead.consent_at else ""
        await responder.text(ANSWERS["agree_again"].format(version=lead.consent_version, date=date))


@router.on(TextMessage, filters=[CUSTOMER_CHATS, customers_only, text(equals=UNSUBSCRIBE)])
async def unsubscribe_reply(event: TextMessage, lead: Lead, clock, responder) -> None:
    await unsubscribe(lead, clock.now(), "keyword")
    await responder.text(ANSWERS["unsubscribe"])


@router.on(TextMessage, filters=[CUSTOMER_CHATS, customers_only, text(equals=ERASE)])
async def erase_reply(event: TextMessage, lead: Lead, clock, responder) -> None:
    await erase(lead, clock.now(), "keyword")
    await responder.text(ANSWERS["erase"])
