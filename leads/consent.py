"""A lead's consent (PIPL): agreeing to the privacy policy, unsubscribing, erasing, and the
details that may be stored only after agreeing. Every agreement, stop and erasure leaves a
ConsentRecord; the chat keywords, the privacy page and the gated download form all come here."""
from __future__ import annotations

from datetime import datetime

from content.privacy import POLICY_VERSION
from leads.crm_store import classify_lead
from leads.privacy import erase_person
from leads.profiles import profile_of
from models import ConsentRecord, Lead, LeadProfile

PROFILE_FIELDS = ("name", "company", "phone", "email", "role")


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
    """Erase personal details from every table that holds them (leads.privacy); identities
    (to honour the stop), the channel and counted events stay, anonymous."""
    await erase_person(lead)
    lead.consent_at, lead.consent_version = None, ""
    await lead.save(update_fields=["consent_at", "consent_version", "updated_at"])
    profile = await profile_of(lead)
    profile.erased_at = at
    profile.unsubscribed_at = profile.unsubscribed_at or at
    await profile.save(update_fields=["erased_at", "unsubscribed_at"])
    await ConsentRecord.create(lead_id=lead.id, action="erase", source=source, at=at)


async def store_profile(lead: Lead, **details: str) -> None:
    """Store details the contact gave (name, company, phone, email, role): only with consent;
    the CRM classification follows."""
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
    await classify_lead(lead)
