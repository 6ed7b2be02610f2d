"""Customer groups: join ways (≤ 5 groups, state ≤ 30), joining and leaving, mass-send
tasks (≤ 10,000 recipients), and group messages that reach no bot."""
from __future__ import annotations

from bot.platforms.crypto import CallbackCrypto
from bot.platforms.payloads import parse_xml


async def _groups(sim, n):
    return [sim.add_group(f"wrG{i}", f"群{i}", "zhangsan").chat_id for i in range(n)]


async def test_a_join_way_links_at_most_5_groups(platform, sim):
    chats = await _groups(sim, 6)
    six = await platform.post("wecom/externalcontact/groupchat/add_join_way", {"scene": 2, "chat_id_list": chats})
    assert six["errcode"] == 40058
    five = await platform.post("wecom/externalcontact/groupchat/add_join_way",
                               {"scene": 2, "chat_id_list": chats[:5], "state": "webinar-01"})
    assert five["errcode"] == 0
    got = await platform.post("wecom/externalcontact/groupchat/get_join_way", {"config_id": five["config_id"]})
    assert got["join_way"]["chat_id_list"] == chats[:5] and got["join_way"]["qr_code"]
    update = await platform.post("wecom/externalcontact/groupchat/update_join_way",
                                 {"config_id": five["config_id"], "chat_id_list": chats})
    assert update["errcode"] == 40058


async def test_join_way_state_over_30_characters_and_unknown_groups_are_refused(platform):
    long_state = {"scene": 2, "chat_id_list": ["wrGroup001"], "state": "s" * 31}
    assert (await platform.post("wecom/externalcontact/groupchat/add_join_way", long_state))["errcode"] == 40058
    unknown = {"scene": 2, "chat_id_list": ["wrNope"]}
    assert (await platform.post("wecom/externalcontact/groupchat/add_join_way", unknown))["errcode"] == 40050


async def test_joining_through_a_join_way_posts_add_member_with_state(platform, sim, fake_bot, credentials):
    made = await platform.post("wecom/externalcontact/groupchat/add_join_way",
                               {"scene": 2, "chat_id_list": ["wrGroup001"], "state": "webinar-01"})
    joined = await sim.join_group("wmCustomer1", join_way=made["config_id"], name="赵总")
    assert joined.callback.delivered and joined.info["chat_id"] == "wrGroup001"
    received = fake_bot.received[-1]
    crypto = CallbackCrypto(credentials.app_token, credentials.app_aes_key, credentials.corp_id)
    event = parse_xml(crypto.verify_and_decrypt(received.query["msg_signature"], received.query["timestamp"],
                                                received.query["nonce"], parse_xml(received.body)["Encrypt"]))
    assert event["Event"] == "change_external_chat" and event["UpdateDetail"] == "add_member"
    assert event["JoinScene"] == "3" and event["State"] == "webinar-01" and event["MemChangeCnt"] == "1"
    assert "wmCustomer1" in received.body or event["MemChangeList"]
    group = await platform.post("wecom/externalcontact/groupchat/get", {"chat_id": "wrGroup001", "need_name": 1})
    assert [m["userid"] for m in group["group_chat"]["member_list"]] == ["zhangsan", "wmCustomer1"]
    await sim.leave_group("wmCustomer1", "wrGroup001")
    assert "del_member" in sim.callbacks[-1][1]


async def test_a_group_holds_at_most_500_members(sim):
    group = sim.state.groups["wrGroup001"]
    for i in range(499):
        group.members[f"wm{i}"] = group.members["zhangsan"]
    try:
        await sim.join_group("wmLate", chat_id="wrGroup001")
    except ValueError as exc:
        assert "500" in str(exc)
    else:
        raise AssertionError("the 501st member joined")


async def test_customer_group_text_reaches_no_bot_and_is_archived_in_order(sim, fake_bot):
    sim.state.groups["wrGroup001"].members["wmA"] = sim.state.groups["wrGroup001"].members["zhangsan"]
    first = sim.group_text("wrGroup001", "wmA", "什么时候发货?")
    second = sim.group_text("wrGroup001", "zhangsan", "明天")
    assert fake_bot.received == []
    assert (first.seq, second.seq) == (1, 2)
    assert [m.content for m in sim.state.archive] == ["什么时候发货?", "明天"]


