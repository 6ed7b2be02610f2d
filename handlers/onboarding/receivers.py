"""Daily caps: a member who reached the day's cap (China time) is taken off the channel's
contact way, the next members (or the backup) receive the contacts, and the member is back
the next day. WeCom's multi-person contact way (type 2) spreads adds over its ``user`` list;
``update_contact_way`` changes that list (document/path/92228)."""
from __future__ import annotations

import logging
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from tortoise.functions import Count

from bot.api.errors import ApiError
from models import Channel, ChannelSettings, ChannelTouch

from .retry import retry
from .service import Onboarding

log = logging.getLogger(__name__)
CHINA = ZoneInfo("Asia/Shanghai")


def day_start(now: datetime) -> datetime:
    """Midnight, China time, of ``now``'s day (daily caps count from it)."""
    local = now.astimezone(CHINA)
    return datetime.combine(local.date(), time.min, CHINA).astimezone(timezone.utc)


def open_receivers(staff: list[dict], counts: dict[str, int], backup: str) -> tuple[str, ...]:
    """The members still under their daily cap; the backup member when all are full."""
    open_ = tuple(r["userid"] for r in staff if not r.get("daily_cap") or counts.get(r["userid"], 0) < r["daily_cap"])
    return open_ or ((backup,) if backup else tuple(r["userid"] for r in staff))


async def rotate_receivers(wecom, channel: Channel, settings: ChannelSettings, clock, onboarding: Onboarding) -> None:
    """Take a member who reached the daily cap off the contact way (and put them back the next day)."""
    since = day_start(clock.now())
    rows = await (ChannelTouch.filter(channel_id=channel.id, at__gte=since, at__lt=since + timedelta(days=1))
                  .annotate(n=Count("id")).group_by("staff_userid").values_list("staff_userid", "n"))
    users = open_receivers(settings.staff, dict(rows), settings.backup_userid)
    current = onboarding.receivers.get(channel.id, tuple(r["userid"] for r in settings.staff))
    if users == current or not channel.config_id:
        return
    try:
        await retry(f"receivers of {channel.code}",
                      lambda: wecom.update_contact_way(channel.config_id, user=list(users)), clock)
        onboarding.receivers[channel.id] = users
        log.info("channel %s now goes to %s", channel.code, ", ".join(users))
    except ApiError as exc:
        log.error("receivers of %s not changed: %s", channel.code, exc)
