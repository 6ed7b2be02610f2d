"""Finding or creating the lead behind a platform identity."""
from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from bot.events import Identity
from models import Lead, LeadIdentity


async def find_lead(identity: Identity) -> Lead | None:
    row = await LeadIdentity.get_or_none(kind=identity.kind, value=identity.value).select_related("lead")
    return row.lead if row else None


async def resolve_lead(identity: Identity) -> Lead:
    """The lead with this identity, created on first sight. Safe when two processes see a new
    customer at once: the unique (kind, value) key decides, the loser re-reads."""
    lead = await find_lead(identity)
    if lead is not None:
        return lead
    try:
        async with in_transaction():
            lead = await Lead.create()
            await LeadIdentity.create(lead=lead, kind=identity.kind, value=identity.value)
        return lead
    except IntegrityError:
        lead = await find_lead(identity)
        if lead is None:
            raise
        return lead


async def add_identity(lead: Lead, identity: Identity) -> None:
    """Attach another identity (e.g. a unionid) to a lead; ignored if already attached."""
    try:
        await LeadIdentity.create(lead=lead, kind=identity.kind, value=identity.value)
    except IntegrityError:
        pass
