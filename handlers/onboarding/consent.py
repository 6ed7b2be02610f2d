"""Consent (PIPL): until a contact agrees, Siyu keeps only platform identities, the channel and
behaviour events. Customers answer on 微信客服 or the official account:
“同意” agrees to the current policy version, “退订”/“TD” stops every push, “删除我的信息”
erases personal details (counts stay, anonymous)."""
from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.dispatcher import Router, customers_only, platform, text
from bot.events import Platform, TextMessage
from content.privacy import POLICY_VERSION
from leads.profiles import profile_of
from models import BehaviourEvent, ConsentRecord, Lead, LeadProfile, LeadTag

from .names import refresh_contact

log = logging.getLogger(__name__)
router = Router("onboarding.consent")
CHINA = ZoneInfo("Asia/Shanghai")

AGREE = ("同意", "我同意")
UNSUBSCRIBE = ("退订", "TD")
ERASE = ("删除我的信息",)
PROFILE_FIELDS = ("name", "company", "phone", "email", "role")
ANSWERS = {
    "agree": "已记录您的同意（政策版本 {version}），谢谢！之后您提供的联系方式只用于为您服务。",
    "agree_again": "您已于 {date} 同意过我们的个人信息保护政策（版本 {version}）。",
    "unsubscribe": "已为您退订，我们不再向您推送任何内容。有问题仍可随时在这里提问。",
    "erase": "已删除您的个人信息，我们只保留不能识别您身份的统计数字。",
}
CUSTOMER_CHATS = platform(Platform.WECOM_KF, Platform.WECHAT)


class ConsentRequired(PermissionError):
    """Personal details may be stored only after the contact agreed to the policy."""


async def agree(lead: Lead, at: datetime, source: str, version: str = POLICY_VERSION) -> bool:
    """Record consent to ``version``; False when the lead had agreed to it already."""
    if lead.consent_at is not None and lead.consent_version == version:
        return False
    lead.consent_at, lead.consent_version = at, version
    await lead.save(update_fields=["consent_at", "consent_version", "updated_at"])
    await ConsentRecord.create(lead_id=lead.id, action="agree", policy_version=version, source=source, at=at)
    return True


async def unsubscribe(lead: Lead, at: datetime, source: str) -> None:
    profile = await profile_of(lead)
    if profile.unsubscribed_at is None:
        profile.unsubscribed_at = at
        await profile.save(update_fields=["unsubscribed_at"])
    await ConsentRecord.create(lead_id=lead.id, action="unsubscribe", source=source, at=at)


async def may_push(lead_id: int) -> bool:
    """False once the contact unsubscribed or erased their details: no pushes of any kind."""
    return not await LeadProfile.filter(lead_id=lead_id).exclude(unsubscribed_at=None).exists()


async def erase(lead: Lead, at: datetime, source: str) -> None:
    """Erase personal details; identities (to honour the stop), the channel and counted events
    stay, message texts in the behaviour log are removed."""
    lead.name, lead.company, lead.consent_at, lead.consent_version = "", "", None, ""
    await lead.save(update_fields=["name", "company", "consent_at", "consent_version", "updated_at"])
    profile = await profile_of(lead)
    profile.phone = profile.email = profile.role = ""
    profile.erased_at = at
    profile.unsubscribed_at = profile.unsubscribed_at or at
    await profile.save()
    await LeadTag.filter(lead_id=lead.id).delete()
    for event in await BehaviourEvent.filter(lead_id=lead.id):
        kept = {k: v for k, v in (event.payload or {}).items() if k not in ("text", "name", "content")}
        if kept != event.payload:
            event.payload = kept
            await event.save(update_fields=["payload"])
    await ConsentRecord.create(lead_id=lead.id, action="erase", source=source, at=at)


async def store_profile(lead: Lead, **details: str) -> None:
    """Store details the contact gave in chat (name, company, phone, email, role): only with
    consent; the CRM classification follows."""
    unknown = set(details) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"unknown profile fields {sorted(unknown)}; expected {PROFILE_FIELDS}")
    if lead.consent_at is None:
        raise ConsentRequired(f"lead {lead.id} has not agreed to the privacy policy: details not stored")
    lead_fields = {k: v for k, v in details.items() if k in ("name", "company")}
    if lead_fields:
        for k, v in lead_fields.items():
            setattr(lead, k, v)
        await lead.save(update_fields=list(lead_fields) + ["updated_at"])
    profile = await profile_of(lead)
    for k in ("phone", "email", "role"):
        if k in details:
            setattr(profile, k, details[k])
    await profile.save()
    from leads.crm_store import classify_lead

    await classify_lead(lead)


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
