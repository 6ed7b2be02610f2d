"""Survey invitations by trigger — a push (or sequence step) carrying a survey link, and N days
after a lead joined a channel — each respecting the per-lead frequency cap: at most one
invitation per lead within ``SurveyOptions.invitation_gap`` (any survey, any trigger).

An invitation is the behaviour event ``survey.invited`` on the lead (its payload names the
survey and the trigger), so the cap, the lead's timeline and the funnel's "sent" read one log.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from models import BehaviourEvent, ChannelTouch, Lead, LeadIdentity, Survey, SurveyResponse

from . import texts
from .store import current_wave, definition_of, find_survey

log = logging.getLogger(__name__)
INVITED = "survey.invited"
LINK_DAYS = 14  # how long an invitation's link works when the wave has no closing time
JOIN_WINDOW = timedelta(days=1)  # a join older than after_joining + this is past (no late invitations)


async def capped(lead_id: int, now: datetime, gap: timedelta) -> bool:
    """The lead was invited to a survey within ``gap`` before ``now``."""
    return await BehaviourEvent.exists(lead_id=lead_id, kind=INVITED, occurred_at__gt=now - gap)


async def invitation_for(survey: Survey, lead: Lead, now: datetime, gap: timedelta) -> str | None:
    """Why ``lead`` is not invited to ``survey`` now, or None when it may be."""
    definition = definition_of(survey)
    wave = await current_wave(survey)
    if survey.archived or wave is None or not definition.is_open(now):
        return "closed"
    if await SurveyResponse.exists(wave_id=wave.id, lead_id=lead.id):
        return "answered"
    if await capped(lead.id, now, gap):
        return "capped"
    return None


async def invite_link(surveys: Any, behaviour: Any, survey_ref: str | int, lead: Lead, now: datetime, *,
                      trigger: str = "push") -> str | None:
    """The lead's signed link to the survey's phone page, recorded as an invitation; None when
    the survey is closed, the lead answered this wave or was invited within the cap."""
    survey = await find_survey(survey_ref)
    if survey is None or await invitation_for(survey, lead, now, surveys.options.invitation_gap) is not None:
        return None
    closes = definition_of(survey).closes
    expires = closes if closes is not None else now + timedelta(days=LINK_DAYS)
    await behaviour.record_behaviour(lead=lead, kind=INVITED, direction="outbound",
                                     payload={"survey": survey.id, "key": survey.key, "trigger": trigger})
    return surveys.links.url(surveys.base_url, survey.id, lead.id, expires)


async def invite_after_joining(surveys: Any, clock: Any, behaviour: Any, wecom: Any) -> int:
    """Surveys with ``after_joining``: leads whose first touch is that old (within a day) get
    the link through a WeCom mass-send task from the staff member they added; returns how
    many were invited."""
    now, invited = clock.now(), 0
    for survey in await Survey.filter(archived=False):
        after = definition_of(survey).after_joining
        if after is None or wecom is None:
            continue
        touches = await ChannelTouch.filter(first_touch=True, at__lte=now - after, at__gt=now - after - JOIN_WINDOW,
                                            platform="wecom").exclude(staff_userid="").order_by("id")
        for touch in touches:
            invited += await _invite_contact(surveys, behaviour, wecom, survey, touch, now)
    return invited


async def _invite_contact(surveys: Any, behaviour: Any, wecom: Any, survey: Survey, touch: ChannelTouch, now: datetime) -> int:
    lead = await Lead.get_or_none(id=touch.lead_id)
    contact = await LeadIdentity.get_or_none(lead_id=touch.lead_id, kind="external_userid")
    if lead is None or contact is None:
        return 0
    link = await invite_link(surveys, behaviour, survey.id, lead, now, trigger="after_joining")
    if link is None:
        return 0
    text = texts.INVITATION.format(title=definition_of(survey).title, link=link)
    try:
        await wecom.add_msg_template({"chat_type": "single", "external_userid": [contact.value],
                                      "sender": touch.staff_userid, "text": {"content": text}})
    except Exception:  # noqa: BLE001 - logged; the invitation stays recorded, never sent twice
        log.exception("survey invitation for lead %s failed", lead.id)
        return 0
    return 1
