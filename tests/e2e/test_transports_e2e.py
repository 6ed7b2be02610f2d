"""Every transport end to end through the simulator, with a minimal router: the platform's
signed, encrypted callback becomes a typed event, the handler answers, the answer reaches the
person, and both directions are in the behaviour log."""
import pytest

from bot.dispatcher import Router
from bot.events import AccountEvent, ContactAdded, TextMessage
from models import BehaviourEvent, Lead, ProcessedCallback


def echo_router() -> Router:
    router = Router("echo")

    @router.on(TextMessage)
    async def echo(event: TextMessage, responder):
        await responder.text(f"收到：{event.content}")

    @router.on(AccountEvent)
    async def followed(event: AccountEvent, responder):
        if event.event_type == "subscribe":
            await responder.text(f"欢迎！来源 {event.scene or '无'}")

    return router


async def test_wecom_app_url_verification_and_a_staff_message_answered_passively(make_harness):
    h = await make_harness([echo_router()])
    assert (await h.sim.sender.verify_url(h.sim.app_channel)).delivered
    result = await h.sim.staff_app_text("zhangsan", "你好")
    assert result.callback.status == 200
    assert "<Content><![CDATA[收到：你好]]></Content>" in result.reply
    await h.settle()
    kinds = await BehaviourEvent.all().order_by("id").values_list("direction", "kind", "actor")
    assert kinds == [("inbound", "message.text", "zhangsan"), ("outbound", "reply.message", "zhangsan")]


async def test_wecom_customer_service_message_is_pulled_and_answered_through_kf_send_msg(make_harness):
    h = await make_harness([echo_router()])
    result = await h.sim.kf_customer_text("wkKF0001", "wmWANG", "有样品吗")
    await h.settle()
    assert result.callback.status == 200 and result.reply is None  # acknowledged at once
    assert [m["text"] for m in h.sim.received("wmWANG")] == ["收到：有样品吗"]
    lead = await Lead.get(identities__value="wmWANG")
    kinds = await BehaviourEvent.filter(lead=lead).order_by("id").values_list("direction", "kind")
    assert kinds == [("inbound", "message.text"), ("outbound", "kf.message")]


async def test_wecom_bot_at_mention_in_an_internal_group_gets_a_stream_reply(make_harness):
    h = await make_harness([echo_router()])
    assert (await h.sim.sender.verify_url(h.sim.bot_channel)).delivered
    result = await h.sim.staff_bot_text("lisi", "春节放假吗", chat_id="wrINTERNAL1")
    reply = result.callback.reply_json
    assert reply["msgtype"] == "stream"
    assert reply["stream"]["content"] == "收到：春节放假吗"


@pytest.mark.parametrize("mode", ["aes", "plain"])
async def test_official_account_follow_by_scene_and_chat_in_both_modes(make_harness, mode):
    h = await make_harness([echo_router()], wechat_mode=mode)
    assert (await h.sim.sender.verify_url(h.sim.wechat_channel)).delivered
    await h.bot.wechat.create_qrcode("expo2026")
    follow = await h.sim.wechat_follow("oFOLLOWER1", scene="expo2026")
    assert "欢迎！来源 expo2026" in follow.reply
    chat = await h.sim.wechat_text("oFOLLOWER1", "价格表")
    assert "收到：价格表" in chat.reply
    await h.settle()
    lead = await Lead.get(identities__value="oFOLLOWER1")
    assert await BehaviourEvent.filter(lead=lead, direction="inbound").count() == 2


async def test_a_callback_delivered_twice_at_once_is_handled_once(make_harness):
    handled = []
    router = Router("count")

    @router.on(ContactAdded)
    async def count(event):
        handled.append(event.external_user_id)

    h = await make_harness([router])
    way = await h.bot.wecom.add_contact_way(type=1, scene=2, state="dup", user=["zhangsan"])
    await h.sim.scan_contact_way(way["config_id"], external_userid="wmTWICE")
    _mode, plain, _ = h.sim.callbacks[-1]
    results = await h.sim.sender.post_concurrently(h.sim.envelope(h.sim.app_channel, plain), times=3)
    await h.settle()
    assert all(r.status == 200 for r in results)
    assert handled == ["wmTWICE"]
    assert await BehaviourEvent.filter(kind="contact.added").count() == 1


async def test_forged_stale_and_malformed_callbacks_store_nothing_and_the_bot_keeps_serving(make_harness, clock):
    import aiohttp

    h = await make_harness([echo_router()])
    envelope = h.sim.envelope(h.sim.app_channel, "<xml><MsgType>text</MsgType></xml>")
    forged = {**envelope.query, "msg_signature": "0" * 40}
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><xml>&lol2;</xml>')
    async with aiohttp.ClientSession() as http:
        url = h.bot_url + "/wecom/callback"
        async with http.post(url, params=forged, data=envelope.body) as r:
            assert r.status == 403
        async with http.post(url, params=envelope.query, data=bomb) as r:
            assert r.status == 400
        async with http.post(url, params=envelope.query, data="<xml><Encrypt>") as r:
            assert r.status == 400
        async with http.post(url, params=envelope.query, data="x" * (65 * 1024)) as r:
            assert r.status == 413
        clock.advance(301)
        async with http.post(url, params=envelope.query, data=envelope.body) as r:
            assert r.status == 403  # stale: outside SIYU_CALLBACK_MAX_SKEW
    assert await ProcessedCallback.all().count() == 0
    assert await BehaviourEvent.all().count() == 0
    ok = await h.sim.staff_app_text("zhangsan", "还在吗")
    assert "收到：还在吗" in ok.reply
