"""Surveys reach customers by trigger — a link in a push, or N days after joining a channel —
and no customer is invited more often than the frequency cap allows."""

from handlers.surveys.store import import_survey
from models import BehaviourEvent, Lead
from tests.support.onboarding import make_channel

POLL = """\
key: after-join
title: 入群一周小调查
wave: "1"
after_joining: 7d
questions:
  - id: rating
    kind: rating
    text: 这一周的服务您打几分？
"""
OTHER = POLL.replace("key: after-join", "key: content").replace("after_joining: 7d\n", "")

async def scanned_lead(harness):
    channel = await make_channel(harness, code="expo-2026", name="展会")
    scan = await harness.sim.scan_contact_way(channel.config_id, name="王工")
    await harness.settle()
    return await Lead.get(), scan.info["external_userid"]

async def test_a_push_gets_the_customer_link_once_within_the_cap(harness, clock):
    await import_survey(OTHER)
    lead, _ = await scanned_lead(harness)
    surveys, behaviour = harness.bot.services["surveys"], harness.bot.behaviour

    link = await surveys.link_for_push(behaviour, "content", lead, clock.now())
    assert link.startswith(harness.bot.settings.base_url + "/s/")
    assert await surveys.link_for_push(behaviour, "content", lead, clock.now()) is None  # the cap holds

    clock.advance(31 * 86400)
    assert await surveys.link_for_push(behaviour, "content", lead, clock.now()) is not None
    invited = await BehaviourEvent.filter(lead=lead, kind="survey.invited").values_list("payload", flat=True)
    assert [p["trigger"] for p in invited] == ["push", "push"]

async def test_seven_days_after_joining_the_staff_member_is_asked_to_send_the_link(harness, clock):
    await import_survey(POLL)
    lead, customer = await scanned_lead(harness)
    surveys, bot = harness.bot.services["surveys"], harness.bot

    clock.advance(6 * 86400)
    assert (await surveys.sweep(clock, bot.wecom, bot.wechat, bot.behaviour))["invited"] == 0
    clock.advance(86400 + 60)
    assert (await surveys.sweep(clock, bot.wecom, bot.wechat, bot.behaviour))["invited"] == 1
    assert (await surveys.sweep(clock, bot.wecom, bot.wechat, bot.behaviour))["invited"] == 0  # once

    [task] = harness.sim.state.msg_templates.values()
    assert task.recipients == {"zhangsan": [customer]}
    assert "「入群一周小调查」" in task.text and "/s/" in task.text

async def test_a_lead_invited_by_a_push_is_not_invited_again_after_joining(harness, clock):
    await import_survey(OTHER)
    await import_survey(POLL)
    lead, _ = await scanned_lead(harness)
    surveys, bot = harness.bot.services["surveys"], harness.bot
    clock.advance(5 * 86400)
    assert await surveys.link_for_push(bot.behaviour, "content", lead, clock.now())

    clock.advance(2 * 86400 + 60)
    assert (await surveys.sweep(clock, bot.wecom, bot.wechat, bot.behaviour))["invited"] == 0
    assert harness.sim.state.msg_templates == {}
