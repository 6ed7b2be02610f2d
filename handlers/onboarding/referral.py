"""Referral (裂变): a lead's personal invitation code is a contact way whose state names the
referrer (``ref-<lead id>``); newcomers through it are attributed to the referrer, whose count
(LeadProfile.referral_count) is shown and usable by tag rules."""
from __future__ import annotations

from models import Channel, ChannelSettings, Lead

from .channels import ChannelError, ChannelService, parse_spec


def referral_code_of(lead_id: int) -> str:
    return f"ref-{lead_id}"


async def invitation(lead: Lead, service: ChannelService, receiver: str = "") -> Channel:
    """The lead's invitation channel, made on first request (received by the lead's owner)."""
    code = referral_code_of(lead.id)
    existing = await Channel.get_or_none(code=code)
    if existing is not None:
        return existing
    await lead.fetch_related("owner")
    userid = receiver or (lead.owner.userid if lead.owner else "")
    if not userid:
        raise ChannelError({"staff": f"lead {lead.id} has no owner to receive the people they invite"})
    referrer_settings = await ChannelSettings.get_or_none(channel_id=lead.first_channel_id) if lead.first_channel_id else None
    spec = parse_spec({"code": code, "name": f"推荐码 #{lead.id}", "kind": "referral", "staff": [userid],
                       "tags": referrer_settings.tags if referrer_settings else []})
    return await service.create(spec, referrer_id=lead.id)
