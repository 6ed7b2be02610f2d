"""One person, one lead: a unionid the platform gives for a new contact that already belongs to
another lead merges the two, the older lead staying (identities, touches, events, consents,
group memberships, tags and the profile move to it).

Doc facts: the official account's user/info (获取用户基本信息(UnionID机制)) gives unionid only
when the account is bound to an open-platform account; 40003 is an invalid openid.
"""
from __future__ import annotations

import logging
from typing import Any, Protocol

from bot.api.errors import ApiError
from bot.events import Identity, IdentityKind
from leads.identity import add_identity, find_lead
from models import BehaviourEvent, ChannelTouch, ConsentRecord, GroupMembership, Lead, LeadIdentity, LeadProfile, LeadTag

log = logging.getLogger(__name__)


class FollowerDirectory(Protocol):
    """The official account's user/info (the WeChat API client)."""

    async def user_info(self, openid: str) -> dict[str, Any]: ...


async def follower_unionid(wechat: FollowerDirectory | None, openid: str) -> str:
    """The official-account follower's unionid, or "" when there is none or it cannot be read
    (no WeChat client, an API error): a missing unionid never stops onboarding."""
    if wechat is None:
        return ""
    try:
        info = await wechat.user_info(openid)
    except ApiError as exc:
        log.warning("unionid of follower %s not read: %s", openid, exc)
        return ""
    return info.get("unionid") or ""


async def merge_by_unionid(lead: Lead, unionid: str) -> Lead:
    """One person, one lead: a unionid already on another lead merges the two (the older stays)."""
    if not unionid:
        return lead
    other = await find_lead(Identity(IdentityKind.UNIONID, unionid))
    if other is None:
        await add_identity(lead, Identity(IdentityKind.UNIONID, unionid))
        return lead
    if other.id == lead.id:
        return lead
    keep, drop = (other, lead) if other.id < lead.id else (lead, other)
    await merge_leads(keep, drop)
    return keep


async def merge_leads(keep: Lead, drop: Lead) -> None:
    for model in (LeadIdentity, ChannelTouch, BehaviourEvent, ConsentRecord, GroupMembership):
        await model.filter(lead_id=drop.id).update(lead_id=keep.id)
    kept_tags = set(await LeadTag.filter(lead_id=keep.id).values_list("name", flat=True))
    await LeadTag.filter(lead_id=drop.id, name__not_in=list(kept_tags) or [""]).update(lead_id=keep.id)
    if not await LeadProfile.filter(lead_id=keep.id).exists():
        await LeadProfile.filter(lead_id=drop.id).update(lead_id=keep.id)
    keep.first_channel_id = keep.first_channel_id or drop.first_channel_id
    keep.last_channel_id = drop.last_channel_id or keep.last_channel_id
    keep.owner_id = drop.owner_id or keep.owner_id
    keep.name, keep.company = keep.name or drop.name, keep.company or drop.company
    if keep.consent_at is None and drop.consent_at is not None:
        keep.consent_at, keep.consent_version = drop.consent_at, drop.consent_version
    await drop.delete()
    await keep.save()
