"""Callbacks arrive signed and encrypted so the bot's own keys open them; a bot slower than
the timeout gets the request again, up to 3 retries; passive replies come back decrypted."""
from __future__ import annotations

import json

from aiohttp import web

from bot.platforms.crypto import CallbackCrypto, sha1_signature
from bot.platforms.payloads import parse_xml


def _settings(credentials, fake_bot):
    return credentials.bot_settings(fake_bot.base_url)


async def test_app_callbacks_decrypt_with_the_bots_wecom_keys(sim, fake_bot, credentials):
    settings = _settings(credentials, fake_bot)
    await sim.staff_app_text("zhangsan", "本周活动?")
    received = fake_bot.received[-1]
    envelope = parse_xml(received.body)
    assert envelope["ToUserName"] == settings.wecom_corp_id and envelope["AgentID"] == str(settings.wecom_agent_id)
    crypto = CallbackCrypto(settings.wecom_token, settings.wecom_aes_key, settings.wecom_corp_id)
    message = parse_xml(crypto.verify_and_decrypt(received.query["msg_signature"], received.query["timestamp"],
                                                  received.query["nonce"], envelope["Encrypt"]))
    assert message["MsgType"] == "text" and message["Content"] == "本周活动?" and message["FromUserName"] == "zhangsan"
    assert int(received.query["timestamp"]) == int(sim.clock.time())


async def test_each_callback_has_a_fresh_nonce(sim, fake_bot):
    await sim.staff_app_text("zhangsan", "a")
    await sim.staff_app_text("zhangsan", "b")
    assert fake_bot.received[0].query["nonce"] != fake_bot.received[1].query["nonce"]


async def test_kf_callback_carries_a_token_and_the_account(sim, fake_bot, credentials):
    result = await sim.kf_customer_text("wkKf001", "wmKf", "你好")
    received = fake_bot.received[-1]
    crypto = CallbackCrypto(credentials.app_token, credentials.app_aes_key, credentials.corp_id)
    event = parse_xml(crypto.decrypt(parse_xml(received.body)["Encrypt"]))
    assert event["Event"] == "kf_msg_or_event"
    assert event["Token"] == result.info["token"] and event["OpenKfId"] == "wkKf001"


async def test_robot_callbacks_are_encrypted_json_with_an_empty_receive_id(sim, fake_bot, credentials):
    settings = _settings(credentials, fake_bot)
    await sim.staff_bot_text("lisi", "报价单", chat_id="wrInternal01")
    received = fake_bot.received[-1]
    assert received.path == "/wecom/bot/callback"
    crypto = CallbackCrypto(settings.wecom_bot_token, settings.wecom_bot_aes_key, "")
    message = json.loads(crypto.verify_and_decrypt(received.query["msg_signature"], received.query["timestamp"],
                                                   received.query["nonce"], json.loads(received.body)["encrypt"]))
    assert message["chattype"] == "group" and message["chatid"] == "wrInternal01"
    assert message["from"] == {"userid": "lisi"} and message["text"]["content"].endswith("报价单")
    assert message["text"]["content"].startswith("@")


async def test_wechat_aes_callbacks_carry_both_signatures(sim, platform, fake_bot, credentials):
    settings = _settings(credentials, fake_bot)
    for scene in ("booth-A12", "booth-B07"):
        await platform.post("wechat/qrcode/create", {"action_name": "QR_LIMIT_STR_SCENE",
                                                     "action_info": {"scene": {"scene_str": scene}}})
    await sim.wechat_follow("oUser1", scene="booth-A12")
    received = fake_bot.received[-1]
    q = received.query
    assert q["encrypt_type"] == "aes" and q["openid"] == "oUser1"
    assert q["signature"] == sha1_signature(settings.wechat_token, q["timestamp"], q["nonce"])
    crypto = CallbackCrypto(settings.wechat_token, settings.wechat_aes_key, settings.wechat_app_id)
    event = parse_xml(crypto.verify_and_decrypt(q["msg_signature"], q["timestamp"], q["nonce"],
                                                parse_xml(received.body)["Encrypt"]))
    assert event["Event"] == "subscribe" and event["EventKey"] == "qrscene_booth-A12"
    await sim.wechat_follow("oUser1", scene="booth-B07")
    again = parse_xml(crypto.decrypt(parse_xml(fake_bot.received[-1].body)["Encrypt"]))
    assert again["Event"] == "SCAN" and again["EventKey"] == "booth-B07"


