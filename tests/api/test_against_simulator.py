"""The clients' main paths against the platform simulator: the same code that talks to
the real hosts in production, with the simulator's tokens, rules, faults and limits."""
from __future__ import annotations

import pytest
from aiohttp import web

from bot.api import MemoryTokenStore, RateLimited
from bot.platforms.wechat.client import WeChatClient
from bot.platforms.wecom.client import WeComClient
from simulator import CallbackUrls, Simulator, SimulatorCredentials, create_simulator_app


@pytest.fixture
async def bot_url(aiohttp_server) -> str:
    """Where the simulator posts callbacks: a stand-in bot that acknowledges them."""
    async def acknowledge(request: web.Request) -> web.Response:
        return web.Response(text="success")

    app = web.Application()
    app.router.add_post("/{tail:.*}", acknowledge)
    return str((await aiohttp_server(app)).make_url("")).rstrip("/")


@pytest.fixture
def sim(clock, bot_url) -> Simulator:
    simulator = Simulator(clock, CallbackUrls.under(bot_url), callback_timeout=1.0)
    simulator.add_staff("zhangsan", "张三")
    simulator.add_kf_account("wkKf001", "售前咨询", servicers=["zhangsan"])
    simulator.add_group("wrGroup001", "客户交流群", "zhangsan")
    return simulator


@pytest.fixture
async def sim_settings(sim, aiohttp_server):
    server = await aiohttp_server(create_simulator_app(sim))
    return SimulatorCredentials().bot_settings(str(server.make_url("")))


@pytest.fixture
def sent():
    return []


@pytest.fixture
def wecom(sim_settings, session, clock, sent):
    async def on_sent(api, payload):
        sent.append(api)

    return WeComClient(sim_settings, session, clock, token_store=MemoryTokenStore(), on_sent=on_sent)


@pytest.fixture
def wechat(sim_settings, session, clock, sent):
    async def on_sent(api, payload):
        sent.append(api)

    return WeChatClient(sim_settings, session, clock, token_store=MemoryTokenStore(), on_sent=on_sent)


def texts(sim, user):
    return [m["text"] for m in sim.received(user)]


async def test_app_text_reaches_the_staff_member(wecom, sim, sent):
    await wecom.send_app_text("zhangsan", "新线索: 李雷")
    assert texts(sim, "zhangsan") == ["新线索: 李雷"]
    assert sent == ["/cgi-bin/message/send"]


async def test_the_client_never_presents_an_expired_token(wecom, sim, clock):
    for _ in range(5):
        await wecom.send_app_text("zhangsan", "ping")
        clock.advance(3000)
    assert sim.api.rejected == []


async def test_tokens_revoked_by_the_platform_are_replaced(wecom, sim):
    await wecom.send_app_text("zhangsan", "one")
    sim.api.tokens.expire_all()
    await wecom.send_app_text("zhangsan", "two")
    assert texts(sim, "zhangsan") == ["one", "two"]
    assert [r.errcode for r in sim.api.rejected] == [42001]


async def test_injected_busy_answers_are_retried(wecom, sim, clock):
    sim.api.faults.fail_next(2, -1, api="wecom/message/send")
    await wecom.send_app_text("zhangsan", "eventually")
    assert texts(sim, "zhangsan") == ["eventually"]
    assert clock.slept == [1.0, 2.0]


async def test_the_platform_frequency_limit_is_waited_out_or_reported(wecom, sim, clock):
    sim.api.rate_limits.set_limit("wecom/message/send", 1, window=2)
    await wecom.send_app_text("zhangsan", "first")
    await wecom.send_app_text("zhangsan", "second")
    assert clock.slept == [1.0, 2.0]
    sim.api.rate_limits.set_limit("wecom/message/send", 1, window=600)
    await wecom.send_app_text("zhangsan", "third")
    with pytest.raises(RateLimited):
        await wecom.send_app_text("zhangsan", "fourth")
    assert texts(sim, "zhangsan") == ["first", "second", "third"]


