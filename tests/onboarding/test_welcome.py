"""A customer adds a staff member through a channel's 联系我 code: attributed and welcomed once
(feature harness: typed events in, replies and rows out)."""
from models import Channel, ChannelTouch, Lead
from tests.support.onboarding import WELCOME_API, make_channel


async def test_the_welcome_uses_the_contacts_name_and_the_channel(feature_harness):
    await make_channel(feature_harness, code="expo", name="材料展", welcome_template="{{ name }}您好，欢迎来到{{ channel_name }}")

    await feature_harness.send(feature_harness.customer_adds("zhangsan", "wmWANG", state="expo", name="王工"))

    [welcome] = feature_harness.sim.received("wmWANG")
    assert welcome["text"].startswith("王工您好，欢迎来到材料展")
    lead = await Lead.get()
    assert lead.first_channel_id == (await Channel.get(code="expo")).id


async def test_a_state_no_channel_has_is_attributed_to_unknown_and_still_welcomed(feature_harness):
    await feature_harness.send(feature_harness.customer_adds("zhangsan", "wmZHAO", state="old-flyer-2024"))

    lead = await Lead.get()
    assert lead.first_channel_id == (await Channel.get(code="unknown")).id
    assert (await ChannelTouch.get()).state == "old-flyer-2024"
    assert len(feature_harness.sim.received("wmZHAO")) == 1


async def test_the_same_add_delivered_twice_welcomes_once(feature_harness):
    await make_channel(feature_harness, code="expo")
    added = feature_harness.customer_adds("zhangsan", "wmWANG", state="expo")

    await feature_harness.send(added)
    await feature_harness.send(added)

    assert len(feature_harness.sim.state.calls(WELCOME_API)) == 1
    assert await ChannelTouch.all().count() == 1
