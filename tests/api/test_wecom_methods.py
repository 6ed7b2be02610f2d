"""Each WeCom method calls the documented path with the documented fields, and refuses input
that breaks a documented limit before anything is sent."""
from __future__ import annotations

import pytest

from bot.api import MemoryTokenStore
from bot.platforms.wecom.client import WeComClient


@pytest.fixture
def wecom(settings, session, clock):
    return WeComClient(settings, session, clock, token_store=MemoryTokenStore())


def last(platform, path):
    calls = platform.calls(path)
    assert calls, f"{path} was not called"
    return calls[-1]


async def test_app_text_goes_to_members_through_the_app(wecom, platform):
    await wecom.send_app_text(["zhangsan", "lisi"], "新线索")
    body = last(platform, "/cgi-bin/message/send").body
    assert body == {"touser": "zhangsan|lisi", "msgtype": "text", "agentid": 1000002, "text": {"content": "新线索"}}


async def test_app_markdown(wecom, platform):
    await wecom.send_app_markdown("zhangsan", "**MQL**")
    assert last(platform, "/cgi-bin/message/send").body["markdown"] == {"content": "**MQL**"}


async def test_kf_sync_msg_sends_only_given_fields(wecom, platform):
    await wecom.kf_sync_msg("ENCApHx", "wkKF", cursor="4gw7M", limit=500)
    assert last(platform, "/cgi-bin/kf/sync_msg").body == {"cursor": "4gw7M", "token": "ENCApHx", "limit": 500, "open_kfid": "wkKF"}
    await wecom.kf_sync_msg("ENCApHx", "wkKF")
    assert last(platform, "/cgi-bin/kf/sync_msg").body == {"token": "ENCApHx", "limit": 1000, "open_kfid": "wkKF"}


async def test_kf_sync_msg_limit_is_at_most_1000(wecom, platform):
    with pytest.raises(ValueError, match="limit must be between 1 and 1000"):
        await wecom.kf_sync_msg("T", "wkKF", limit=1001)
    assert platform.requests == []


async def test_kf_send_text_with_msgid(wecom, platform):
    await wecom.kf_send_text("wmC", "wkKF", "您好", msgid="reply-1")
    body = last(platform, "/cgi-bin/kf/send_msg").body
    assert body == {"touser": "wmC", "open_kfid": "wkKF", "msgid": "reply-1", "msgtype": "text", "text": {"content": "您好"}}


async def test_kf_service_state(wecom, platform):
    await wecom.kf_service_state_get("wkKF", "wmC")
    assert last(platform, "/cgi-bin/kf/service_state/get").body == {"open_kfid": "wkKF", "external_userid": "wmC"}
    await wecom.kf_service_state_trans("wkKF", "wmC", 3, "zhangsan")
    assert last(platform, "/cgi-bin/kf/service_state/trans").body == {
        "open_kfid": "wkKF", "external_userid": "wmC", "service_state": 3, "servicer_userid": "zhangsan",
    }


async def test_handing_to_a_human_needs_the_receptionist(wecom, platform):
    with pytest.raises(ValueError, match="servicer_userid is required"):
        await wecom.kf_service_state_trans("wkKF", "wmC", 3)
    with pytest.raises(ValueError, match="service_state must be 0-4"):
        await wecom.kf_service_state_trans("wkKF", "wmC", 7)
    assert platform.requests == []


async def test_contact_way_lifecycle(wecom, platform):
    created = await wecom.add_contact_way(type=1, scene=2, state="expo-booth-7", user=["zhangsan"], skip_verify=True)
    assert created["config_id"]
    assert last(platform, "/cgi-bin/externalcontact/add_contact_way").body["state"] == "expo-booth-7"
    await wecom.update_contact_way(created["config_id"], remark="展会")
    assert last(platform, "/cgi-bin/externalcontact/update_contact_way").body == {"config_id": created["config_id"], "remark": "展会"}
    await wecom.get_contact_way(created["config_id"])
    await wecom.del_contact_way(created["config_id"])
    assert last(platform, "/cgi-bin/externalcontact/del_contact_way").body == {"config_id": created["config_id"]}


