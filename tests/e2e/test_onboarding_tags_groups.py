"""The channel's tags reach WeCom (created once when missing) and Siyu; group live codes
attribute joins, keep membership and answer “加群”."""
import pytest

from handlers.onboarding.channels import ChannelError
from models import BehaviourEvent, CorpTagRecord, CustomerGroup, GroupJoinWay, GroupMembership, Lead, LeadTag
from tests.support.onboarding import make_channel, tag_event

MARK = "wecom/externalcontact/mark_tag"


async def test_missing_tags_are_created_once_and_every_contact_is_marked(harness):
    channel = await make_channel(harness, code="expo", tags=["2026材料展", "展会线索"])

    scans = [await harness.sim.scan_contact_way(channel.config_id) for _ in range(3)]
    await harness.settle()

    assert len(harness.sim.state.calls("wecom/externalcontact/add_corp_tag")) == 1
    ids = set(await CorpTagRecord.all().values_list("tag_id", flat=True))
    for scan in scans:
        relation = harness.sim.state.relations[("zhangsan", scan.info["external_userid"])]
        assert set(relation.tags) == ids
    assert await LeadTag.filter(name="2026材料展").count() == 3


async def test_a_busy_platform_delays_tags_but_loses_none(harness):
    channel = await make_channel(harness, code="expo", tags=["展会线索"])
    await make_channel(harness, code="warm", tags=["展会线索"])  # nothing yet: tag created on first use
    harness.sim.api.faults.fail_next(6, 45009, api=MARK)

    scan = await harness.sim.scan_contact_way(channel.config_id)
    await harness.settle()

    assert len(harness.sim.received(scan.info["external_userid"])) == 1
    assert harness.sim.state.relations[("zhangsan", scan.info["external_userid"])].tags


async def test_tag_callbacks_keep_the_tag_list_in_step(harness):
    answer = await harness.bot.wecom.add_corp_tag(["华东区"], group_name="区域")
    tag_id = answer["tag_group"]["tag"][0]["id"]

    await tag_event(harness, "create", tag_id)
    assert (await CorpTagRecord.get(tag_id=tag_id)).name == "华东区"

    await tag_event(harness, "delete", tag_id)
    assert (await CorpTagRecord.get(tag_id=tag_id)).deleted


async def test_a_channel_with_groups_gets_a_join_way_with_its_code_as_state(harness):
    harness.sim.add_group("wrA", "包装行业客户群", "zhangsan")
    harness.sim.add_group("wrB", "包装行业客户群2", "zhangsan")

    channel = await make_channel(harness, code="expo", groups=["wrA", "wrB"], auto_create_room=True)

    way = await GroupJoinWay.get(channel=channel)
    platform_way = harness.sim.state.join_ways[way.config_id]
    assert platform_way.state == "expo" and platform_way.chat_id_list == ["wrA", "wrB"]
    assert platform_way.auto_create_room == 1 and way.qr_code
    assert way.template_id in harness.sim.state.group_welcome_templates


async def test_more_than_five_groups_are_refused():
    from handlers.onboarding.channels import parse_spec

    with pytest.raises(ChannelError, match="at most 5 groups"):
        parse_spec({"code": "expo", "name": "x", "staff": ["zhangsan"], "groups": [f"wr{i}" for i in range(6)]})


async def test_joining_and_leaving_through_the_live_code_are_recorded(harness):
    harness.sim.add_group("wrA", "包装行业客户群", "zhangsan")
    channel = await make_channel(harness, code="expo", groups=["wrA"])
    way = await GroupJoinWay.get(channel=channel)

    await harness.sim.join_group("wmLi", join_way=way.config_id, name="李经理")
    await harness.settle()
    membership = await GroupMembership.get(external_userid="wmLi")
    assert (membership.chat_id, membership.state, membership.channel_id, membership.left_at) == ("wrA", "expo", channel.id, None)
    assert (await CustomerGroup.get(chat_id="wrA")).name == "包装行业客户群"

    await harness.sim.leave_group("wmLi", "wrA")
    await harness.settle()
    assert (await GroupMembership.get(external_userid="wmLi")).left_at is not None
    kinds = await BehaviourEvent.filter(kind__startswith="group.").order_by("id").values_list("kind", flat=True)
    assert "group.joined" in kinds and "group.left" in kinds


async def test_a_customer_who_asks_to_join_gets_their_channels_group_code(harness):
    harness.sim.add_group("wrA", "包装行业客户群", "zhangsan")
    channel = await make_channel(harness, code="expo", groups=["wrA"])
    way = await GroupJoinWay.get(channel=channel)
    scan = await harness.sim.scan_contact_way(channel.config_id)
    await harness.settle()

    await harness.sim.kf_customer_text("wkKF0001", scan.info["external_userid"], "加群")
    await harness.settle()

    assert way.qr_code in harness.sim.received(scan.info["external_userid"])[-1]["text"]


async def test_a_channel_keyword_leads_to_that_channels_group(harness):
    harness.sim.add_group("wrAuto", "汽车零部件客户群", "zhangsan")
    channel = await make_channel(harness, code="auto", groups=["wrAuto"], group_keyword="汽车群")
    way = await GroupJoinWay.get(channel=channel)

    await harness.sim.wechat_follow("oFan001")
    await harness.sim.wechat_text("oFan001", "汽车群")
    await harness.settle()

    assert any(way.qr_code in m["text"] for m in harness.sim.received("oFan001"))
    assert await Lead.all().count() == 1


async def test_the_welcome_carries_the_group_invitation_and_configured_content(harness):
    harness.sim.add_group("wrA", "包装行业客户群", "zhangsan")
    link = {"msgtype": "link", "link": {"title": "选型白皮书", "url": "https://example.com/wp"}}
    channel = await make_channel(harness, code="expo", groups=["wrA"], attachments=[link])
    way = await GroupJoinWay.get(channel=channel)

    await harness.sim.scan_contact_way(channel.config_id)
    await harness.settle()

    [sent] = harness.sim.state.calls("wecom/externalcontact/send_welcome_msg")
    urls = [a["link"]["url"] for a in sent.payload["attachments"]]
    assert urls == ["https://example.com/wp", way.qr_code]
