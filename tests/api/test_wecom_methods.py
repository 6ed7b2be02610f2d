"""Each WeCom method calls the documented path with the documented fields, and refuses input
that breaks a documented limit before anything is sent. The simulator plays WeCom, so each
call meets the state it needs (members, customers, groups, a kf conversation, real ids) and
``sim.wire`` shows what went out."""
from __future__ import annotations

import pytest

from bot.api import MemoryTokenStore
from bot.platforms.wecom.client import WeComClient
from tests.support.simulated import add_contacts, reachable_customers


@pytest.fixture
def settings(sim, sim_settings):
    """zhangsan's company: lisi too, customers wmA and wmABC, groups wrA and wrB."""
    sim.add_staff("lisi", "李四")
    add_contacts(sim, "zhangsan", "wmA", "wmABC")
    for chat_id in ("wrA", "wrB"):
        sim.add_group(chat_id, f"客户群 {chat_id}", "zhangsan")
    return sim_settings


@pytest.fixture
def wecom(settings, session, clock):
    return WeComClient(settings, session, clock, token_store=MemoryTokenStore())


def last(sim, path):
    api = "wecom/" + path.removeprefix("/cgi-bin/")
    calls = sim.wire.calls(api)
    assert calls, f"{path} was not called"
    return calls[-1]


async def test_app_text_goes_to_members_through_the_app(wecom, sim):
    await wecom.send_app_text(["zhangsan", "lisi"], "新线索")
    body = last(sim, "/cgi-bin/message/send").body
    assert body == {"touser": "zhangsan|lisi", "msgtype": "text", "agentid": 1000002, "text": {"content": "新线索"}}


async def test_app_markdown(wecom, sim):
    await wecom.send_app_markdown("zhangsan", "**MQL**")
    assert last(sim, "/cgi-bin/message/send").body["markdown"] == {"content": "**MQL**"}


async def test_kf_sync_msg_sends_only_given_fields(wecom, sim):
    token = (await reachable_customers(sim, wecom, newcomer="wmNEW"))["kf_token"]
    cursor = (await wecom.kf_sync_msg(token, "wkKF", limit=1))["next_cursor"]
    await wecom.kf_sync_msg(token, "wkKF", cursor=cursor, limit=500)
    assert last(sim, "/cgi-bin/kf/sync_msg").body == {"cursor": cursor, "token": token, "limit": 500, "open_kfid": "wkKF"}
    await wecom.kf_sync_msg(token, "wkKF")
    assert last(sim, "/cgi-bin/kf/sync_msg").body == {"token": token, "limit": 1000, "open_kfid": "wkKF"}


async def test_kf_sync_msg_limit_is_at_most_1000(wecom, sim):
    with pytest.raises(ValueError, match="limit must be between 1 and 1000"):
        await wecom.kf_sync_msg("T", "wkKF", limit=1001)
    assert sim.wire.requests == []


async def test_kf_send_text_with_msgid(wecom, sim):
    await reachable_customers(sim, wecom, newcomer="wmNEW")
    await wecom.kf_send_text("wmCustomer", "wkKF", "您好", msgid="reply-1")
    body = last(sim, "/cgi-bin/kf/send_msg").body
    assert body == {"touser": "wmCustomer", "open_kfid": "wkKF", "msgid": "reply-1", "msgtype": "text", "text": {"content": "您好"}}


async def test_kf_service_state(wecom, sim):
    await reachable_customers(sim, wecom, newcomer="wmNEW")
    await wecom.kf_service_state_get("wkKF", "wmCustomer")
    assert last(sim, "/cgi-bin/kf/service_state/get").body == {"open_kfid": "wkKF", "external_userid": "wmCustomer"}
    await wecom.kf_service_state_trans("wkKF", "wmCustomer", 3, "zhangsan")
    assert last(sim, "/cgi-bin/kf/service_state/trans").body == {
        "open_kfid": "wkKF", "external_userid": "wmCustomer", "service_state": 3, "servicer_userid": "zhangsan",
    }


async def test_handing_to_a_human_needs_the_receptionist(wecom, sim):
    with pytest.raises(ValueError, match="servicer_userid is required"):
        await wecom.kf_service_state_trans("wkKF", "wmC", 3)
    with pytest.raises(ValueError, match="service_state must be 0-4"):
        await wecom.kf_service_state_trans("wkKF", "wmC", 7)
    assert sim.wire.requests == []


