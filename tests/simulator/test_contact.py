"""Contact ways, the add event, the once-only welcome message, customers and tags."""
from __future__ import annotations

from bot.platforms.crypto import CallbackCrypto
from bot.platforms.payloads import parse_xml
from simulator.state import Relation


def way(**fields):
    return {"type": 1, "scene": 2, "user": ["zhangsan"], **fields}


async def test_contact_way_state_longer_than_30_characters_is_refused(platform, sim):
    refused = await platform.post("wecom/externalcontact/add_contact_way", way(state="x" * 31))
    assert refused["errcode"] == 40058
    assert sim.state.contact_ways == {}
    accepted = await platform.post("wecom/externalcontact/add_contact_way", way(state="展会" * 15))
    assert accepted["errcode"] == 0 and accepted["qr_code"]
    updated = await platform.post("wecom/externalcontact/update_contact_way",
                                  {"config_id": accepted["config_id"], "state": "y" * 31})
    assert updated["errcode"] == 40058
    got = await platform.post("wecom/externalcontact/get_contact_way", {"config_id": accepted["config_id"]})
    assert got["contact_way"]["state"] == "展会" * 15


async def test_contact_way_needs_type_scene_and_known_staff(platform, sim):
    assert (await platform.post("wecom/externalcontact/add_contact_way", {"scene": 2}))["errcode"] == 41037
    assert (await platform.post("wecom/externalcontact/add_contact_way", way(type=3)))["errcode"] == 41039
    assert await platform.errcode("wecom/externalcontact/add_contact_way", {"type": 1, "user": ["zhangsan"]}) == 41038
    assert (await platform.post("wecom/externalcontact/add_contact_way", way(scene=5)))["errcode"] == 41040
    for i in range(101):
        sim.add_staff(f"rep{i}")
    crowd = way(type=2, user=[f"rep{i}" for i in range(101)])
    assert (await platform.post("wecom/externalcontact/add_contact_way", crowd))["errcode"] == 41041
    assert (await platform.post("wecom/externalcontact/get_contact_way", {}))["errcode"] == 41043
    assert (await platform.post("wecom/externalcontact/get_contact_way", {"config_id": "cwNope"}))["errcode"] == 41044
    assert (await platform.post("wecom/externalcontact/add_contact_way", way(user=["ghost"])))["errcode"] == 40003
    two = way(user=["zhangsan", "lisi"])
    assert (await platform.post("wecom/externalcontact/add_contact_way", two))["errcode"] == 40035


async def _scan(platform, sim, state="expo-2026"):
    config = await platform.post("wecom/externalcontact/add_contact_way", way(state=state))
    return await sim.scan_contact_way(config["config_id"], name="王经理", unionid="ou_wang")


async def test_scanning_a_contact_way_posts_add_external_contact_with_state_and_welcome_code(
        platform, sim, fake_bot, credentials):
    scanned = await _scan(platform, sim)
    assert scanned.callback.delivered
    received = fake_bot.received[-1]
    assert received.path == "/wecom/callback"
    crypto = CallbackCrypto(credentials.app_token, credentials.app_aes_key, credentials.corp_id)
    event = parse_xml(crypto.verify_and_decrypt(received.query["msg_signature"], received.query["timestamp"],
                                                received.query["nonce"], parse_xml(received.body)["Encrypt"]))
    assert event["ChangeType"] == "add_external_contact"
    assert event["UserID"] == "zhangsan" and event["ExternalUserID"] == scanned.info["external_userid"]
    assert event["State"] == "expo-2026" and event["WelcomeCode"] == scanned.info["welcome_code"]


async def test_welcome_message_goes_out_once(platform, sim):
    scanned = await _scan(platform, sim)
    body = {"welcome_code": scanned.info["welcome_code"], "text": {"content": "欢迎!"}}
    assert (await platform.post("wecom/externalcontact/send_welcome_msg", body))["errcode"] == 0
    assert (await platform.post("wecom/externalcontact/send_welcome_msg", body))["errcode"] == 41051
    assert [m["text"] for m in sim.received(scanned.info["external_userid"])] == ["欢迎!"]