async def test_a_mass_send_takes_at_most_10000_customers(platform, sim):
    way = await platform.post("wecom/externalcontact/add_contact_way", {"type": 1, "scene": 2, "user": ["zhangsan"]})
    await sim.scan_contact_way(way["config_id"], "wm0")
    over = {"chat_type": "single", "sender": "zhangsan", "external_userid": [f"wm{i}" for i in range(10_001)],
            "text": {"content": "新品发布"}}
    assert (await platform.post("wecom/externalcontact/add_msg_template", over))["errcode"] == 40058
    assert sim.state.msg_templates == {}
    at_limit = {**over, "external_userid": over["external_userid"][:10_000]}
    answer = await platform.post("wecom/externalcontact/add_msg_template", at_limit)
    assert answer["errcode"] == 0 and answer["msgid"] and len(answer["fail_list"]) == 9_999


async def test_a_mass_send_nobody_can_receive_is_refused(platform):
    body = {"chat_type": "single", "sender": "zhangsan", "external_userid": ["wmStranger"],
            "text": {"content": "新品发布"}}
    assert (await platform.post("wecom/externalcontact/add_msg_template", body))["errcode"] == 41048
    assert (await platform.post("wecom/externalcontact/get_groupmsg_task", {}))["errcode"] == 41046
    assert (await platform.post("wecom/externalcontact/get_groupmsg_task", {"msgid": "nope"}))["errcode"] == 41047


async def test_a_mass_send_reaches_customers_only_after_the_sender_confirms(platform, sim):
    way = await platform.post("wecom/externalcontact/add_contact_way", {"type": 1, "scene": 2, "user": ["zhangsan"]})
    scanned = await sim.scan_contact_way(way["config_id"], "wmBuyer")
    body = {"chat_type": "single", "sender": "zhangsan", "external_userid": ["wmBuyer", "wmStranger"],
            "text": {"content": "白皮书已发布"}}
    answer = await platform.post("wecom/externalcontact/add_msg_template", body)
    assert answer["fail_list"] == ["wmStranger"]
    task = await platform.post("wecom/externalcontact/get_groupmsg_task", {"msgid": answer["msgid"]})
    assert task["task_list"] == [{"userid": "zhangsan", "status": 0}]
    assert sim.received(scanned.info["external_userid"]) == []
    sim.confirm_group_message(answer["msgid"], "zhangsan")
    result = await platform.post("wecom/externalcontact/get_groupmsg_send_result",
                                 {"msgid": answer["msgid"], "userid": "zhangsan"})
    assert [(r["external_userid"], r["status"]) for r in result["send_list"]] == [("wmBuyer", 1)]
    assert [m["text"] for m in sim.received("wmBuyer")] == ["白皮书已发布"]


async def test_groupchat_list_needs_a_limit_and_pages_with_a_cursor(platform, sim):
    await _groups(sim, 3)
    assert (await platform.post("wecom/externalcontact/groupchat/list", {}))["errcode"] == 40063
    first = await platform.post("wecom/externalcontact/groupchat/list", {"limit": 2})
    second = await platform.post("wecom/externalcontact/groupchat/list", {"limit": 2, "cursor": first["next_cursor"]})
    ids = [g["chat_id"] for g in first["group_chat_list"] + second["group_chat_list"]]
    assert ids == ["wrGroup001", "wrG0", "wrG1", "wrG2"] and second["next_cursor"] == ""
    bad = await platform.post("wecom/externalcontact/groupchat/list", {"limit": 2, "cursor": "garbage"})
    assert bad["errcode"] == 50100


async def test_a_customer_receives_at_most_as_many_mass_messages_a_month_as_it_has_days(platform, sim, clock):
    way = await platform.post("wecom/externalcontact/add_contact_way", {"type": 1, "scene": 2, "user": ["zhangsan"]})
    await sim.scan_contact_way(way["config_id"], "wmReader")
    body = {"chat_type": "single", "sender": "zhangsan", "external_userid": ["wmReader"], "text": {"content": "周报"}}
    assert clock.now().strftime("%Y-%m") == "2023-11"  # the fake clock starts in November: 30 days
    for _ in range(31):
        msgid = (await platform.post("wecom/externalcontact/add_msg_template", body))["msgid"]
        sim.confirm_group_message(msgid, "zhangsan")
    assert len(sim.received("wmReader")) == 30
    last = await platform.post("wecom/externalcontact/get_groupmsg_send_result", {"msgid": msgid, "userid": "zhangsan"})
    assert last["send_list"][0]["status"] == 3
