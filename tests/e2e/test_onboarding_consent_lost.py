"""Consent (PIPL) by keyword on 微信客服 and the official account, and lost contacts."""
import pytest

from content.privacy import POLICY_VERSION
from handlers.onboarding.consent import ConsentRequired, may_push, store_profile
from models import BehaviourEvent, ConsentRecord, Lead, LeadProfile
from tests.support.onboarding import make_channel

KF = "wkKF0001"


async def added(harness, code="expo", name="王工"):
    channel = await make_channel(harness, code=code)
    scan = await harness.sim.scan_contact_way(channel.config_id, name=name)
    await harness.settle()
    return scan.info["external_userid"]


async def say(harness, customer, text):
    await harness.sim.kf_customer_text(KF, customer, text)
    await harness.settle()
    return harness.sim.received(customer)[-1]["text"]


async def test_before_consent_only_identities_channel_and_events_are_kept(harness):
    await added(harness)

    lead = await Lead.get()
    assert (lead.name, lead.company, lead.consent_at) == ("", "", None)
    with pytest.raises(ConsentRequired):
        await store_profile(lead, company="苏州某某材料有限公司", phone="13800000000")
    assert await LeadProfile.filter(phone="13800000000").count() == 0


async def test_replying_agree_records_consent_with_the_policy_version(harness):
    customer = await added(harness)

    answer = await say(harness, customer, "同意")

    lead = await Lead.get()
    assert lead.consent_at is not None and lead.consent_version == POLICY_VERSION
    assert POLICY_VERSION in answer
    await store_profile(lead, name="王工", company="苏州某某材料有限公司", phone="13800000000", role="采购经理")
    assert (await Lead.get()).company == "苏州某某材料有限公司"
    assert (await LeadProfile.get(lead=lead)).phone == "13800000000"


async def test_agreeing_twice_records_one_consent(harness):
    customer = await added(harness)
    await say(harness, customer, "同意")
    again = await say(harness, customer, "同意")

    assert "已于" in again
    assert await ConsentRecord.filter(action="agree").count() == 1


@pytest.mark.parametrize("word", ["退订", "TD", "td"])
async def test_unsubscribing_stops_every_push(harness, word):
    customer = await added(harness)
    lead = await Lead.get()
    assert await may_push(lead.id)

    answer = await say(harness, customer, word)

    assert "退订" in answer
    assert not await may_push(lead.id)


async def test_delete_my_information_erases_details_and_keeps_anonymous_counts(harness):
    customer = await added(harness)
    await say(harness, customer, "同意")
    lead = await Lead.get()
    await store_profile(lead, name="王工", company="华东精密", email="wang@example.com")
    await say(harness, customer, "我想了解一下你们的密封件")
    events_before = await BehaviourEvent.filter(lead=lead).count()

    await say(harness, customer, "删除我的信息")

    lead = await Lead.get()
    profile = await LeadProfile.get(lead=lead)
    assert (lead.name, lead.company, lead.consent_at, profile.email) == ("", "", None, "")
    assert profile.erased_at is not None and not await may_push(lead.id)
    assert await BehaviourEvent.filter(lead=lead).count() >= events_before
    texts = [e.payload.get("text") for e in await BehaviourEvent.filter(lead=lead)]
    assert "我想了解一下你们的密封件" not in texts
    assert lead.first_channel_id is not None


async def test_official_account_followers_can_agree_too(harness):
    await harness.sim.wechat_follow("oFan001")
    await harness.sim.wechat_text("oFan001", "同意")
    await harness.settle()

    assert (await Lead.get()).consent_version == POLICY_VERSION


async def test_a_customer_removing_the_member_marks_the_lead_lost_and_alerts_the_member(harness):
    customer = await added(harness)

    await harness.sim.customer_deletes_staff(customer, "zhangsan")
    await harness.settle()

    lead = await Lead.get()
    profile = await LeadProfile.get(lead=lead)
    assert lead.status == "lost" and profile.lost_reason == "customer_removed_staff:zhangsan"
    assert "已将您删除" in harness.sim.received("zhangsan")[-1]["text"]
    assert await BehaviourEvent.filter(kind="lead.lost").count() == 1


async def test_the_member_removing_the_customer_marks_the_lead_lost(harness):
    customer = await added(harness)

    await harness.sim.staff_deletes_customer("zhangsan", customer)
    await harness.settle()

    assert (await LeadProfile.get()).lost_reason == "staff_removed_customer:zhangsan"
    assert "您已删除客户" in harness.sim.received("zhangsan")[-1]["text"]


async def test_a_removal_by_transfer_is_no_loss(harness):
    customer = await added(harness)

    await harness.sim.staff_deletes_customer("zhangsan", customer, by_transfer=True)
    await harness.settle()

    assert (await Lead.get()).status == "active"
    assert harness.sim.received("zhangsan") == []


async def test_the_welcome_links_the_policy_and_a_click_on_agree_records_consent(harness, aiohttp_client):
    from aiohttp import web

    from handlers.onboarding import privacy_setup

    customer = await added(harness)
    welcome = harness.sim.received(customer)[0]["text"]
    link = welcome.split("处理您的信息：", 1)[1].split("\n", 1)[0]
    token = link.split("?c=", 1)[1]
    app = web.Application()
    privacy_setup(app, harness.bot)
    client = await aiohttp_client(app)

    page = await client.get("/privacy", params={"c": token})
    assert 'id="agree"' in await page.text()
    forged = await client.post("/privacy/agree", data={"c": token[:-1] + "x"})
    assert forged.status == 400
    agreed = await client.post("/privacy/agree", data={"c": token})

    assert agreed.status == 200 and POLICY_VERSION in await agreed.text()
    assert (await Lead.get()).consent_version == POLICY_VERSION
    assert (await ConsentRecord.get()).source == "click"