async def test_contact_way_scan_welcome_and_tags(wecom, sim, sent):
    way = await wecom.add_contact_way(type=1, scene=2, state="expo-2026-booth-7", user=["zhangsan"])
    assert (await wecom.get_contact_way(way["config_id"]))["contact_way"]["state"] == "expo-2026-booth-7"
    scan = await sim.scan_contact_way(way["config_id"], name="李雷")
    assert scan.info["state"] == "expo-2026-booth-7"
    await wecom.send_welcome_msg(scan.info["welcome_code"], text="欢迎！")
    ext = scan.info["external_userid"]
    assert texts(sim, ext) == ["欢迎！"]
    contact = await wecom.get_external_contact(ext)
    assert contact["external_contact"]["external_userid"] == ext
    tags = await wecom.add_corp_tag(["制造业"], group_name="行业")
    tag_id = tags["tag_group"]["tag"][0]["id"]
    await wecom.mark_tag("zhangsan", ext, add_tag=[tag_id])
    listed = await wecom.get_corp_tag_list()
    assert any(t["id"] == tag_id for g in listed["tag_group"] for t in g["tag"])
    await wecom.del_contact_way(way["config_id"])
    assert sent == ["/cgi-bin/externalcontact/send_welcome_msg"]


async def test_kf_conversation(wecom, sim, sent):
    said = await sim.kf_customer_text("wkKf001", None, "请问什么时候发货？")
    ext = said.info["external_userid"]
    synced = await wecom.kf_sync_msg(said.info["token"], "wkKf001")
    assert [m["text"]["content"] for m in synced["msg_list"] if m.get("msgtype") == "text"] == ["请问什么时候发货？"]
    await wecom.kf_send_text(ext, "wkKf001", "明天发货")
    assert texts(sim, ext) == ["明天发货"]
    state = await wecom.kf_service_state_get("wkKf001", ext)
    assert "service_state" in state
    await wecom.kf_service_state_trans("wkKf001", ext, 3, "zhangsan")
    assert (await wecom.kf_service_state_get("wkKf001", ext))["service_state"] == 3
    assert sent == ["/cgi-bin/kf/send_msg"]


async def test_groups_join_ways_and_mass_send(wecom, sim):
    listed = await wecom.groupchat_list()
    assert [g["chat_id"] for g in listed["group_chat_list"]] == ["wrGroup001"]
    detail = await wecom.groupchat_get("wrGroup001")
    assert detail["group_chat"]["name"] == "客户交流群"
    way = await wecom.add_join_way(2, ["wrGroup001"], state="webinar-0612")
    assert (await wecom.get_join_way(way["config_id"]))["join_way"]["state"] == "webinar-0612"
    await wecom.update_join_way(way["config_id"], 2, ["wrGroup001"], state="webinar-0613")
    await wecom.del_join_way(way["config_id"])
    task = await wecom.add_msg_template(
        {"chat_type": "group", "sender": "zhangsan", "text": {"content": "本周直播预告"}}
    )
    tasks = await wecom.get_groupmsg_task(task["msgid"])
    assert [t["userid"] for t in tasks["task_list"]] == ["zhangsan"]
    await wecom.get_groupmsg_send_result(task["msgid"], "zhangsan")
    template = await wecom.group_welcome_template_add(text="欢迎入群")
    assert template["template_id"]


async def test_wechat_qr_code_follow_and_custom_text(wechat, sim, sent):
    qr = await wechat.create_qrcode("expo-2026-booth-7")
    assert qr["ticket"] and qr["url"]
    await sim.wechat_follow("oFollower1", scene="expo-2026-booth-7")
    await wechat.send_custom_text("oFollower1", "感谢关注")
    assert texts(sim, "oFollower1") == ["感谢关注"]
    assert sent == ["/cgi-bin/message/custom/send"]
