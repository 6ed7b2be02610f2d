"""What a marketer does to a campaign after creating it (pause, resume, cancel) and where
it stands. The dispatcher reads the state before every claim, so changes apply within a round."""
from __future__ import annotations

from tortoise.functions import Count

from models import Campaign, PushDelivery, TrackedLink

TRANSITIONS = {
    "pause": ({"scheduled", "running"}, "paused"),
    "resume": ({"paused"}, "running"),
    "cancel": ({"scheduled", "running", "paused"}, "cancelled"),
}


class CampaignStateError(ValueError):
    """The campaign does not exist or cannot make that change."""


async def change_state(campaign_id: int, action: str) -> Campaign:
    """Pause, resume or cancel. Cancelling drops what is still planned; the dispatcher
    cancels the WeCom tasks members have not sent yet."""
    allowed, target = TRANSITIONS[action]
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None:
        raise CampaignStateError(f"no campaign {campaign_id}")
    if campaign.state not in allowed:
        raise CampaignStateError(f"campaign {campaign_id} is {campaign.state}; it cannot {action}")
    if action == "resume" and campaign.rotation < 0:
        target = "scheduled"  # paused before its first run
    updated = await Campaign.filter(id=campaign_id, state=campaign.state).update(state=target)
    if not updated:
        raise CampaignStateError(f"campaign {campaign_id} changed meanwhile; try again")
    if target == "cancelled":
        await PushDelivery.filter(campaign_id=campaign_id, state="planned").update(state="cancelled", reason="cancelled")
    campaign.state = target
    return campaign


async def campaign_status(campaign_id: int) -> dict:
    """{"id", "state", "planned", "sent", "confirmed", "failed", "opened"}: planned counts
    every recipient meant to receive it (not those the caps skipped); sent counts what WeCom
    accepted (confirmed included); confirmed what members sent and recipients received."""
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None:
        raise CampaignStateError(f"no campaign {campaign_id}")
    counts = dict(await PushDelivery.filter(campaign_id=campaign_id).group_by("state")
                  .annotate(n=Count("id")).values_list("state", "n"))
    opened = await TrackedLink.filter(campaign_id=campaign_id, first_opened_at__isnull=False).count()
    return {
        "id": campaign.id,
        "state": campaign.state,
        "planned": sum(n for state, n in counts.items() if state != "skipped"),
        "sent": counts.get("sent", 0) + counts.get("confirmed", 0),
        "confirmed": counts.get("confirmed", 0),
        "failed": counts.get("failed", 0),
        "opened": opened,
    }
