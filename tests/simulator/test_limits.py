"""Frequency limits answer 45009 on the clock's window; injected faults fail the next N calls."""
from __future__ import annotations

TEXT = {"touser": "zhangsan", "msgtype": "text", "agentid": 1000002, "text": {"content": "hi"}}


async def test_calls_over_the_configured_limit_get_45009_until_the_window_passes(platform, sim, clock):
    sim.api.rate_limits.set_limit("wecom/message/send", 2, window=60)
    token = await platform.wecom_token()
    codes = [(await platform.post("wecom/message/send", TEXT, token))["errcode"] for _ in range(3)]
    assert codes == [0, 0, 45009]
    clock.advance(60)
    assert (await platform.post("wecom/message/send", TEXT, token))["errcode"] == 0
    assert len(sim.received("zhangsan")) == 3


async def test_a_limit_on_one_api_leaves_others_alone(platform, sim):
    sim.api.rate_limits.set_limit("wecom/message/send", 0)
    assert (await platform.post("wecom/message/send", TEXT))["errcode"] == 45009
    way = {"type": 1, "scene": 2, "user": ["zhangsan"]}
    assert (await platform.post("wecom/externalcontact/add_contact_way", way))["errcode"] == 0


async def test_the_next_n_calls_can_be_made_to_fail_with_system_busy_or_45009(platform, sim):
    token = await platform.wecom_token()
    sim.api.faults.fail_next(2, errcode=-1, api="wecom/message/send")
    sim.api.faults.fail_next(1, errcode=45009)
    codes = [(await platform.post("wecom/message/send", TEXT, token))["errcode"] for _ in range(4)]
    assert codes == [-1, -1, 45009, 0]
    assert len(sim.received("zhangsan")) == 1


async def test_message_send_reports_unknown_users_and_refuses_when_none_is_valid(platform):
    partial = await platform.post("wecom/message/send", {**TEXT, "touser": "zhangsan|ghost"})
    assert partial["errcode"] == 0 and partial["invaliduser"] == "ghost"
    assert (await platform.post("wecom/message/send", {**TEXT, "touser": "ghost"}))["errcode"] == 81013
    many = "|".join(["zhangsan"] * 1001)
    assert (await platform.post("wecom/message/send", {**TEXT, "touser": many}))["errcode"] == 40032
    assert (await platform.post("wecom/message/send", {**TEXT, "agentid": 1}))["errcode"] == 40056


async def test_an_app_may_send_one_member_30_messages_a_minute(platform, sim, clock):
    token = await platform.wecom_token()
    codes = [(await platform.post("wecom/message/send", TEXT, token))["errcode"] for _ in range(31)]
    assert codes[:30] == [0] * 30 and codes[30] == 45009
    clock.advance(60)
    assert (await platform.post("wecom/message/send", TEXT, token))["errcode"] == 0
