"""A marketer's campaign end to end: customers who scanned the expo code get the whitepaper
as a mass-send task, the member confirms it in WeCom, a customer opens the tracked link, the
open is lead behaviour and the lead's owner hears of it in WeCom."""
import aiohttp

from content.library import import_library, parse_library
from handlers.pushes.campaigns import campaign_status
from handlers.pushes.dispatcher import DispatchSettings, PushDispatcher
from handlers.pushes.planning import create_campaign
from models import BehaviourEvent, Lead, LeadIdentity, PushDelivery, Segment, TrackedLink

from tests.support.onboarding import make_channel

LIBRARY = """\
items:
  - slug: pp-whitepaper
    kind: whitepaper
    title: 高分子材料选型白皮书
    summary: 六大工况下的选材要点
    url: https://files.example.com/pp.pdf
"""
CAMPAIGN = """\
name: 展会白皮书
audience:
  segments: [展会来客]
message:
  text: "{{ name }}您好，《{{ title }}》请查收。"
  content: pp-whitepaper
schedule: now
"""


async def test_a_pushed_whitepaper_is_confirmed_opened_logged_and_alerted(harness, clock):
    channel = await make_channel(harness, code="expo2026", name="2026 材料展")
    wang = await harness.sim.scan_contact_way(channel.config_id, name="王工")
    await harness.sim.scan_contact_way(channel.config_id, name="李工")
    await harness.settle()
    await _name_lead(wang.info["external_userid"], "王工")
    await Segment.create(name="展会来客", rules={"channel": "expo2026"})
    await import_library(parse_library(LIBRARY))
    campaign = await create_campaign(CAMPAIGN, clock.now())

    dispatcher = PushDispatcher(clock, harness.bot.wecom, harness.bot_url, DispatchSettings(poll_every=0))
    await dispatcher.run_until_idle()
    calls = harness.sim.state.calls("wecom/externalcontact/add_msg_template")
    assert len(calls) == 2  # each reader has their own link: one task each
    customer = wang.info["external_userid"]
    row = await PushDelivery.get(recipient=customer)
    harness.sim.confirm_group_message(row.msgid, "zhangsan")
    await dispatcher.follow_up()
    assert (await campaign_status(campaign.id))["confirmed"] == 1
    [received] = [m for m in harness.sim.received(customer) if "白皮书" in m["text"]]
    assert received["text"] == "王工您好，《高分子材料选型白皮书》请查收。"

    link = await TrackedLink.get(recipient=customer)
    assert len(link.token) >= 22
    lead = await Lead.get(id=link.lead_id)
    async with aiohttp.ClientSession() as session:
        page = await session.get(f"{harness.bot_url}/c/{link.token}")
        assert page.status == 200 and "高分子材料选型白皮书" in await page.text()
        again = await session.get(f"{harness.bot_url}/c/{link.token}")
        assert again.status == 200
        read = await session.post(f"{harness.bot_url}/c/{link.token}/read", json={"seconds": 200})
        assert read.status == 204
        missing = await session.get(f"{harness.bot_url}/c/not-a-token")
        assert missing.status == 404
    await harness.bot.services["content_links"].drain()

    kinds = await BehaviourEvent.filter(lead=lead, kind__startswith="content.").values_list("kind", flat=True)
    assert sorted(kinds) == ["content.opened", "content.opened", "content.read"]
    alerts = [m["text"] for m in harness.sim.received("zhangsan") if "正在看" in m["text"]]
    assert alerts == ["王工 正在看《高分子材料选型白皮书》"]  # the second open within a minute: no second alert
    link = await TrackedLink.get(id=link.id)
    assert (link.opens, link.read_seconds) == (2, 200)
    assert (await campaign_status(campaign.id))["opened"] == 1


async def _name_lead(external_userid: str, name: str) -> None:
    """The name a profile would give the lead."""
    identity = await LeadIdentity.get(kind="external_userid", value=external_userid)
    await Lead.filter(id=identity.lead_id).update(name=name)


GATED = LIBRARY.replace("    url: https://files.example.com/pp.pdf\n", "    url: https://files.example.com/pp.pdf\n    gated: true\n")


async def test_a_gated_whitepaper_asks_consent_first_and_turns_the_reader_into_a_known_lead(harness, clock):
    from models import ConsentRecord, LeadProfile

    await import_library(parse_library(GATED))
    form = {"name": "赵工", "company": "苏州某某材料有限公司", "role": "采购经理", "phone": "13800138000"}
    async with aiohttp.ClientSession() as session:
        page = await session.get(f"{harness.bot_url}/content/pp-whitepaper")
        html = await page.text()
        assert "个人信息保护政策" in html and 'name="consent"' in html and "pp.pdf" not in html
        refused = await session.post(f"{harness.bot_url}/content/pp-whitepaper/download", data=form,
                                     allow_redirects=False)
        assert refused.status == 400 and "请先阅读并同意" in await refused.text()
        assert await Lead.all().count() == 0 and await ConsentRecord.all().count() == 0
        given = await session.post(f"{harness.bot_url}/content/pp-whitepaper/download",
                                   data={**form, "consent": "on"}, allow_redirects=False)
        assert given.status == 303 and given.headers["Location"] == "https://files.example.com/pp.pdf"
    lead = await Lead.get()
    assert (lead.name, lead.company) == ("赵工", "苏州某某材料有限公司") and lead.consent_at is not None
    profile = await LeadProfile.get(lead=lead)
    assert (profile.phone, profile.role) == ("13800138000", "采购经理")
    assert await ConsentRecord.filter(lead=lead, source="download_form").count() == 1
    assert await BehaviourEvent.filter(lead=lead, kind="content.downloaded").count() == 1