async def test_a_contact_way_state_over_30_characters_is_refused(wecom, platform):
    with pytest.raises(ValueError, match="state must be at most 30 characters, got 31"):
        await wecom.add_contact_way(type=1, scene=2, state="x" * 31, user=["zhangsan"])
    with pytest.raises(ValueError, match="state must be at most 30"):
        await wecom.update_contact_way("cfg", state="渠" * 31)
    with pytest.raises(ValueError, match="type must be 1 or 2"):
        await wecom.add_contact_way(type=3, scene=2)
    assert platform.requests == []


async def test_a_30_character_chinese_state_is_accepted(wecom, platform):
    await wecom.add_contact_way(type=1, scene=2, state="渠" * 30, user=["zhangsan"])
    assert last(platform, "/cgi-bin/externalcontact/add_contact_way").body["state"] == "渠" * 30


async def test_welcome_message(wecom, platform):
    link = {"msgtype": "link", "link": {"title": "白皮书", "url": "https://example.com/wp"}}
    await wecom.send_welcome_msg("WELCOMECODE", text="欢迎", attachments=[link])
    assert last(platform, "/cgi-bin/externalcontact/send_welcome_msg").body == {
        "welcome_code": "WELCOMECODE", "text": {"content": "欢迎"}, "attachments": [link],
    }


async def test_a_welcome_message_needs_content_and_at_most_nine_attachments(wecom, platform):
    with pytest.raises(ValueError, match="needs text or attachments"):
        await wecom.send_welcome_msg("CODE")
    with pytest.raises(ValueError, match="at most 9 attachments, got 10"):
        await wecom.send_welcome_msg("CODE", attachments=[{"msgtype": "image"}] * 10)
    assert platform.requests == []


async def test_get_external_contact_is_a_get(wecom, platform):
    await wecom.get_external_contact("wmABC", cursor="next")
    call = last(platform, "/cgi-bin/externalcontact/get")
    assert call.method == "GET"
    assert call.query["external_userid"] == "wmABC" and call.query["cursor"] == "next"


async def test_tags(wecom, platform):
    await wecom.get_corp_tag_list(tag_ids=["et1"], group_ids=["eg1"])
    assert last(platform, "/cgi-bin/externalcontact/get_corp_tag_list").body == {"tag_id": ["et1"], "group_id": ["eg1"]}
    await wecom.get_corp_tag_list()
    assert last(platform, "/cgi-bin/externalcontact/get_corp_tag_list").body == {}
    await wecom.add_corp_tag(["制造业", {"name": "医疗", "order": 2}], group_name="行业")
    assert last(platform, "/cgi-bin/externalcontact/add_corp_tag").body == {
        "group_name": "行业", "tag": [{"name": "制造业"}, {"name": "医疗", "order": 2}],
    }
    await wecom.mark_tag("zhangsan", "wmA", add_tag=["et1"])
    assert last(platform, "/cgi-bin/externalcontact/mark_tag").body == {
        "userid": "zhangsan", "external_userid": "wmA", "add_tag": ["et1"], "remove_tag": [],
    }


async def test_tag_calls_that_would_do_nothing_are_refused(wecom, platform):
    with pytest.raises(ValueError, match="group_id or group_name"):
        await wecom.add_corp_tag(["a"])
    with pytest.raises(ValueError, match="add_tag or remove_tag"):
        await wecom.mark_tag("zhangsan", "wmA")
    assert platform.requests == []


async def test_mass_send_and_its_results(wecom, platform):
    payload = {"chat_type": "group", "chat_id_list": ["wrA"], "text": {"content": "本周直播"}}
    await wecom.add_msg_template(payload)
    assert last(platform, "/cgi-bin/externalcontact/add_msg_template").body == payload
    await wecom.get_groupmsg_task("msgABC")
    assert last(platform, "/cgi-bin/externalcontact/get_groupmsg_task").body == {"msgid": "msgABC", "limit": 1000}
    await wecom.get_groupmsg_send_result("msgABC", "zhangsan", limit=50, cursor="c")
    assert last(platform, "/cgi-bin/externalcontact/get_groupmsg_send_result").body == {
        "msgid": "msgABC", "userid": "zhangsan", "limit": 50, "cursor": "c",
    }


