"""The simulator's mass-send task APIs behave as WeCom documents them: the task list by
creator and time, reminders at most three a day, cancelling stops unconfirmed sends."""
from __future__ import annotations

import pytest

ADD = "wecom/externalcontact/add_msg_template"
LIST = "wecom/externalcontact/get_groupmsg_list_v2"


async def _task(platform, sim, customer="wmReader", text="周报"):
    way = await platform.post("wecom/externalcontact/add_contact_way", {"type": 1, "scene": 2, "user": ["zhangsan"]})
    await sim.scan_contact_way(way["config_id"], customer)
    body = {"chat_type": "single", "sender": "zhangsan", "external_userid": [customer], "text": {"content": text}}
    return (await platform.post(ADD, body))["msgid"]


async def test_the_task_list_finds_tasks_by_creator_and_time(platform, sim, clock):
    start = int(clock.time())
    msgid = await _task(platform, sim)
    found = await platform.post(LIST, {"chat_type": "single", "start_time": start - 10, "end_time": start + 10,
                                       "creator": "zhangsan", "filter_type": 0})
    assert found["group_msg_list"] == [{"msgid": msgid, "creator": "zhangsan", "create_type": 0,
                                        "text": {"content": "周报"}}]
    assert found["next_cursor"] == ""
    other = await platform.post(LIST, {"start_time": start - 10, "end_time": start + 10, "creator": "lisi"})
    assert other["group_msg_list"] == []
    later = await platform.post(LIST, {"start_time": start + 60, "end_time": start + 120})
    assert later["group_msg_list"] == []
    groups = await platform.post(LIST, {"chat_type": "group", "start_time": start - 10, "end_time": start + 10})
    assert groups["group_msg_list"] == []


@pytest.mark.parametrize("body, errcode", [
    ({"end_time": 100}, 40063),
    ({"start_time": 0, "end_time": 40 * 24 * 3600}, 40058),
    ({"start_time": 0, "end_time": 10, "chat_type": "room"}, 40035),
    ({"start_time": 0, "end_time": 10, "cursor": "nonsense"}, 50100),
])
async def test_the_task_list_refuses_what_the_docs_forbid(platform, body, errcode):
    assert await platform.errcode(LIST, body) == errcode


async def test_the_task_list_pages_at_most_100(platform, sim, clock):
    start = int(clock.time())
    for n in range(3):
        await _task(platform, sim, customer=f"wm{n}")
    first = await platform.post(LIST, {"start_time": start, "end_time": start + 5, "limit": 2})
    rest = await platform.post(LIST, {"start_time": start, "end_time": start + 5, "limit": 2,
                                      "cursor": first["next_cursor"]})
    assert len(first["group_msg_list"]) == 2 and len(rest["group_msg_list"]) == 1
    big = await platform.post(LIST, {"start_time": start, "end_time": start + 5, "limit": 500})
    assert len(big["group_msg_list"]) == 3  # over the maximum: the default 50 applies


async def test_a_task_is_reminded_at_most_three_times_a_day(platform, sim, clock):
    msgid = await _task(platform, sim)
    for _ in range(3):
        assert await platform.errcode("wecom/externalcontact/remind_groupmsg_send", {"msgid": msgid}) == 0
    assert await platform.errcode("wecom/externalcontact/remind_groupmsg_send", {"msgid": msgid}) == 45009
    clock.advance(24 * 3600 + 1)
    assert await platform.errcode("wecom/externalcontact/remind_groupmsg_send", {"msgid": msgid}) == 0
    assert await platform.errcode("wecom/externalcontact/remind_groupmsg_send", {"msgid": "msgNope"}) == 41047


async def test_a_cancelled_task_can_no_longer_be_confirmed(platform, sim):
    msgid = await _task(platform, sim)
    assert await platform.errcode("wecom/externalcontact/cancel_groupmsg_send", {"msgid": msgid}) == 0
    with pytest.raises(ValueError, match="cancelled"):
        sim.confirm_group_message(msgid, "zhangsan")
    assert sim.received("wmReader") == []
    assert await platform.errcode("wecom/externalcontact/cancel_groupmsg_send", {}) == 41046
