"""Add → lead, attributed and welcomed once within WeCom's 20-second window, whatever the
platform answers."""
from models import BehaviourEvent, ChannelTouch, Lead, LeadIdentity
from tests.support.onboarding import (
    WELCOME_API, add_again_with_same_code, add_without_welcome_code, make_channel,
)


async def test_a_second_channel_keeps_the_first_touch_and_adds_a_touch(harness):
    expo = await make_channel(harness, code="expo", name="展会")
    paper = await make_channel(harness, code="paper", name="白皮书", staff=["lisi"])

    first = await harness.sim.scan_contact_way(expo.config_id, external_userid="wmWang")
    await harness.sim.scan_contact_way(paper.config_id, external_userid="wmWang")
    await harness.settle()

    lead = await Lead.get().prefetch_related("owner")
    assert first.callback.status == 200
    assert (lead.first_channel_id, lead.last_channel_id, lead.owner.userid) == (expo.id, paper.id, "lisi")
    touches = await ChannelTouch.filter(lead=lead).order_by("id").values_list("channel_id", "first_touch", "staff_userid")
    assert touches == [(expo.id, True, "zhangsan"), (paper.id, False, "lisi")]


async def test_the_welcome_uses_the_contacts_name_and_goes_out_within_20_seconds(harness):
    channel = await make_channel(harness, code="expo", name="材料展", welcome_template="{{ name }}您好，欢迎来到{{ channel_name }}")

    scan = await harness.sim.scan_contact_way(channel.config_id, name="王工")
    await harness.settle()

    [welcome] = harness.sim.received(scan.info["external_userid"])
    assert welcome["text"].startswith("王工您好，欢迎来到材料展")
    assert welcome["time"] - harness.sim.state.welcome_codes[scan.info["welcome_code"]].issued_at <= 20


async def test_the_welcome_names_the_receiving_member_by_their_wecom_name(harness):
    """The console offers 员工 as an insertable field: the member's name from user/get."""
    channel = await make_channel(harness, code="expo", welcome_template="您好，我是{{ staff }}，欢迎来到{{ channel_name }}")

    scan = await harness.sim.scan_contact_way(channel.config_id, name="王工")
    await harness.settle()

    [welcome] = harness.sim.received(scan.info["external_userid"])
    assert welcome["text"].startswith("您好，我是张三，欢迎来到")


async def test_the_same_welcome_code_in_a_second_event_sends_no_second_welcome(harness):
    channel = await make_channel(harness, code="expo")
    scan = await harness.sim.scan_contact_way(channel.config_id)
    await harness.settle()

    await add_again_with_same_code(harness, scan)

    assert len(harness.sim.state.calls(WELCOME_API)) == 1
    assert len(harness.sim.received(scan.info["external_userid"])) == 1
    assert await ChannelTouch.all().count() == 1


async def test_a_welcome_code_already_used_is_logged_and_not_retried(harness):
    channel = await make_channel(harness, code="expo")
    harness.sim.api.faults.fail_next(1, 41051, api=WELCOME_API)

    await harness.sim.scan_contact_way(channel.config_id)
    await harness.settle()

    assert [r.errcode for r in harness.sim.api.rejected if r.api == WELCOME_API] == [41051]
    assert harness.sim.state.calls(WELCOME_API) == []
    assert (await ChannelTouch.get()).welcome == "already_sent"


async def test_a_welcome_being_sent_by_another_app_is_logged_and_not_retried(harness):
    channel = await make_channel(harness, code="expo")
    harness.sim.api.faults.fail_next(1, 41096, api=WELCOME_API)

    await harness.sim.scan_contact_way(channel.config_id)
    await harness.settle()

    assert len([r for r in harness.sim.api.rejected if r.api == WELCOME_API]) == 1
    assert (await ChannelTouch.get()).welcome == "being_sent"


async def test_a_busy_platform_delays_the_welcome_but_it_still_arrives_in_the_window(harness):
    channel = await make_channel(harness, code="expo")
    harness.sim.api.faults.fail_next(2, 45009, api=WELCOME_API)

    scan = await harness.sim.scan_contact_way(channel.config_id)
    await harness.settle()

    assert len(harness.sim.received(scan.info["external_userid"])) == 1
    assert (await ChannelTouch.get()).welcome == "sent"


async def test_without_a_welcome_code_the_member_gets_a_send_task_when_the_channel_allows_it(harness):
    await make_channel(harness, code="expo", welcome_fallback=True)

    await add_without_welcome_code(harness, "zhangsan", "expo", "wmNoCode001")

    [task] = harness.sim.state.calls("wecom/externalcontact/add_msg_template")
    assert task.payload["external_userid"] == ["wmNoCode001"] and task.payload["sender"] == "zhangsan"
    assert (await ChannelTouch.get()).welcome == "fallback"


async def test_without_a_welcome_code_and_no_fallback_nothing_is_sent_but_the_add_counts(harness):
    await make_channel(harness, code="expo")

    await add_without_welcome_code(harness, "zhangsan", "expo")

    assert harness.sim.state.calls("wecom/externalcontact/add_msg_template") == []
    assert (await ChannelTouch.get()).welcome == "none"
    assert await BehaviourEvent.filter(kind="contact.added").count() == 1


async def test_a_unionid_already_known_merges_the_new_contact_into_the_existing_lead(harness):
    channel = await make_channel(harness, code="expo")
    older = await Lead.create(name="")
    await LeadIdentity.create(lead=older, kind="unionid", value="uWang")

    await harness.sim.scan_contact_way(channel.config_id, external_userid="wmWang", unionid="uWang")
    await harness.settle()

    [lead] = await Lead.all()
    assert lead.id == older.id and lead.first_channel_id == channel.id
    kinds = set(await LeadIdentity.filter(lead=lead).values_list("kind", flat=True))
    assert kinds == {"unionid", "external_userid"}
