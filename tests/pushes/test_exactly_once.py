"""A dispatcher that dies at any point, and a restart: nothing is sent twice and nothing is
lost, counted against the simulator's record of calls. Two dispatchers never send a row twice."""
from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from bot.api.errors import TransportError
from handlers.pushes.campaigns import campaign_status
from handlers.pushes.dispatcher import DispatchSettings, PushDispatcher
from handlers.pushes.planning import create_campaign
from models import Campaign, PushDelivery

from tests.support.pushes import BASE_URL, CAMPAIGN, add_customers, chemical_segment, recipients_called

SHARED = CAMPAIGN.replace("{{ name }}您好，", "")  # one content: recipients share tasks


class Killed(BaseException):
    """The process dies here (not an Exception: nothing catches it)."""


class DyingWeCom:
    """The WeCom client of a process that dies before or after add_msg_template reached WeCom,
    or whose answer was lost on the way back."""

    def __init__(self, inner, when: str) -> None:
        self.inner, self.when = inner, when

    async def add_msg_template(self, payload):
        if self.when == "before_call":
            raise Killed()
        answer = await self.inner.add_msg_template(payload)
        if self.when == "after_call":
            raise Killed()
        if self.when == "answer_lost":
            raise TransportError("timeout", "/cgi-bin/externalcontact/add_msg_template")
        return answer

    def __getattr__(self, name):
        return getattr(self.inner, name)


SETTINGS = DispatchSettings(batch_size=40, lease=60, poll_every=0)


@pytest.mark.parametrize("when", ["before_call", "after_call", "answer_lost"])
async def test_a_crash_around_the_call_sends_nothing_twice_and_loses_nothing(db, sim, clock, wecom, when):
    await add_customers(sim, 100)
    await chemical_segment()
    campaign = await create_campaign(SHARED, clock.now())
    dying = PushDispatcher(clock, DyingWeCom(wecom, when), BASE_URL, SETTINGS)
    try:
        await dying.run_once()
    except Killed:
        pass
    assert await PushDelivery.filter(state="sending").count() == 40  # the claim was committed

    restarted = PushDispatcher(clock, wecom, BASE_URL, SETTINGS)
    await restarted.run_until_idle()
    assert await PushDelivery.filter(state="sending").count() == 40  # still within the lease: left alone
    clock.advance(61)
    await restarted.run_until_idle()
    assert Counter(recipients_called(sim)) == {f"wm{i:05d}": 1 for i in range(100)}
    assert (await campaign_status(campaign.id))["sent"] == 100


async def test_a_crash_while_planning_plans_the_rotation_again_once(db, sim, clock, wecom, monkeypatch):
    await add_customers(sim, 30)
    await chemical_segment()
    campaign = await create_campaign(SHARED, clock.now())
    real_save = Campaign.save

    async def die(self, *args, **kwargs):
        raise Killed()

    monkeypatch.setattr(Campaign, "save", die)
    with pytest.raises(Killed):
        await PushDispatcher(clock, wecom, BASE_URL, SETTINGS).run_once()
    assert await PushDelivery.all().count() == 0  # rolled back with the campaign's rotation
    monkeypatch.setattr(Campaign, "save", real_save)
    await PushDispatcher(clock, wecom, BASE_URL, SETTINGS).run_until_idle()
    assert Counter(recipients_called(sim)) == {f"wm{i:05d}": 1 for i in range(30)}
    assert (await Campaign.get(id=campaign.id)).rotation == 0


async def test_two_dispatchers_never_send_the_same_row(db, sim, clock, wecom):
    await add_customers(sim, 400)
    await chemical_segment()
    campaign = await create_campaign(SHARED, clock.now())
    first = PushDispatcher(clock, wecom, BASE_URL, DispatchSettings(batch_size=25, lease=60))
    second = PushDispatcher(clock, wecom, BASE_URL, DispatchSettings(batch_size=25, lease=60))
    await asyncio.gather(first.run_until_idle(), second.run_until_idle())
    await first.run_until_idle()
    assert Counter(recipients_called(sim)) == {f"wm{i:05d}": 1 for i in range(400)}
    assert (await campaign_status(campaign.id))["sent"] == 400
