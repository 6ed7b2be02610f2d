"""Onboarding: a customer who scans a channel's QR code is attributed to the channel, assigned
to the receiving staff member and welcomed with the channel's message."""
from __future__ import annotations

import logging

from bot.api.errors import ApiError
from bot.dispatcher import Router
from bot.events import ContactAdded
from content.templates import TemplateProblem, render_message
from models import Channel, Lead, Staff

log = logging.getLogger(__name__)
router = Router("onboarding")

DEFAULT_WELCOME = "您好{% if name %} {{ name }}{% endif %}，欢迎关注{{ channel_name }}！有问题直接在这里问我。"


async def attribute(lead: Lead, channel: Channel | None, staff_userid: str) -> None:
    """First touch is kept; last touch and the receiving staff member follow the newest add."""
    staff, _ = await Staff.get_or_create(userid=staff_userid)
    if channel is not None:
        if lead.first_channel_id is None:
            lead.first_channel = channel
        lead.last_channel = channel
    lead.owner = staff
    await lead.save()


@router.on(ContactAdded)
async def contact_added(event: ContactAdded, lead: Lead, wecom) -> None:
    channel = await Channel.get_or_none(code=event.state) if event.state else None
    if event.state and channel is None:
        log.warning("add_external_contact with unknown state %r attributed to no channel", event.state)
    await attribute(lead, channel, event.user_id)
    if not event.welcome_code or wecom is None:
        return
    try:
        text = render_message(
            (channel.welcome_template if channel else "") or DEFAULT_WELCOME,
            name=lead.name, channel_name=channel.name if channel else "我们",
        )
    except TemplateProblem as exc:
        log.error("welcome template of channel %s is broken: %s", event.state, exc)
        text = render_message(DEFAULT_WELCOME, name=lead.name, channel_name=channel.name if channel else "我们")
    try:
        await wecom.send_welcome_msg(event.welcome_code, text=text)
    except ApiError as exc:
        log.warning("welcome message not sent (%s %s)", exc.errcode, exc.errmsg)
