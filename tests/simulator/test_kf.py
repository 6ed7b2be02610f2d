"""微信客服: callbacks with a Token, sync_msg paging by cursor, send_msg's 48 h window and
5-message cap, service state transitions."""
from __future__ import annotations

import pytest


async def _customer_writes(sim, n, ext="wmKfCustomer"):
    results = [await sim.kf_customer_text("wkKf001", ext, f"问题 {i}") for i in range(n)]
    return results[-1].info["token"]


async def test_sync_msg_pages_through_the_queue_with_next_cursor_and_has_more(platform, sim):
    token = await _customer_writes(sim, 5)
    first = await platform.post("wecom/kf/sync_msg", {"token": token, "open_kfid": "wkKf001", "limit": 2})
    assert first["errcode"] == 0 and first["has_more"] == 1
    assert [m["text"]["content"] for m in first["msg_list"]] == ["问题 0", "问题 1"]
    assert first["msg_list"][0]["origin"] == 3 and first["msg_list"][0]["external_userid"] == "wmKfCustomer"
    second = await platform.post("wecom/kf/sync_msg",
                                 {"token": token, "open_kfid": "wkKf001", "limit": 2, "cursor": first["next_cursor"]})
    third = await platform.post("wecom/kf/sync_msg",
                                {"token": token, "open_kfid": "wkKf001", "limit": 2, "cursor": second["next_cursor"]})
    assert [m["text"]["content"] for m in second["msg_list"] + third["msg_list"]] == ["问题 2", "问题 3", "问题 4"]
    assert third["has_more"] == 0
    again = await platform.post("wecom/kf/sync_msg", {"token": token, "open_kfid": "wkKf001",
                                                      "cursor": third["next_cursor"]})
    assert again["msg_list"] == [] and again["has_more"] == 0


async def test_sync_msg_token_is_valid_for_10_minutes_only(platform, sim, clock):
    token = await _customer_writes(sim, 1)
    clock.advance(601)
    answer = await platform.post("wecom/kf/sync_msg", {"token": token, "open_kfid": "wkKf001"})
    assert answer["errcode"] == 95007
    assert (await platform.post("wecom/kf/sync_msg", {"token": "forged", "open_kfid": "wkKf001"}))["errcode"] == 95007


async def test_sync_msg_without_a_token_is_strictly_rate_limited(platform, sim):
    await _customer_writes(sim, 1)
    codes = [(await platform.post("wecom/kf/sync_msg", {"open_kfid": "wkKf001"}))["errcode"] for _ in range(3)]
    assert codes == [0, 0, 45009]


async def test_sync_msg_refuses_an_unknown_account(platform):
    assert (await platform.post("wecom/kf/sync_msg", {"open_kfid": "wkNope"}))["errcode"] == 95004


def _reply(text="您好"):
    return {"touser": "wmKfCustomer", "open_kfid": "wkKf001", "msgtype": "text", "text": {"content": text}}


async def test_send_msg_allows_5_messages_per_customer_message(platform, sim):
    await _customer_writes(sim, 1)
    codes = [(await platform.post("wecom/kf/send_msg", _reply(f"答 {i}")))["errcode"] for i in range(6)]
    assert codes == [0, 0, 0, 0, 0, 95001]
    await _customer_writes(sim, 1)
    assert (await platform.post("wecom/kf/send_msg", _reply()))["errcode"] == 0
    assert [m["channel"] for m in sim.received("wmKfCustomer")] == ["kf"] * 6


async def test_send_msg_only_within_48_hours_of_the_customer_message(platform, sim, clock):
    assert (await platform.post("wecom/kf/send_msg", _reply()))["errcode"] == 95018
    await _customer_writes(sim, 1)
    clock.advance(48 * 3600 + 1)
    assert (await platform.post("wecom/kf/send_msg", _reply()))["errcode"] == 95002
    who = {"open_kfid": "wkKf001", "external_userid": "wmKfCustomer"}
    state = await platform.post("wecom/kf/service_state/get", who)
    assert state["service_state"] == 4


async def test_after_handing_over_to_a_human_the_bot_may_not_send(platform, sim):
    await _customer_writes(sim, 1)
    trans = {"open_kfid": "wkKf001", "external_userid": "wmKfCustomer", "service_state": 3}
    assert await platform.errcode("wecom/kf/service_state/trans", {**trans, "servicer_userid": "lisi"}) == 95014
    assert await platform.errcode("wecom/kf/service_state/trans", {**trans, "servicer_userid": "zhangsan"}) == 0
    assert (await platform.post("wecom/kf/send_msg", _reply()))["errcode"] == 95018
    back = {**trans, "service_state": 1}
    assert (await platform.post("wecom/kf/service_state/trans", back))["errcode"] == 95016
    await sim.kf_servicer_text("wkKf001", "zhangsan", "wmKfCustomer", "我是张三，为您服务")
    synced = await platform.post("wecom/kf/sync_msg", {"open_kfid": "wkKf001"})
    answer = synced["msg_list"][-1]
    assert answer["origin"] == 5 and answer["servicer_userid"] == "zhangsan"
    assert sim.received("wmKfCustomer")[-1]["text"] == "我是张三，为您服务"
    with pytest.raises(ValueError):
        await sim.kf_servicer_text("wkKf001", "lisi", "wmKfCustomer", "插话")


async def test_entering_the_chat_gives_a_welcome_code_for_one_message_within_20_seconds(platform, sim, clock):
    entered = await sim.kf_customer_enters("wkKf001", "wmNew", scene="expo", scene_param="booth=A12")
    code = entered.info["welcome_code"]
    assert code
    synced = await platform.post("wecom/kf/sync_msg", {"token": entered.info["token"], "open_kfid": "wkKf001"})
    items = synced["msg_list"]
    event = items[-1]
    assert event["origin"] == 4 and event["msgtype"] == "event"
    assert event["event"] == {"event_type": "enter_session", "open_kfid": "wkKf001", "external_userid": "wmNew",
                              "scene": "expo", "scene_param": "booth=A12", "welcome_code": code}
    welcome = {"code": code, "msgtype": "text", "text": {"content": "欢迎咨询"}}
    assert (await platform.post("wecom/kf/send_msg_on_event", welcome))["errcode"] == 0
    assert (await platform.post("wecom/kf/send_msg_on_event", welcome))["errcode"] != 0
    late = await sim.kf_customer_enters("wkKf001", "wmOther")
    clock.advance(21)
    expired = {"code": late.info["welcome_code"], "msgtype": "text", "text": {"content": "欢迎"}}
    assert (await platform.post("wecom/kf/send_msg_on_event", expired))["errcode"] != 0
    assert [m["text"] for m in sim.received("wmNew")] == ["欢迎咨询"]


async def test_no_welcome_code_for_a_customer_welcomed_or_writing_within_48_hours(platform, sim):
    first = await sim.kf_customer_enters("wkKf001", "wmBack")
    await platform.post("wecom/kf/send_msg_on_event",
                        {"code": first.info["welcome_code"], "msgtype": "text", "text": {"content": "欢迎"}})
    assert (await sim.kf_customer_enters("wkKf001", "wmBack")).info["welcome_code"] == ""
    await sim.kf_customer_text("wkKf001", "wmTalker", "在吗")
    assert (await sim.kf_customer_enters("wkKf001", "wmTalker")).info["welcome_code"] == ""
