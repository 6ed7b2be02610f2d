"""Access tokens: issued with the real secrets only, checked on every call, and expiring
after expires_in=7200 seconds on the clock, with the platform's own errcodes."""
from __future__ import annotations

TEXT = {"touser": "zhangsan", "msgtype": "text", "agentid": 1000002, "text": {"content": "hi"}}


async def test_gettoken_with_the_app_secret_returns_a_token_valid_for_7200_seconds(api, credentials):
    resp = await api.get("/wecom/cgi-bin/gettoken", params={"corpid": credentials.corp_id,
                                                             "corpsecret": credentials.app_secret})
    body = await resp.json()
    assert body["errcode"] == 0 and body["expires_in"] == 7200 and body["access_token"]


async def test_gettoken_refuses_a_wrong_secret_or_corpid_with_the_real_errcodes(api, credentials):
    async def errcode(**params):
        return (await (await api.get("/wecom/cgi-bin/gettoken", params=params)).json())["errcode"]

    assert await errcode(corpid=credentials.corp_id, corpsecret="wrong") == 40001
    assert await errcode(corpid="wwnotours", corpsecret=credentials.app_secret) == 40013
    assert await errcode(corpsecret=credentials.app_secret) == 41002
    assert await errcode(corpid=credentials.corp_id) == 41004


async def test_wecom_returns_the_same_token_while_it_is_valid(platform):
    assert await platform.wecom_token() == await platform.wecom_token()


async def test_calls_without_or_with_a_bad_access_token_are_refused(api, platform):
    missing = await (await api.post("/wecom/cgi-bin/message/send", json=TEXT)).json()
    assert missing["errcode"] == 41001
    assert (await platform.post("wecom/message/send", TEXT, token="forged"))["errcode"] == 40014


async def test_a_token_expires_after_7200_seconds(platform, clock):
    token = await platform.wecom_token()
    clock.advance(7199)
    assert (await platform.post("wecom/message/send", TEXT, token=token))["errcode"] == 0
    clock.advance(1)
    assert (await platform.post("wecom/message/send", TEXT, token=token))["errcode"] == 42001
    assert await platform.wecom_token() != token


async def test_a_wecom_token_is_not_valid_on_wechat(platform):
    token = await platform.wecom_token()
    body = {"action_name": "QR_LIMIT_STR_SCENE", "action_info": {"scene": {"scene_str": "booth"}}}
    assert (await platform.post("wechat/qrcode/create", body, token=token))["errcode"] == 40014


async def test_the_customer_contact_secret_cannot_send_app_messages(platform, credentials):
    token = await platform.wecom_token(credentials.contact_secret)
    assert (await platform.post("wecom/message/send", TEXT, token=token))["errcode"] == 48002
    way = {"type": 1, "scene": 2, "user": ["zhangsan"]}
    assert (await platform.post("wecom/externalcontact/add_contact_way", way, token=token))["errcode"] == 0


async def test_wechat_token_needs_the_app_secret_and_old_tokens_live_five_more_minutes(
        api, platform, clock, credentials):
    wrong = await (await api.get("/wechat/cgi-bin/token", params={
        "grant_type": "client_credential", "appid": credentials.wechat_app_id, "secret": "nope"})).json()
    assert wrong["errcode"] == 40001
    missing = await (await api.get("/wechat/cgi-bin/token", params={
        "grant_type": "client_credential", "appid": credentials.wechat_app_id})).json()
    assert missing["errcode"] == 41004
    old = await platform.wechat_token()
    new = await platform.wechat_token()
    assert old != new
    body = {"action_name": "QR_LIMIT_STR_SCENE", "action_info": {"scene": {"scene_str": "booth"}}}
    assert "ticket" in await platform.post("wechat/qrcode/create", body, token=old)
    clock.advance(301)
    assert (await platform.post("wechat/qrcode/create", body, token=old))["errcode"] == 42001
    assert "ticket" in await platform.post("wechat/qrcode/create", body, token=new)


async def test_a_body_that_is_not_json_gets_47001(api, platform):
    token = await platform.wecom_token()
    resp = await api.post("/wecom/cgi-bin/message/send", params={"access_token": token}, data=b"{nope")
    assert (await resp.json())["errcode"] == 47001


async def test_refused_calls_are_kept_apart_from_the_outbox(platform, sim):
    await platform.post("wecom/message/send", TEXT, token="forged")
    await platform.post("wecom/message/send", TEXT)
    assert [e.api for e in sim.outbox] == ["wecom/message/send"]
    assert [(r.api, r.errcode) for r in sim.api.rejected] == [("wecom/message/send", 40014)]
    assert sim.received("zhangsan") == [{"channel": "app", "text": "hi", "time": sim.clock.time(),
                                         "api": "wecom/message/send"}]