async def test_contact_way_lifecycle(wecom, sim):
    created = await wecom.add_contact_way(type=1, scene=2, state="expo-booth-7", user=["zhangsan"], skip_verify=True)
    assert created["config_id"]
    assert last(sim, "/cgi-bin/externalcontact/add_contact_way").body["state"] == "expo-booth-7"
    await wecom.update_contact_way(created["config_id"], remark="展会")
    assert last(sim, "/cgi-bin/externalcontact/update_contact_way").body == {"config_id": created["config_id"], "remark": "展会"}
    await wecom.get_contact_way(created["config_id"])
    await wecom.del_contact_way(created["config_id"])
    assert last(sim, "/cgi-bin/externalcontact/del_contact_way").body == {"config_id": created["config_id"]}


async def test_a_contact_way_state_over_30_characters_is_refused(wecom, sim):
    with pytest.raises(ValueError, match="state must be at most 30 characters, got 31"):
        await wecom.add_contact_way(type=1, scene=2, state="x" * 31, user=["zhangsan"])
    with pytest.raises(ValueError, match="state must be at most 30"):
        await wecom.update_contact_way("cfg", state="渠" * 31)
    with pytest.raises(ValueError, match="type must be 1 or 2"):
        await wecom.add_contact_way(type=3, scene=2)
    assert sim.wire.requests == []


async def test_a_30_character_chinese_state_is_accepted(wecom, sim):
    await wecom.add_contact_way(type=1, scene=2, state="渠" * 30, user=["zhangsan"])
    assert last(sim, "/cgi-bin/externalcontact/add_contact_way").body["state"] == "渠" * 30


async def test_welcome_message(wecom, sim):
    code = (await reachable_customers(sim, wecom, newcomer="wmNEW"))["welcome_code"]
    link = {"msgtype": "link", "link": {"title": "白皮书", "url": "https://example.com/wp"}}
    await wecom.send_welcome_msg(code, text="欢迎", attachments=[link])
    assert last(sim, "/cgi-bin/externalcontact/send_welcome_msg").body == {
        "welcome_code": code, "text": {"content": "欢迎"}, "attachments": [link],
    }


async def test_a_welcome_message_needs_content_and_at_most_nine_attachments(wecom, sim):
    with pytest.raises(ValueError, match="needs text or attachments"):
        await wecom.send_welcome_msg("CODE")
    with pytest.raises(ValueError, match="at most 9 attachments, got 10"):
        await wecom.send_welcome_msg("CODE", attachments=[{"msgtype": "image"}] * 10)
    assert sim.wire.requests == []


async def test_get_external_contact_is_a_get(wecom, sim):
    await wecom.get_external_contact("wmABC", cursor="next")
    call = last(sim, "/cgi-bin/externalcontact/get")
    assert call.method == "GET"
    assert call.query["external_userid"] == "wmABC" and call.query["cursor"] == "next"


async def test_tags(wecom, sim):
    await wecom.add_corp_tag(["制造业", {"name": "医疗", "order": 2}], group_name="行业")
    assert last(sim, "/cgi-bin/externalcontact/add_corp_tag").body == {
        "group_name": "行业", "tag": [{"name": "制造业"}, {"name": "医疗", "order": 2}],
    }
    (group,) = sim.state.tag_groups.values()
    tag_id, group_id = group.tags[0].id, group.group_id
    await wecom.get_corp_tag_list(tag_ids=[tag_id], group_ids=[group_id])
    assert last(sim, "/cgi-bin/externalcontact/get_corp_tag_list").body == {"tag_id": [tag_id], "group_id": [group_id]}
    await wecom.get_corp_tag_list()
    assert last(sim, "/cgi-bin/externalcontact/get_corp_tag_list").body == {}
    await wecom.mark_tag("zhangsan", "wmA", add_tag=[tag_id])
    assert last(sim, "/cgi-bin/externalcontact/mark_tag").body == {
        "userid": "zhangsan", "external_userid": "wmA", "add_tag": [tag_id], "remove_tag": [],
    }


async def test_tag_calls_that_would_do_nothing_are_refused(wecom, sim):
    with pytest.raises(ValueError, match="group_id or group_name"):
        await wecom.add_corp_tag(["a"])
    with pytest.raises(ValueError, match="add_tag or remove_tag"):
        await wecom.mark_tag("zhangsan", "wmA")
    assert sim.wire.requests == []