async def test_welcome_message_only_within_20_seconds_of_the_add_event(platform, sim, clock):
    scanned = await _scan(platform, sim)
    clock.advance(21)
    body = {"welcome_code": scanned.info["welcome_code"], "text": {"content": "欢迎!"}}
    assert (await platform.post("wecom/externalcontact/send_welcome_msg", body))["errcode"] == 41050
    forged = {"welcome_code": "nope", "text": {"content": "欢迎!"}}
    assert (await platform.post("wecom/externalcontact/send_welcome_msg", forged))["errcode"] == 41050
    assert await platform.errcode("wecom/externalcontact/send_welcome_msg", {"text": {"content": "x"}}) == 41049
    assert sim.received(scanned.info["external_userid"]) == []


async def test_customer_details_follow_users_and_tags(platform, sim):
    scanned = await _scan(platform, sim)
    ext = scanned.info["external_userid"]
    added = await platform.post("wecom/externalcontact/add_corp_tag",
                                {"group_name": "行业", "tag": [{"name": "制造"}, {"name": "医疗"}]})
    tag_id = added["tag_group"]["tag"][0]["id"]
    dup = await platform.post("wecom/externalcontact/add_corp_tag",
                              {"group_id": added["tag_group"]["group_id"], "tag": [{"name": "制造"}]})
    assert dup["errcode"] == 40071
    marked = await platform.post("wecom/externalcontact/mark_tag",
                                 {"userid": "zhangsan", "external_userid": ext, "add_tag": [tag_id]})
    assert marked["errcode"] == 0
    details = await platform.get("wecom/externalcontact/get", {"external_userid": ext})
    assert details["external_contact"]["name"] == "王经理"
    assert details["external_contact"]["unionid"] == "ou_wang"
    follow = details["follow_user"][0]
    assert follow["userid"] == "zhangsan" and follow["state"] == "expo-2026"
    assert follow["tags"][0]["tag_name"] == "制造"
    listed = await platform.post("wecom/externalcontact/get_corp_tag_list", {})
    assert [t["name"] for t in listed["tag_group"][0]["tag"]] == ["制造", "医疗"]


async def test_deleting_either_way_ends_the_relation_and_posts_the_event(platform, sim, fake_bot):
    scanned = await _scan(platform, sim)
    ext = scanned.info["external_userid"]
    await sim.customer_deletes_staff(ext, "zhangsan")
    assert "del_follow_user" in sim.callbacks[-1][1]
    details = await platform.get("wecom/externalcontact/get", {"external_userid": ext})
    assert details["errcode"] == 84061
    assert (await platform.get("wecom/externalcontact/get", {"external_userid": "wmghost"}))["errcode"] == 40096
    new_way = await platform.post("wecom/externalcontact/add_contact_way", way())
    assert (await sim.scan_contact_way(new_way["config_id"], ext)).callback.delivered
    await sim.staff_deletes_customer("zhangsan", ext)
    assert "del_external_contact" in sim.callbacks[-1][1] and "Source" not in sim.callbacks[-1][1]
    assert sim.state.relations == {}


async def test_customer_details_show_corp_and_position_only_for_wecom_users(platform, sim):
    wechat_user = sim.add_customer("wmWeChat01", "王工")
    wecom_user = sim.add_customer("wmWeCom01", "李经理")
    wecom_user.type, wecom_user.corp_name, wecom_user.corp_full_name = 2, "南化", "南方化工有限公司"
    for customer in (wechat_user, wecom_user):
        sim.state.relations[("zhangsan", customer.external_userid)] = Relation("zhangsan", customer.external_userid,
                                                                              sim.now())
    plain = (await platform.get("wecom/externalcontact/get", {"external_userid": "wmWeChat01"}))["external_contact"]
    corp = (await platform.get("wecom/externalcontact/get", {"external_userid": "wmWeCom01"}))["external_contact"]
    assert plain["type"] == 1 and "corp_name" not in plain
    assert (corp["type"], corp["corp_name"], corp["corp_full_name"]) == (2, "南化", "南方化工有限公司")
    assert "position" not in corp  # hidden by the user: not returned


async def test_reading_a_member_gives_the_name_and_60111_for_an_unknown_userid(platform, sim):
    member = await platform.get("wecom/user/get", {"userid": "zhangsan"})
    assert member["errcode"] == 0 and member["name"] == sim.state.staff["zhangsan"].name
    assert "mobile" not in member and "avatar" not in member  # not for our apps since 2022-06-20
    assert (await platform.get("wecom/user/get", {"userid": "nobody"}))["errcode"] == 60111
