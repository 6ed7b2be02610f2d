"""Official account: custom messages only within what the follower's last interaction allows,
parametric QR codes with the documented scene limits."""
from __future__ import annotations

import pytest


def _text(openid="oFan1", content="您好"):
    return {"touser": openid, "msgtype": "text", "text": {"content": content}}


def _scene_qr(scene, action="QR_LIMIT_STR_SCENE", **extra):
    return {"action_name": action, "action_info": {"scene": {"scene_str": scene}}, **extra}


async def test_a_follow_or_scan_allows_3_custom_messages_within_a_minute(platform, sim, clock):
    await platform.post("wechat/qrcode/create", _scene_qr("expo"))
    await sim.wechat_follow("oFan1", scene="expo")
    codes = [(await platform.post("wechat/message/custom/send", _text()))["errcode"] for _ in range(4)]
    assert codes == [0, 0, 0, 45047]
    await sim.wechat_follow("oFan1", scene="expo")  # scanning again: SCAN
    clock.advance(61)
    assert (await platform.post("wechat/message/custom/send", _text()))["errcode"] == 45015


async def test_a_message_allows_5_custom_messages_within_48_hours(platform, sim, clock):
    await sim.wechat_follow("oFan1")
    await sim.wechat_text("oFan1", "还在吗")
    clock.advance(48 * 3600 - 10)
    codes = [(await platform.post("wechat/message/custom/send", _text()))["errcode"] for _ in range(6)]
    assert codes == [0, 0, 0, 0, 0, 45047]
    clock.advance(11)
    await sim.wechat_text("oFan1", "喂")
    clock.advance(48 * 3600 + 1)
    assert (await platform.post("wechat/message/custom/send", _text()))["errcode"] == 45015
    assert [m["channel"] for m in sim.received("oFan1")] == ["custom"] * 5


async def test_unfollowed_and_unknown_users_cannot_be_messaged(platform, sim):
    await sim.wechat_follow("oFan1")
    await sim.wechat_unfollow("oFan1")
    assert (await platform.post("wechat/message/custom/send", _text()))["errcode"] == 45015
    assert (await platform.post("wechat/message/custom/send", _text("oGhost")))["errcode"] == 40003


async def test_qrcode_create_checks_action_and_scene(platform, sim):
    permanent = {"action_name": "QR_LIMIT_STR_SCENE", "action_info": {"scene": {"scene_str": "booth-A12"}}}
    made = await platform.post("wechat/qrcode/create", permanent)
    assert made["ticket"] and made["url"] and "expire_seconds" not in made
    temporary = {"action_name": "QR_STR_SCENE", "expire_seconds": 600, "action_info": {"scene": {"scene_str": "x"}}}
    assert (await platform.post("wechat/qrcode/create", temporary))["expire_seconds"] == 600
    too_long = {"action_name": "QR_LIMIT_STR_SCENE", "action_info": {"scene": {"scene_str": "s" * 65}}}
    assert (await platform.post("wechat/qrcode/create", too_long))["errcode"] == 40097
    assert (await platform.post("wechat/qrcode/create", {"action_name": "QR_WHATEVER"}))["errcode"] == 40097
    big_id = {"action_name": "QR_LIMIT_SCENE", "action_info": {"scene": {"scene_id": 100_001}}}
    assert (await platform.post("wechat/qrcode/create", big_id))["errcode"] == 40097


async def test_a_scan_of_a_created_scene_carries_its_ticket(platform, sim, fake_bot, credentials):
    made = await platform.post("wechat/qrcode/create", {"action_name": "QR_LIMIT_STR_SCENE",
                                                        "action_info": {"scene": {"scene_str": "booth-A12"}}})
    await sim.wechat_follow("oFan9", scene="booth-A12")
    assert made["ticket"] in sim.callbacks[-1][1]


async def test_only_existing_unexpired_scene_codes_can_be_scanned(platform, sim, clock):
    with pytest.raises(KeyError):
        await sim.wechat_follow("oFan2", scene="never-made")
    await platform.post("wechat/qrcode/create", _scene_qr("live-0612", "QR_STR_SCENE", expire_seconds=600))
    clock.advance(601)
    with pytest.raises(ValueError):
        await sim.wechat_follow("oFan2", scene="live-0612")
    assert sim.callbacks == [] and "oFan2" not in sim.state.followers
