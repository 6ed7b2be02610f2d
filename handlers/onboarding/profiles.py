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