async def test_wechat_plaintext_mode_posts_the_message_itself(clock, fake_bot, credentials):
    from simulator import CallbackUrls, Simulator

    plain = Simulator(clock, CallbackUrls.under(fake_bot.base_url), credentials, wechat_mode="plain")
    await plain.wechat_follow("oUser2")
    received = fake_bot.received[-1]
    assert "encrypt_type" not in received.query
    assert parse_xml(received.body)["FromUserName"] == "oUser2"


async def test_a_bot_slower_than_the_timeout_gets_the_callback_again(sim, fake_bot):
    sim.sender.timeout = 0.05
    fake_bot.hang = 2
    result = await sim.staff_app_text("zhangsan", "hello")
    assert result.callback.delivered
    assert result.callback.attempts == ["timeout", "timeout", "200"]
    assert len(fake_bot.received) == 3
    assert len({r.body for r in fake_bot.received}) == 1


async def test_the_platform_gives_up_after_3_retries(sim, fake_bot):
    sim.sender.timeout = 0.05
    fake_bot.hang = 10
    result = await sim.staff_app_text("zhangsan", "hello")
    assert not result.callback.delivered
    assert result.callback.attempts == ["timeout"] * 4
    assert len(fake_bot.received) == 4


async def test_a_non_200_answer_counts_as_a_failure(sim, fake_bot):
    fake_bot.answer = lambda _: web.Response(status=500)
    result = await sim.staff_app_text("zhangsan", "hello")
    assert result.callback.attempts == ["500"] * 4 and not result.callback.delivered


async def test_passive_replies_come_back_decrypted(sim, fake_bot, credentials):
    crypto = CallbackCrypto(credentials.app_token, credentials.app_aes_key, credentials.corp_id)
    fake_bot.answer = lambda r: web.Response(text=crypto.encrypted_xml("<xml><Content>收到</Content></xml>",
                                                                       r.query["timestamp"], "nonceX"))
    result = await sim.staff_app_text("zhangsan", "hello")
    assert result.reply == "<xml><Content>收到</Content></xml>"
    forged = crypto.encrypted_xml("<xml/>", "1", "n").replace("<Nonce><![CDATA[n]]>", "<Nonce><![CDATA[m]]>")
    fake_bot.answer = lambda r: web.Response(text=forged)
    tampered = await sim.staff_app_text("zhangsan", "hello")
    assert tampered.reply is None and "signature" in tampered.callback.reply_error


async def test_robot_passive_replies_come_back_as_json(sim, fake_bot, credentials):
    crypto = CallbackCrypto(credentials.bot_token, credentials.bot_aes_key, "")
    answer = json.dumps({"msgtype": "text", "text": {"content": "好的"}}, ensure_ascii=False)
    fake_bot.answer = lambda r: web.json_response(crypto.encrypted_json(answer, r.query["timestamp"], "nonceY"))
    result = await sim.staff_bot_text("zhangsan", "hi")
    assert result.callback.reply_json == {"msgtype": "text", "text": {"content": "好的"}}


async def test_the_same_callback_can_be_delivered_twice_or_concurrently(sim, fake_bot):
    envelope = sim.envelope(sim.app_channel, "<xml><MsgId>1</MsgId></xml>")
    twice = await sim.sender.post_twice(envelope)
    together = await sim.sender.post_concurrently(envelope, 3)
    assert all(r.delivered for r in twice + together)
    assert len(fake_bot.received) == 5 and len({(r.body, r.query["nonce"]) for r in fake_bot.received}) == 1


async def test_url_verification_expects_the_decrypted_echostr(sim, aiohttp_server, credentials):
    crypto = CallbackCrypto(credentials.app_token, credentials.app_aes_key, credentials.corp_id)

    async def good(request):
        q = request.query
        echo = crypto.verify_and_decrypt(q["msg_signature"], q["timestamp"], q["nonce"], q["echostr"])
        return web.Response(text=echo)

    async def lazy(request):
        return web.Response(text=request.query["echostr"])

    app = web.Application()
    app.router.add_get("/wecom/callback", good)
    app.router.add_get("/wecom/bot/callback", lazy)
    app.router.add_get("/wechat/callback", lazy)
    server = await aiohttp_server(app)
    from simulator import CallbackUrls
    sim.urls = CallbackUrls.under(str(server.make_url("")))
    results = await sim.verify_urls()
    assert results["wecom_app"].delivered
    assert not results["wecom_bot"].delivered
    assert results["wechat_aes"].delivered


