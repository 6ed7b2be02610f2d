"""The demo page drives the same actors over /sim/... and reads what each person received;
bad input gets a clear 400 and changes nothing."""
from __future__ import annotations


async def test_a_customer_scans_and_the_phone_page_shows_the_welcome(api, platform, sim):
    way = await platform.post("wecom/externalcontact/add_contact_way", {"type": 1, "scene": 2, "user": ["zhangsan"],
                                                                         "state": "site"})
    resp = await api.post("/sim/scan_contact_way", json={"config_id": way["config_id"], "external_userid": "wmPhone"})
    scanned = await resp.json()
    assert resp.status == 200 and scanned["callback"]["delivered"] and scanned["state"] == "site"
    await platform.post("wecom/externalcontact/send_welcome_msg",
                        {"welcome_code": scanned["welcome_code"], "text": {"content": "欢迎关注"}})
    await sim.kf_customer_text("wkKf001", "wmPhone", "在吗")
    await platform.post("wecom/kf/send_msg", {"touser": "wmPhone", "open_kfid": "wkKf001", "msgtype": "text",
                                              "text": {"content": "在的"}})
    received = await (await api.get("/sim/received", params={"user": "wmPhone"})).json()
    assert [(m["channel"], m["text"]) for m in received] == [("welcome", "欢迎关注"), ("kf", "在的")]
    outbox = await (await api.get("/sim/outbox")).json()
    assert [e["api"] for e in outbox["outbox"]] == ["wecom/externalcontact/add_contact_way",
                                                    "wecom/externalcontact/send_welcome_msg", "wecom/kf/send_msg"]


async def test_bad_actor_input_gets_a_clear_400(api, sim):
    missing = await api.post("/sim/scan_contact_way", json={})
    assert missing.status == 400 and "config_id" in (await missing.json())["error"]
    unknown = await api.post("/sim/scan_contact_way", json={"config_id": "cwNope"})
    assert unknown.status == 400 and "cwNope" in (await unknown.json())["error"]
    not_json = await api.post("/sim/kf_text", data=b"nope")
    assert not_json.status == 400
    assert sim.state.customers == {} and sim.callbacks == []


async def test_group_text_over_http_is_archived_without_a_callback(api, sim, fake_bot):
    resp = await api.post("/sim/group_text", json={"chat_id": "wrGroup001", "sender": "zhangsan", "text": "大家好"})
    assert resp.status == 200 and (await resp.json())["seq"] == 1
    archive = await (await api.get("/sim/archive")).json()
    assert archive[0]["content"] == "大家好" and fake_bot.received == []


async def test_unknown_apis_and_wrong_methods_get_errcodes(api, platform):
    token = await platform.wecom_token()
    wrong_method = await api.get("/wecom/cgi-bin/message/send", params={"access_token": token})
    assert (await wrong_method.json())["errcode"] == 43002
    unknown = await api.post("/wecom/cgi-bin/no/such/api", params={"access_token": token})
    assert (await unknown.json())["errcode"] == 48001


def test_bot_settings_point_the_bot_at_the_simulator(credentials):
    settings = credentials.bot_settings("http://127.0.0.1:9100/", database_url="sqlite://:memory:")
    assert settings.wecom_api_base == "http://127.0.0.1:9100/wecom"
    assert settings.wechat_api_base == "http://127.0.0.1:9100/wechat"
    assert settings.wecom_enabled and settings.wecom_bot_enabled and settings.wechat_enabled
    assert settings.database_url == "sqlite://:memory:"


async def test_robot_response_url_answers_once_within_an_hour(api, sim, clock):
    await api.get("/sim/directory")  # the first request teaches the simulator its own address
    assert sim.public_url == str(api.make_url("")).rstrip("/")
    first = await sim.staff_bot_text("lisi", "今天的线索")
    url = first.info["response_url"]
    assert url.startswith(sim.public_url.rstrip("/") + "/wecom/cgi-bin/aibot/response?response_code=")
    path = url[len(sim.public_url.rstrip("/")):]
    reply = {"msgtype": "markdown", "markdown": {"content": "3 条新线索"}}
    assert (await (await api.post(path, json=reply)).json())["errcode"] == 0
    assert (await (await api.post(path, json=reply)).json())["errcode"] != 0
    later = (await sim.staff_bot_text("lisi", "再来")).info["response_url"]
    clock.advance(3601)
    assert (await (await api.post(later[len(sim.public_url.rstrip("/")):], json=reply)).json())["errcode"] != 0
    assert [m["text"] for m in sim.received("lisi")] == ["3 条新线索"]


async def test_the_demo_corp_is_seeded_for_the_browser_page(aiohttp_client, clock):
    from simulator import CallbackUrls, Simulator, create_simulator_app, seed_demo

    demo = Simulator(clock, CallbackUrls.under("http://127.0.0.1:1"))
    seed_demo(demo)
    client = await aiohttp_client(create_simulator_app(demo))
    directory = await (await client.get("/sim/directory")).json()
    assert [s["userid"] for s in directory["staff"]] == ["zhangsan", "lisi"]
    assert directory["kf_accounts"] and directory["groups"]


async def test_callbacks_are_listed_for_the_demo(api, sim):
    await api.post("/sim/staff_app_text", json={"userid": "zhangsan", "text": "周报"})
    listed = await (await api.get("/sim/callbacks")).json()
    assert listed[0]["mode"] == "wecom_app" and "周报" in listed[0]["plain"]
    assert listed[0]["result"]["delivered"] is True
