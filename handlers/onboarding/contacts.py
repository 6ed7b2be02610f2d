"""Add → lead, attributed and welcomed: on add_external_contact (or an official account
subscribe/SCAN with a scene) the lead gets a touch, its first-touch channel is kept, its last
touch and receiving member follow the newest add, and the welcome goes out before anything
slower (profile, tags, receiver caps) is done.

Doc facts: add_external_contact carries State (the contact way's state) and WelcomeCode
(document/path/92130); externalcontact/get returns external_contact.unionid when the corp has
a bound open platform (document/path/92114).
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from bot.api.errors import ApiError
from bot.dispatcher import Router
from bot.events import AccountEvent, ContactAdded
from leads.behaviour import BehaviourLog
from leads.merge import follower_unionid, merge_by_unionid
from leads.profiles import profile_of
from models import Channel, ChannelSettings, ChannelTouch, GroupJoinWay, Lead, LeadProfile, WeComMember

from .channels import UNKNOWN_CODE
from .names import keep_contact_details, name_member
from .retry import retry
from .receivers import rotate_receivers
from .service import Onboarding
from .tags import tag_lead
from .welcome import SENT, group_invitation, report_welcome_problems, send_welcome, template_values, welcome_text

log = logging.getLogger(__name__)
router = Router("onboarding.contacts")
PROFILE_BUDGET = 4.0  # seconds of the 20 s welcome window a name lookup may take


async def channel_for_state(state: str) -> Channel | None:
    """The channel whose code is ``state``; the "unknown" channel for a state no channel has."""
    if not state:
        return None
    channel = await Channel.get_or_none(code=state)
    if channel is not None:
        return channel
    log.warning("contact came with state %r, which no channel has: attributed to %r", state, UNKNOWN_CODE)
    channel, _ = await Channel.get_or_create(code=UNKNOWN_CODE, defaults={"name": "未知来源", "kind": "other"})
    return channel


async def record_touch(lead: Lead, channel: Channel | None, *, state: str, platform: str, staff: str,
                       welcome_code: str, at: datetime) -> ChannelTouch | None:
    """The touch, or None when this WelcomeCode was seen already (no second welcome)."""
    try:
        return await ChannelTouch.create(
            lead_id=lead.id, channel_id=channel.id if channel else None, state=state, platform=platform,
            staff_userid=staff, welcome_code=welcome_code or None, at=at, first_touch=lead.first_channel_id is None,
        )
    except IntegrityError:
        log.info("welcome code %s seen before: no second welcome", welcome_code)
        return None


async def attribute(lead: Lead, channel: Channel | None, staff_userid: str = "") -> None:
    """First touch is kept; last touch and the receiving staff member follow the newest add."""
    fields = []
    if staff_userid:
        staff, _ = await WeComMember.get_or_create(userid=staff_userid)
        lead.owner_id = staff.id
        fields.append("owner_id")
    if channel is not None:
        if lead.first_channel_id is None:
            lead.first_channel_id = channel.id
            fields.append("first_channel_id")
        lead.last_channel_id = channel.id
        fields.append("last_channel_id")
    if fields:
        await lead.save(update_fields=fields + ["updated_at"])


@router.on(ContactAdded)
async def contact_added(event: ContactAdded, lead: Lead, wecom, clock, behaviour: BehaviourLog, onboarding: Onboarding) -> None:
    channel = await channel_for_state(event.state)
    touch = await record_touch(lead, channel, state=event.state, platform="wecom", staff=event.user_id,
                               welcome_code=event.welcome_code, at=clock.now())
    if touch is None:
        return
    await attribute(lead, channel, event.user_id)
    settings = await ChannelSettings.get_or_none(channel_id=channel.id) if channel else None
    contact = await _welcome(event, lead, channel, settings, wecom, behaviour, onboarding, touch, clock)
    await _after_welcome(event, lead, channel, settings, wecom, clock, onboarding, touch, contact)


async def _member_name(wecom, userid: str) -> str:
    """The receiving member's name for ``{{ staff }}`` (user/get once; never the bare userid)."""
    await name_member(wecom, userid)
    member = await WeComMember.get_or_none(userid=userid)
    return member.name if member else ""


async def _welcome(event, lead, channel, settings, wecom, behaviour, onboarding, touch, clock) -> dict | None:
    if wecom is None:
        return None
    template = channel.welcome_template if channel else ""
    contact = None
    if "name" in template_values(template or "") and event.welcome_code:
        contact = await _profile(wecom, event.external_user_id, budget=PROFILE_BUDGET)
    name = ((contact or {}).get("external_contact") or {}).get("name", "")
    staff = await _member_name(wecom, event.user_id) if "staff" in template_values(template or "") else ""
    problems: list[str] = []
    text = welcome_text(template, name=name, channel_name=channel.name if channel and channel.code != UNKNOWN_CODE
                        else onboarding.company, privacy_url=onboarding.privacy_link(lead.id), report=problems.append,
                        staff=staff)
    if event.welcome_code:
        behaviour.expect_welcome(event.welcome_code, lead)  # send_welcome_msg names only the code
        touch.welcome = await send_welcome(wecom, event.welcome_code, text, await _attachments(channel, settings))
    elif settings is not None and settings.welcome_fallback:
        touch.welcome = await _fallback(wecom, event, text)
    else:
        touch.welcome = "none"
    await touch.save(update_fields=["welcome"])
    await report_welcome_problems(channel, problems, clock.now())  # after sending: the 20 s count
    return contact


