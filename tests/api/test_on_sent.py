"""The on_sent hook hears of every message delivered to a person, and of nothing else."""
from __future__ import annotations

import pytest

from bot.api import ApiError, MemoryTokenStore
from bot.platforms.wechat.client import WeChatClient
from bot.platforms.wecom.client import WeComClient


@pytest.fixture
def sent():
    return []


@pytest.fixture
def wecom(settings, session, clock, sent):
    async def on_sent(api: str, payload: dict) -> None:
        sent.append((api, payload))

    return WeComClient(settings, session, clock, token_store=MemoryTokenStore(), on_sent=on_sent)


async def test_each_kind_of_delivered_message_is_reported(wecom, settings, session, clock, sent):
    wechat = WeChatClient(settings, session, clock, token_store=MemoryTokenStore(), on_sent=wecom.on_sent)
    await wecom.send_app_text("zhangsan", "new lead")
    await wecom.kf_send_text("wmCustomer", "wkKF", "hello")
    await wecom.send_welcome_msg("CODE", text="welcome")
    await wecom.add_msg_template({"external_userid": ["wmA"], "text": {"content": "news"}})
    await wechat.send_custom_text("oOpenId", "hi")
    assert [api for api, _ in sent] == [
        "/cgi-bin/message/send",
        "/cgi-bin/kf/send_msg",
        "/cgi-bin/externalcontact/send_welcome_msg",
        "/cgi-bin/externalcontact/add_msg_template",
        "/cgi-bin/message/custom/send",
    ]
    assert sent[1][1] == {"touser": "wmCustomer", "open_kfid": "wkKF", "msgtype": "text", "text": {"content": "hello"}}


async def test_a_failed_send_is_not_reported(wecom, platform, sent):
    platform.script("/cgi-bin/kf/send_msg", {"errcode": 95018, "errmsg": "send msg session status invalid"})
    with pytest.raises(ApiError):
        await wecom.kf_send_text("wmCustomer", "wkKF", "hello")
    assert sent == []


async def test_calls_that_deliver_nothing_are_not_reported(wecom, sent):
    await wecom.get_external_contact("wmA")
    await wecom.kf_sync_msg("TOKEN", "wkKF")
    await wecom.add_contact_way(type=1, scene=2, state="expo-2026", user=["zhangsan"])
    assert sent == []


async def test_a_failing_hook_does_not_fail_the_delivered_send(settings, session, clock, platform, caplog):
    async def broken(api: str, payload: dict) -> None:
        raise RuntimeError("log is down")

    wecom = WeComClient(settings, session, clock, token_store=MemoryTokenStore(), on_sent=broken)
    answer = await wecom.send_app_text("zhangsan", "hi")
    assert answer["errcode"] == 0
    assert len(platform.calls("/cgi-bin/message/send")) == 1
    assert "on_sent hook failed for /cgi-bin/message/send" in caplog.text
