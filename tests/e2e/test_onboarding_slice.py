"""A customer scans a channel's QR code and is welcomed, attributed and logged."""
from models import BehaviourEvent, Channel, Lead


async def make_channel(harness, code: str, name: str, welcome: str = "") -> Channel:
    way = await harness.bot.wecom.add_contact_way(type=1, scene=2, state=code, user=["zhangsan"])
    return await Channel.create(code=code, name=name, kind="trade_show", welcome_template=welcome,
                                config_id=way["config_id"], qr_url=way.get("qr_code", ""))


async def test_a_customer_who_scans_the_expo_code_gets_one_welcome_and_is_attributed(harness):
    channel = await make_channel(harness, "expo2026-booth", "2026 材料展 A12 展位",
                                 "您好，感谢到访{{ channel_name }}！白皮书稍后发您。")

    scan = await harness.sim.scan_contact_way(channel.config_id, name="王工")
    await harness.settle()

    assert scan.callback.status == 200
    customer = scan.info["external_userid"]
    [welcome] = [m["text"] for m in harness.sim.received(customer)]
    assert welcome.startswith("您好，感谢到访2026 材料展 A12 展位！白皮书稍后发您。")
    assert "个人信息保护政策" in welcome
    lead = await Lead.get()
    assert lead.first_channel_id == channel.id and lead.last_channel_id == channel.id
    kinds = await BehaviourEvent.filter(lead=lead).order_by("id").values_list("direction", "kind")
    assert ("inbound", "contact.added") in kinds
    assert ("outbound", "welcome.message") in kinds


async def test_a_retried_add_callback_sends_no_second_welcome(harness):
    channel = await make_channel(harness, "web-footer", "官网页脚")
    scan = await harness.sim.scan_contact_way(channel.config_id)
    await harness.settle()
    _mode, plain, _result = harness.sim.callbacks[-1]
    again = await harness.sim.sender.post(harness.sim.envelope(harness.sim.app_channel, plain))
    await harness.settle()

    assert again.status == 200
    assert len(harness.sim.received(scan.info["external_userid"])) == 1
    assert await BehaviourEvent.filter(kind="contact.added").count() == 1
