"""Referral codes attribute newcomers to the referrer; daily caps move contacts to the next
member and the backup."""
import pytest

from handlers.onboarding.channels import ChannelError
from handlers.onboarding.referral import invitation
from models import Lead, LeadProfile
from tests.support.onboarding import channel_service, make_channel


async def test_people_who_scan_a_leads_invitation_are_attributed_to_the_referrer(harness):
    expo = await make_channel(harness, code="expo")
    first = await harness.sim.scan_contact_way(expo.config_id, external_userid="wmReferrer")
    await harness.settle()
    referrer = await Lead.get()

    code = await invitation(referrer, channel_service(harness))
    assert harness.sim.state.contact_ways[code.config_id].state == f"ref-{referrer.id}"
    for colleague in ("wmColleague1", "wmColleague2"):
        await harness.sim.scan_contact_way(code.config_id, external_userid=colleague)
    await harness.settle()

    assert (await LeadProfile.get(lead=referrer)).referral_count == 2
    newcomers = await LeadProfile.filter(referrer=referrer).count()
    assert newcomers == 2
    assert first.callback.status == 200
    assert (await invitation(referrer, channel_service(harness))).id == code.id


async def test_a_lead_without_an_owner_gets_no_invitation(harness):
    lead = await Lead.create()
    with pytest.raises(ChannelError, match="no owner"):
        await invitation(lead, channel_service(harness))


async def test_a_member_who_reached_the_daily_cap_hands_over_to_the_backup(harness):
    harness.sim.add_staff("wangwu", "王五")
    channel = await make_channel(harness, code="expo", staff=[{"userid": "zhangsan", "daily_cap": 2}], backup="wangwu")

    receivers = []
    for _ in range(4):
        scan = await harness.sim.scan_contact_way(channel.config_id)
        await harness.settle()
        receivers.append(scan.info["userid"])

    assert receivers == ["zhangsan", "zhangsan", "wangwu", "wangwu"]


async def test_the_capped_member_is_back_the_next_day(harness):
    harness.sim.add_staff("wangwu", "王五")
    channel = await make_channel(harness, code="expo", staff=[{"userid": "zhangsan", "daily_cap": 1}], backup="wangwu")
    await harness.sim.scan_contact_way(channel.config_id)
    await harness.settle()
    harness.bot.clock.advance(86400)

    await harness.sim.scan_contact_way(channel.config_id)  # the backup's add brings zhangsan back
    await harness.settle()
    again = await harness.sim.scan_contact_way(channel.config_id)

    assert again.info["userid"] == "zhangsan"