async def test_group_welcome_template(wecom, platform):
    await wecom.group_welcome_template_add(text="欢迎入群", notify=1)
    assert last(platform, "/cgi-bin/externalcontact/group_welcome_template/add").body == {
        "text": {"content": "欢迎入群"}, "notify": 1,
    }
    with pytest.raises(ValueError, match="needs text or an attachment"):
        await wecom.group_welcome_template_add(notify=1)


async def test_groupchats(wecom, platform):
    await wecom.groupchat_list(owner_filter=["zhangsan"], limit=1000)
    assert last(platform, "/cgi-bin/externalcontact/groupchat/list").body == {
        "status_filter": 0, "owner_filter": {"userid_list": ["zhangsan"]}, "limit": 1000,
    }
    await wecom.groupchat_get("wrA")
    assert last(platform, "/cgi-bin/externalcontact/groupchat/get").body == {"chat_id": "wrA", "need_name": 1}


async def test_join_way_lifecycle(wecom, platform):
    created = await wecom.add_join_way(2, ["wrA", "wrB"], state="expo", remark="展会", auto_create_room=1,
                                       room_base_name="客户群", room_base_id=10)
    assert last(platform, "/cgi-bin/externalcontact/groupchat/add_join_way").body == {
        "scene": 2, "chat_id_list": ["wrA", "wrB"], "state": "expo", "remark": "展会",
        "auto_create_room": 1, "room_base_name": "客户群", "room_base_id": 10,
    }
    config_id = created["config_id"]
    await wecom.get_join_way(config_id)
    await wecom.update_join_way(config_id, 2, ["wrA"], state="expo2")
    assert last(platform, "/cgi-bin/externalcontact/groupchat/update_join_way").body == {
        "config_id": config_id, "scene": 2, "chat_id_list": ["wrA"], "state": "expo2",
    }
    await wecom.del_join_way(config_id)
    assert last(platform, "/cgi-bin/externalcontact/groupchat/del_join_way").body == {"config_id": config_id}


async def test_join_way_limits(wecom, platform):
    with pytest.raises(ValueError, match="1 to 5 group chats, got 6"):
        await wecom.add_join_way(2, [f"wr{i}" for i in range(6)])
    with pytest.raises(ValueError, match="state must be at most 30"):
        await wecom.add_join_way(2, ["wrA"], state="s" * 31)
    with pytest.raises(ValueError, match="scene must be 1"):
        await wecom.add_join_way(3, ["wrA"])
    with pytest.raises(ValueError, match="room_base_name must be at most 40"):
        await wecom.add_join_way(2, ["wrA"], room_base_name="群" * 41)
    assert platform.requests == []


async def test_kf_msgid_must_follow_the_documented_alphabet(wecom, platform):
    with pytest.raises(ValueError, match="msgid must be 1 to 32 characters"):
        await wecom.kf_send_text("wmC", "wkKF", "hi", msgid="回复一")
    with pytest.raises(ValueError, match="msgid must be 1 to 32 characters"):
        await wecom.kf_send_text("wmC", "wkKF", "hi", msgid="x" * 33)
    assert platform.requests == []


async def test_a_mass_send_needs_content_and_at_most_nine_attachments(wecom, platform):
    with pytest.raises(ValueError, match="needs text or attachments"):
        await wecom.add_msg_template({"chat_type": "single", "external_userid": ["wmA"]})
    with pytest.raises(ValueError, match="at most 9 attachments, got 10"):
        await wecom.add_msg_template({"text": {"content": "hi"}, "attachments": [{"msgtype": "image"}] * 10})
    assert platform.requests == []
