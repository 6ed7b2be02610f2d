"""People are shown by name: the customer's WeCom name and company are kept once they consent
and refreshed when the member edits the contact; members get their WeCom names; a rep finds
a lead by that name with /lead."""
from console.access.accounts import create_user
from models import Lead, WeComMember
from tests.support.onboarding import make_channel

KF = "wkKF0001"


async def scanned(harness, name="王工", **profile) -> str:
    channel = await make_channel(harness, code="expo")
    customer = harness.sim.add_customer(None, name)
    for key, value in profile.items():
        setattr(customer, key, value)
    await harness.sim.scan_contact_way(channel.config_id, customer.external_userid)
    await harness.settle()
    return customer.external_userid


async def say(harness, customer: str, text: str) -> None:
    await harness.sim.kf_customer_text(KF, customer, text)
    await harness.settle()


async def test_the_name_is_kept_once_the_customer_agrees(harness):
    customer = await scanned(harness)
    assert (await Lead.get()).name == ""  # before consent: identities, channel and events only

    await say(harness, customer, "同意")

    assert (await Lead.get()).name == "王工"
    assert harness.sim.state.calls("wecom/externalcontact/get")


async def test_a_wecom_user_brings_the_company_name(harness):
    customer = await scanned(harness, "李经理", type=2, corp_name="南化", corp_full_name="南方化工有限公司",
                             position="采购经理")
    await say(harness, customer, "同意")

    lead = await Lead.get()
    assert (lead.name, lead.company) == ("李经理", "南方化工有限公司")


async def test_the_receiving_member_gets_their_wecom_name(harness):
    await scanned(harness)

    assert (await WeComMember.get(userid="zhangsan")).name == "张三"
    assert harness.sim.state.calls("wecom/user/get")


async def test_an_edit_in_wecom_refreshes_the_name(harness):
    customer = await scanned(harness)
    await say(harness, customer, "同意")
    harness.sim.state.customers[customer].name = "王建国"

    await harness.sim.staff_edits_customer("zhangsan", customer, remark="展会客户")
    await harness.settle()

    assert (await Lead.get()).name == "王建国"


async def test_a_rep_finds_the_customer_by_name_with_lead(harness, clock):
    customer = await scanned(harness)
    await say(harness, customer, "同意")
    await create_user("zhangsan", "sales", "a long passphrase", clock=clock, wecom_userid="zhangsan")

    await harness.sim.staff_app_text("zhangsan", "/lead 王工")
    await harness.settle()

    reply = harness.sim.received("zhangsan")[-1]["text"]
    assert f"#{(await Lead.get()).id} 王工" in reply and "负责人：张三" in reply
