"""Who a contact and a staff member are, so people are shown by name.

The customer's name and company come from 获取客户详情 (externalcontact/get,
document/path/92114: ``external_contact.name``; ``corp_full_name``/``corp_name`` only for a WeCom
user, type 2). They are personal details: kept once the contact agreed (consent.py), filled on
consent and refreshed on edit_external_contact. A member's name comes from 读取成员 (user/get,
document/path/90196); it is the company's own data and is kept at once.
"""
from __future__ import annotations

import logging

from bot.api.errors import ApiError
from bot.dispatcher import Router
from bot.events import ContactEdited
from models import Lead, LeadIdentity, WeComMember

log = logging.getLogger(__name__)
router = Router("onboarding.names")


def contact_details(contact: dict | None) -> dict[str, str]:
    """name and company from an externalcontact/get answer (empty values left out)."""
    person = (contact or {}).get("external_contact") or {}
    details = {"name": person.get("name", ""), "company": person.get("corp_full_name") or person.get("corp_name", "")}
    return {k: v for k, v in details.items() if v}


async def keep_contact_details(lead: Lead, contact: dict | None, *, overwrite: bool = False) -> bool:
    """Store the platform's name and company on a lead that consented; without ``overwrite``
    only empty fields are filled (what the customer told us in chat wins)."""
    if lead.consent_at is None:
        return False
    changed = {k: v for k, v in contact_details(contact).items()
               if getattr(lead, k) != v and (overwrite or not getattr(lead, k))}
    if not changed:
        return False
    for k, v in changed.items():
        setattr(lead, k, v)
    await lead.save(update_fields=list(changed) + ["updated_at"])
    return True


async def read_contact(wecom, external_userid: str) -> dict | None:
    try:
        return await wecom.get_external_contact(external_userid)
    except ApiError as exc:
        log.warning("profile of %s not read: %s", external_userid, exc)
        return None


async def refresh_contact(wecom, lead: Lead, *, overwrite: bool = False) -> bool:
    """Read the lead's WeCom profile again (each external_userid it has) and keep what consent allows."""
    if wecom is None or lead.consent_at is None:
        return False
    ids = await LeadIdentity.filter(lead_id=lead.id, kind="external_userid").values_list("value", flat=True)
    for external_userid in ids:
        contact = await read_contact(wecom, external_userid)
        if contact is not None:
            return await keep_contact_details(lead, contact, overwrite=overwrite)
    return False


async def name_member(wecom, userid: str) -> None:
    """Fill a staff member's empty name from user/get."""
    if wecom is None or not userid:
        return
    staff, _ = await WeComMember.get_or_create(userid=userid)
    if staff.name:
        return
    try:
        answer = await wecom.get_user(userid)
    except ApiError as exc:
        log.warning("name of member %s not read: %s", userid, exc)
        return
    if answer.get("name") and answer["name"] != userid:  # some apps get the userid in place of the name
        staff.name = answer["name"][:64]
        await staff.save(update_fields=["name"])


@router.on(ContactEdited)
async def contact_edited(event: ContactEdited, lead: Lead, wecom) -> None:
    """The member edited the contact in WeCom: read the profile again."""
    await refresh_contact(wecom, lead, overwrite=True)
    await name_member(wecom, event.user_id)
