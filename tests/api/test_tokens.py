"""Access tokens: fetched once, reused until shortly before they expire, refreshed once when
the platform rejects them, and never fetched twice by calls that need one at the same time."""
from __future__ import annotations

import asyncio

import pytest

from bot.api import ApiError, MemoryTokenStore, TokenExpired
from bot.platforms.wechat.client import WeChatClient
from bot.platforms.wecom.client import WeComClient
from bot.config import ConfigError, load_settings

from tests.support.scripted_api import APP_SECRET, CONTACT_SECRET

GETTOKEN = "/cgi-bin/gettoken"
SEND = "/cgi-bin/message/send"


@pytest.fixture
def wecom(settings, session, clock):
    return WeComClient(settings, session, clock, token_store=MemoryTokenStore())


async def test_a_token_is_fetched_once_and_reused(wecom, platform):
    await wecom.send_app_text("zhangsan", "hello")
    await wecom.send_app_text("lisi", "hello again")
    assert len(platform.calls(GETTOKEN)) == 1
    tokens = {c.query["access_token"] for c in platform.calls(SEND)}
    assert len(tokens) == 1


async def test_a_token_is_refreshed_five_minutes_before_it_expires(wecom, platform, clock):
    await wecom.send_app_text("zhangsan", "one")
    clock.advance(7200 - 301)
    await wecom.send_app_text("zhangsan", "two")
    assert len(platform.calls(GETTOKEN)) == 1
    clock.advance(2)
    await wecom.send_app_text("zhangsan", "three")
    assert len(platform.calls(GETTOKEN)) == 2


async def test_a_short_lived_token_is_refreshed_a_tenth_early(wecom, platform, clock):
    platform.expires_in = 100
    await wecom.send_app_text("zhangsan", "one")
    clock.advance(89)
    await wecom.send_app_text("zhangsan", "two")
    clock.advance(2)
    await wecom.send_app_text("zhangsan", "three")
    assert len(platform.calls(GETTOKEN)) == 2


async def test_twenty_concurrent_calls_share_one_token_fetch(wecom, platform, clock):
    await wecom.send_app_text("zhangsan", "warm up")
    clock.advance(7200)
    await asyncio.gather(*(wecom.send_app_text(f"user{i}", "hi") for i in range(20)))
    assert len(platform.calls(GETTOKEN)) == 2
    assert len(platform.calls(SEND)) == 21


async def test_twenty_calls_rejected_together_cause_one_refresh(wecom, platform):
    await wecom.send_app_text("zhangsan", "warm up")
    platform.expire_all_tokens()
    answers = await asyncio.gather(*(wecom.send_app_text(f"user{i}", "hi") for i in range(20)))
    assert all(a["errcode"] == 0 for a in answers)
    assert len(platform.calls(GETTOKEN)) == 2


async def test_concurrent_first_calls_fetch_one_token(wecom, platform):
    await asyncio.gather(*(wecom.get_external_contact(f"wm{i}") for i in range(20)))
    assert len(platform.calls(GETTOKEN)) == 1


async def test_app_and_contact_apis_use_their_own_secrets(wecom, platform):
    await wecom.send_app_text("zhangsan", "hi")
    await wecom.get_external_contact("wmABC")
    secrets = [c.query["corpsecret"] for c in platform.calls(GETTOKEN)]
    assert secrets == [APP_SECRET, CONTACT_SECRET]
    contact_call = platform.calls("/cgi-bin/externalcontact/get")[0]
    assert platform.secret_of(contact_call.query["access_token"]) == CONTACT_SECRET


async def test_kf_apis_use_the_app_token(wecom, platform):
    await wecom.kf_send_text("wmCustomer", "wkKF", "hello")
    assert [c.query["corpsecret"] for c in platform.calls(GETTOKEN)] == [APP_SECRET]


async def test_without_a_contact_secret_contact_apis_use_the_app_token(settings, session, clock, platform):
    from dataclasses import replace

    wecom = WeComClient(replace(settings, wecom_contact_secret=""), session, clock, token_store=MemoryTokenStore())
    await wecom.send_app_text("zhangsan", "hi")
    await wecom.get_external_contact("wmABC")
    assert [c.query["corpsecret"] for c in platform.calls(GETTOKEN)] == [APP_SECRET]


@pytest.mark.parametrize("errcode", [42001, 40014])
async def test_a_rejected_token_is_refreshed_once_and_the_call_retried(wecom, platform, errcode):
    await wecom.send_app_text("zhangsan", "one")
    platform.script(SEND, {"errcode": errcode, "errmsg": "token trouble"})
    answer = await wecom.send_app_text("zhangsan", "two")
    assert answer["errcode"] == 0
    assert len(platform.calls(GETTOKEN)) == 2
    assert len(platform.calls(SEND)) == 3


async def test_a_token_expired_early_by_the_platform_is_replaced(wecom, platform):
    await wecom.send_app_text("zhangsan", "one")
    platform.expire_all_tokens()
    await wecom.send_app_text("zhangsan", "two")
    last = platform.calls(SEND)[-1]
    assert last.query["access_token"] == "token-2"


async def test_a_token_rejected_twice_gives_up_with_token_expired(wecom, platform):
    platform.script(SEND, {"errcode": 42001, "errmsg": "expired"}, {"errcode": 42001, "errmsg": "expired"})
    with pytest.raises(TokenExpired) as caught:
        await wecom.send_app_text("zhangsan", "hi")
    assert caught.value.errcode == 42001
    assert caught.value.api == SEND
    assert len(platform.calls(GETTOKEN)) == 2


async def test_a_wrong_secret_is_an_api_error_naming_gettoken(settings, session, clock):
    from dataclasses import replace

    wecom = WeComClient(replace(settings, wecom_secret="wrong"), session, clock, token_store=MemoryTokenStore())
    with pytest.raises(ApiError) as caught:
        await wecom.send_app_text("zhangsan", "hi")
    assert (caught.value.errcode, caught.value.api) == (40001, GETTOKEN)
    assert not isinstance(caught.value, TokenExpired)


async def test_wechat_fetches_its_token_with_client_credential(settings, session, clock, platform):
    wechat = WeChatClient(settings, session, clock, token_store=MemoryTokenStore())
    await wechat.send_custom_text("oOpenId", "hi")
    (fetch,) = platform.calls("/cgi-bin/token")
    assert fetch.query == {"grant_type": "client_credential", "appid": "wx-test-app", "secret": "wechat-secret"}


async def test_wechat_refreshes_on_40001(settings, session, clock, platform):
    wechat = WeChatClient(settings, session, clock, token_store=MemoryTokenStore())
    platform.script("/cgi-bin/message/custom/send", {"errcode": 40001, "errmsg": "invalid credential"})
    await wechat.send_custom_text("oOpenId", "hi")
    assert len(platform.calls("/cgi-bin/token")) == 2


async def test_wecom_does_not_treat_40001_as_a_stale_token(wecom, platform):
    platform.script(SEND, {"errcode": 40001, "errmsg": "invalid secret"})
    with pytest.raises(ApiError) as caught:
        await wecom.send_app_text("zhangsan", "hi")
    assert caught.value.errcode == 40001
    assert len(platform.calls(GETTOKEN)) == 1


def test_a_client_without_credentials_is_refused(session, clock):
    with pytest.raises(ConfigError, match="SIYU_WECOM_CORP_ID"):
        WeComClient(load_settings(environ={}), session, clock)
    with pytest.raises(ConfigError, match="SIYU_WECHAT_APP_ID"):
        WeChatClient(load_settings(environ={}), session, clock)
