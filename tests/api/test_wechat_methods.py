"""Official-account calls: customer-service text and QR codes carrying a scene."""
from __future__ import annotations

from dataclasses import replace

import pytest

from bot.api import MemoryTokenStore
from bot.platforms.wechat.client import WeChatClient


@pytest.fixture
def wechat(settings, session, clock):
    return WeChatClient(settings, session, clock, token_store=MemoryTokenStore())


async def test_custom_text(wechat, platform):
    await wechat.send_custom_text("oOpenId", "您好")
    body = platform.calls("/cgi-bin/message/custom/send")[0].body
    assert body == {"touser": "oOpenId", "msgtype": "text", "text": {"content": "您好"}}


async def test_a_permanent_qr_code(wechat, platform):
    answer = await wechat.create_qrcode("expo-2026-booth-7")
    assert answer["ticket"] and answer["url"]
    assert platform.calls("/cgi-bin/qrcode/create")[0].body == {
        "action_name": "QR_LIMIT_STR_SCENE", "action_info": {"scene": {"scene_str": "expo-2026-booth-7"}},
    }


async def test_a_temporary_qr_code(wechat, platform):
    await wechat.create_qrcode("invite-42", permanent=False, expire_seconds=2_592_000)
    assert platform.calls("/cgi-bin/qrcode/create")[0].body == {
        "action_name": "QR_STR_SCENE", "action_info": {"scene": {"scene_str": "invite-42"}}, "expire_seconds": 2_592_000,
    }


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"scene_str": ""}, "scene_str must be 1 to 64 characters, got 0"),
        ({"scene_str": "s" * 65}, "scene_str must be 1 to 64 characters, got 65"),
        ({"scene_str": "s", "expire_seconds": 60}, "a permanent QR code has no expire_seconds"),
        ({"scene_str": "s", "permanent": False, "expire_seconds": 2_592_001}, "at most|1 to 2592000"),
    ],
)
async def test_qr_code_limits(wechat, platform, kwargs, message):
    with pytest.raises(ValueError, match=message):
        await wechat.create_qrcode(**kwargs)
    assert platform.requests == []


def test_showqrcode_url_points_at_the_official_image_host(settings, session, clock):
    official = WeChatClient(replace(settings, wechat_api_base="https://api.weixin.qq.com"), session, clock,
                            token_store=MemoryTokenStore())
    assert official.showqrcode_url("gQH47+/=") == "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=gQH47%2B%2F%3D"


def test_showqrcode_url_follows_a_simulated_api_base(wechat, settings):
    assert wechat.showqrcode_url("T") == f"{settings.wechat_api_base}/cgi-bin/showqrcode?ticket=T"