async def test_mass_send_and_its_results(wecom, sim):
    payload = {"chat_type": "group", "sender": "zhangsan", "chat_id_list": ["wrA"], "text": {"content": "本周直播"}}
    msgid = (await wecom.add_msg_template(payload))["msgid"]
    assert last(sim, "/cgi-bin/externalcontact/add_msg_template").body == payload
    await wecom.get_groupmsg_task(msgid)
    assert last(sim, "/cgi-bin/externalcontact/get_groupmsg_task").body == {"msgid": msgid, "limit": 1000}
    await wecom.get_groupmsg_send_result(msgid, "zhangsan", limit=50)
    assert last(sim, "/cgi-bin/externalcontact/get_groupmsg_send_result").body == {
        "msgid": msgid, "userid": "zhangsan", "limit": 50,
    }


async def test_group_welcome_template(wecom, sim):
    await wecom.group_welcome_template_add(text="欢迎入群", notify=1)
    assert last(sim, "/cgi-bin/externalcontact/group_welcome_template/add").body == {
        "text": {"content": "欢迎入群"}, "notify": 1,
    }
    with pytest.raises(ValueError, match="needs text or an attachment"):
        await wecom.group_welcome_template_add(notify=1)


async def test_groupchats(wecom, sim):
    await wecom.groupchat_list(owner_filter=["zhangsan"], limit=1000)
    assert last(sim, "/cgi-bin/externalcontact/groupchat/list").body == {
        "status_filter": 0, "owner_filter": {"userid_list": ["zhangsan"]}, "limit": 1000,
    }
    await wecom.groupchat_get("wrA")
    assert last(sim, "/cgi-bin/externalcontact/groupchat/get").body == {"chat_id": "wrA", "need_name": 1}


async def test_join_way_lifecycle(wecom, sim):
    created = await wecom.add_join_way(2, ["wrA", "wrB"], state="expo", remark="展会", auto_create_room=1,
                                       room_base_name="客户群", room_base_id=10)
    assert last(sim, "/cgi-bin/externalcontact/groupchat/add_join_way").body == {
        "scene": 2, "chat_id_list": ["wrA", "wrB"], "state": "expo", "remark": "展会",
        "auto_create_room": 1, "room_base_name": "客户群", "room_base_id": 10,
    }
    config_id = created["config_id"]
    await wecom.get_join_way(config_id)
    await wecom.update_join_way(config_id, 2, ["wrA"], state="expo2")
    assert last(sim, "/cgi-bin/externalcontact/groupchat/update_join_way").body == {
        "config_id": config_id, "scene": 2, "chat_id_list": ["wrA"], "state": "expo2",
    }
    await wecom.del_join_way(config_id)
    assert last(sim, "/cgi-bin/externalcontact/groupchat/del_join_way").body == {"config_id": config_id}


async def test_join_way_limits(wecom, sim):
    with pytest.raises(ValueError, match="1 to 5 group chats, got 6"):
        await wecom.add_join_way(2, [f"wr{i}" for i in range(6)])
    with pytest.raises(ValueError, match="state must be at most 30"):
        await wecom.add_join_way(2, ["wrA"], state="s" * 31)
    with pytest.raises(ValueError, match="scene must be 1"):
        await wecom.add_join_way(3, ["wrA"])
    with pytest.raises(ValueError, match="room_base_name must be at most 40"):
        await wecom.add_join_way(2, ["wrA"], room_base_name="群" * 41)
    assert sim.wire.requests == []


async def test_kf_msgid_must_follow_the_documented_alphabet(wecom, sim):
    with pytest.raises(ValueError, match="msgid must be 1 to 32 characters"):
        await wecom.kf_send_text("wmC", "wkKF", "hi", msgid="回复一")
    with pytest.raises(ValueError, match="msgid must be 1 to 32 characters"):
        await wecom.kf_send_text("wmC", "wkKF", "hi", msgid="x" * 33)
    assert sim.wire.requests == []


async def test_a_mass_send_needs_content_and_at_most_nine_attachments(wecom, sim):
    with pytest.raises(ValueError, match="needs text or attachments"):
        await wecom.add_msg_template({"chat_type": "single", "external_userid": ["wmA"]})
    with pytest.raises(ValueError, match="at most 9 attachments, got 10"):
        await wecom.add_msg_template({"text": {"content": "hi"}, "attachments": [{"msgtype": "image"}] * 10})
    assert sim.wire.requests == []