async def _attachments(channel, settings) -> list[dict]:
    out = list(settings.attachments) if settings else []
    if channel is not None and settings is not None and settings.groups:
        way = await GroupJoinWay.filter(channel_id=channel.id).first()
        if way is not None and way.qr_code:
            out.append(group_invitation(way.qr_code, f"加入{channel.name}客户群"))
    return out


async def _fallback(wecom, event: ContactAdded, text: str) -> str:
    """No WelcomeCode (a welcome is configured in the admin console, or the member chatted
    already): the member gets a one-recipient send task to confirm in WeCom."""
    try:
        await wecom.add_msg_template({"chat_type": "single", "external_userid": [event.external_user_id],
                                      "sender": event.user_id, "text": {"content": text}})
        return "fallback"
    except ApiError as exc:
        log.warning("fallback welcome for %s not created: %s", event.external_user_id, exc)
        return "failed"


async def _profile(wecom, external_userid: str, budget: float | None = None) -> dict | None:
    try:
        call = wecom.get_external_contact(external_userid)
        return await (asyncio.wait_for(call, budget) if budget else call)
    except (ApiError, TimeoutError) as exc:
        log.warning("profile of %s not read: %s", external_userid, exc)
        return None


async def _after_welcome(event, lead, channel, settings, wecom, clock, onboarding, touch, contact) -> None:
    if settings is not None and touch.first_touch and settings.referrer_id:
        await credit_referrer(lead, settings.referrer_id)
    if wecom is None:
        return
    contact = contact or await _profile(wecom, event.external_user_id)
    if contact:
        lead = await merge_by_unionid(lead, (contact.get("external_contact") or {}).get("unionid", ""))
        await keep_contact_details(lead, contact)
    await name_member(wecom, event.user_id)
    if settings is not None and settings.tags:
        await _apply_tags(wecom, clock, onboarding, event, lead, settings.tags)
    if settings is not None and any(r.get("daily_cap") for r in settings.staff):
        await rotate_receivers(wecom, channel, settings, clock, onboarding)


async def _apply_tags(wecom, clock, onboarding, event, lead, names) -> None:
    await tag_lead(lead.id, names)
    try:
        await retry(f"tags for {event.external_user_id}",
                      lambda: onboarding.tag_book.apply(wecom, event.user_id, event.external_user_id, names), clock)
    except ApiError as exc:
        log.error("tags %s not applied to %s: %s", names, event.external_user_id, exc)


async def credit_referrer(lead: Lead, referrer_id: int) -> None:
    """Attribute a newcomer to the lead whose invitation code brought them."""
    if referrer_id == lead.id:
        return
    profile = await profile_of(lead)
    if profile.referrer_id:
        return
    profile.referrer_id = referrer_id
    await profile.save(update_fields=["referrer_id"])
    referrer = await Lead.get_or_none(id=referrer_id)
    if referrer is not None:
        await profile_of(referrer)
        await LeadProfile.filter(lead_id=referrer_id).update(referral_count=F("referral_count") + 1)


def _follow_or_scan(event, data) -> bool:
    return event.event_type in ("subscribe", "SCAN")


@router.on(AccountEvent, filters=[_follow_or_scan])
async def account_scan(event: AccountEvent, lead: Lead, clock, responder, onboarding: Onboarding, wechat) -> None:
    """An official-account follow or scan: attributed like an add; the welcome is the reply.
    After the reply, the follower's unionid (user/info) merges them with the lead that has it."""
    channel = await channel_for_state(event.scene)
    touch = await record_touch(lead, channel, state=event.scene, platform="wechat", staff="", welcome_code="",
                               at=clock.now())
    await attribute(lead, channel)
    settings = await ChannelSettings.get_or_none(channel_id=channel.id) if channel else None
    if settings is not None and touch and touch.first_touch and settings.referrer_id:
        await credit_referrer(lead, settings.referrer_id)
    if settings is not None and settings.tags:
        await tag_lead(lead.id, settings.tags)
    if event.event_type == "subscribe" or touch.first_touch:
        name = channel.name if channel and channel.code != UNKNOWN_CODE else onboarding.company
        problems: list[str] = []
        await responder.text(welcome_text(channel.welcome_template if channel else "", name="", channel_name=name,
                                          privacy_url=onboarding.privacy_link(lead.id), report=problems.append))
        touch.welcome = SENT
        await touch.save(update_fields=["welcome"])
        await report_welcome_problems(channel, problems, clock.now())
    await merge_by_unionid(lead, await follower_unionid(wechat, event.openid))