async def test_a_half_added_customer_arrives_as_add_half_external_contact(platform, sim, credentials):
    way = await platform.post("wecom/externalcontact/add_contact_way", {"type": 1, "scene": 2, "user": ["lisi"]})
    scanned = await sim.scan_contact_way(way["config_id"], half=True)
    assert "add_half_external_contact" in sim.callbacks[-1][1] and scanned.info["welcome_code"]


async def test_passive_text_replies_reach_the_person_who_wrote(sim, fake_bot, credentials):
    crypto = CallbackCrypto(credentials.wechat_token, credentials.wechat_aes_key, credentials.wechat_app_id)
    reply = ("<xml><ToUserName><![CDATA[oFan]]></ToUserName>"
             f"<FromUserName><![CDATA[{credentials.wechat_original_id}]]></FromUserName>"
             "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[您好!]]></Content></xml>")
    fake_bot.answer = lambda r: web.Response(text=crypto.encrypted_xml(reply, r.query["timestamp"], "n1"))
    await sim.wechat_follow("oFan")
    assert sim.received("oFan") == [{"channel": "passive", "text": "您好!", "time": sim.clock.time(),
                                     "api": "callback/wechat_aes"}]


async def test_an_unfinished_robot_stream_is_refreshed_until_it_finishes(sim, fake_bot, credentials):
    crypto = CallbackCrypto(credentials.bot_token, credentials.bot_aes_key, "")
    answers = iter([
        {"msgtype": "stream", "stream": {"id": "s1", "finish": False, "content": ""}},
        {"msgtype": "stream", "stream": {"id": "s1", "finish": False, "content": ""}},
        {"msgtype": "stream", "stream": {"id": "s1", "finish": True, "content": "查到 3 条线索"}},
    ])

    def answer(received):
        plain = json.dumps(next(answers), ensure_ascii=False)
        return web.json_response(crypto.encrypted_json(plain, received.query["timestamp"], "n2"))

    fake_bot.answer = answer
    result = await sim.staff_bot_text("lisi", "线索", chat_id="wrTeam")
    assert result.info["refreshes"] == 2
    refresh = json.loads(crypto.decrypt(json.loads(fake_bot.received[-1].body)["encrypt"]))
    assert refresh["msgtype"] == "stream" and refresh["stream"] == {"id": "s1"} and refresh["chatid"] == "wrTeam"
    assert [m["text"] for m in sim.received("wrTeam")] == ["查到 3 条线索"]
    assert sim.clock.slept == [1.0, 1.0]


async def test_a_passive_reply_to_the_wrong_user_reaches_nobody(sim, fake_bot, credentials):
    crypto = CallbackCrypto(credentials.app_token, credentials.app_aes_key, credentials.corp_id)
    reply = ("<xml><ToUserName><![CDATA[lisi]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"
             "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content></xml>" % credentials.corp_id)
    fake_bot.answer = lambda r: web.Response(text=crypto.encrypted_xml(reply, r.query["timestamp"], "n3"))
    result = await sim.staff_app_text("zhangsan", "hello")
    assert result.reply == reply and "ToUserName" in result.callback.reply_error
    assert sim.received("zhangsan") == [] and sim.received("lisi") == []


async def test_opening_the_robot_chat_posts_enter_chat_once_a_day(sim, fake_bot, credentials, clock):
    crypto = CallbackCrypto(credentials.bot_token, credentials.bot_aes_key, "")
    welcome = json.dumps({"msgtype": "text", "text": {"content": "我能帮你查线索"}}, ensure_ascii=False)
    fake_bot.answer = lambda r: web.json_response(crypto.encrypted_json(welcome, r.query["timestamp"], "n4"))
    first = await sim.staff_opens_bot_chat("zhangsan")
    event = json.loads(crypto.decrypt(json.loads(fake_bot.received[-1].body)["encrypt"]))
    assert event["msgtype"] == "event" and event["event"] == {"eventtype": "enter_chat"}
    assert first.info["event"] == "enter_chat"
    assert (await sim.staff_opens_bot_chat("zhangsan")).callback is None
    clock.advance(24 * 3600)
    assert (await sim.staff_opens_bot_chat("zhangsan")).callback is not None
    assert [m["text"] for m in sim.received("zhangsan")] == ["我能帮你查线索"] * 2
