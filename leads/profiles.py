"""A lead's onboarding profile (LeadProfile), created on first need."""
from __future__ import annotations

from tortoise.exceptions import IntegrityError

from models import Lead, LeadProfile


async def profile_of(lead: Lead) -> LeadProfile:
    profile = await LeadProfile.get_or_none(lead_id=lead.id)
    if profile is not None:
        return profile
    try:
        return await LeadProfile.create(lead_id=lead.id)
    except IntegrityError:
        return await LeadProfile.get(lead_id=lead.id)


async def onboarding_json(lead: Lead) -> dict:
    """What onboarding knows of a lead, for the lead page and the API: touches, CRM match,
    consent, pushes stopped, lost, referrer and referral count."""
    from models import ChannelTouch

    profile = await LeadProfile.get_or_none(lead_id=lead.id).prefetch_related("crm_account")
    touches = await ChannelTouch.filter(lead_id=lead.id).order_by("at").prefetch_related("channel")
    iso = (lambda v: v.isoformat() if v else None)
    return {
        "touches": [{"channel": t.channel.code if t.channel else None, "state": t.state, "staff": t.staff_userid,
                     "first": t.first_touch, "welcome": t.welcome, "at": iso(t.at)} for t in touches],
        "crm_match": profile.crm_match if profile else "new",
        "crm_account": profile.crm_account.name if profile and profile.crm_account else None,
        "consent_at": iso(lead.consent_at), "consent_version": lead.consent_version,
        "unsubscribed_at": iso(profile.unsubscribed_at) if profile else None,
        "erased_at": iso(profile.erased_at) if profile else None,
        "lost_at": iso(profile.lost_at) if profile else None, "lost_reason": profile.lost_reason if profile else "",
        "referrer_id": profile.referrer_id if profile else None,
        "referral_count": profile.referral_count if profile else 0,
    }
