"""Lost contacts: del_external_contact (the member removed the customer) and del_follow_user
(the customer removed the member) mark the lead lost, log it and alert the member in WeCom.
A removal caused by an on-the-job transfer (Source DELETE_BY_TRANSFER) is no loss.

Doc facts (document/path/92130): both events carry UserID and ExternalUserID;
del_external_contact carries Source=DELETE_BY_TRANSFER for transfers.
"""
from __future__ import annotations

import logging

from bot.api.errors import ApiError
from bot.dispatcher import Router
from bot.events import ContactDeleted, ContactEvent, FollowUserDeleted
from leads.behaviour import BehaviourLog
from leads.profiles import profile_of
from models import Lead

from .retry import retry

log = logging.getLogger(__name__)
router = Router("onboarding.lost")
TRANSFER = "DELETE_BY_TRANSFER"


async def mark_lost(lead: Lead, event: ContactEvent, reason: str, clock, behaviour: BehaviourLog) -> None:
    lead.status = "lost"
    await lead.save(update_fields=["status", "updated_at"])
    profile = await profile_of(lead)
    profile.lost_at, profile.lost_reason = clock.now(), f"{reason}:{event.user_id}"
    await profile.save(update_fields=["lost_at", "lost_reason"])
    await behaviour.record_behaviour(lead=lead, kind="lead.lost", direction="inbound", platform="wecom",
                                     actor=event.external_user_id, payload={"reason": reason, "staff": event.user_id})


async def alert(wecom, clock, userid: str, text: str) -> None:
    if wecom is None:
        return
    try:
        await retry(f"lost alert to {userid}", lambda: wecom.send_app_text(userid, text), clock)
    except ApiError as exc:
        log.error("lost alert to %s not sent: %s", userid, exc)


def _who(lead: Lead) -> str:
    return lead.name or f"客户 #{lead.id}"


@router.on(ContactDeleted)
async def staff_removed_customer(event: ContactDeleted, lead: Lead, wecom, clock, behaviour) -> None:
    if event.source == TRANSFER:
        log.info("%s moved away from %s by transfer: not lost", event.external_user_id, event.user_id)
        return
    await mark_lost(lead, event, "staff_removed_customer", clock, behaviour)
    await alert(wecom, clock, event.user_id, f"【客户流失】您已删除客户 {_who(lead)}，该线索已标记为流失。")


@router.on(FollowUserDeleted)
async def customer_removed_staff(event: FollowUserDeleted, lead: Lead, wecom, clock, behaviour) -> None:
    await mark_lost(lead, event, "customer_removed_staff", clock, behaviour)
    await alert(wecom, clock, event.user_id, f"【客户流失】客户 {_who(lead)} 已将您删除，该线索已标记为流失。")
