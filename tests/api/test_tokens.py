"""Access tokens: fetched once, reused until shortly before they expire, refreshed once when
the platform rejects them, and never fetched twice by calls that need one at the same time.
The simulator plays the platform (tokens expire on the test clock; ``sim.wire`` records the
requests and answers the scripted ones)."""
from __future__ import annotations

import asyncio

import pytest

from bot.api import ApiError, MemoryTokenStore, TokenExpired
from bot.platforms.wechat.client import WeChatClient
from bot.platforms.wecom.client import WeComClient
from bot.config import ConfigError, load_settings

from tests.support.simulated import add_contacts, reachable_customers

GETTOKEN = "/cgi-bin/gettoken"  # as the client names them
SEND = "/cgi-bin/message/send"
GETTOKEN_API, SEND_API, TOKEN_API = "wecom/gettoken", "wecom/message/send", "wechat/token"  # as the simulator does
CUSTOM_SEND_API = "wechat/message/custom/send"


@pytest.fixture
def settings(sim, sim_settings):
    """The simulator's company: zhangsan, lisi and user0…user19; wmABC and wm0…wm19 are
    zhangsan's customers."""
    for userid in ("lisi", *(f"user{i}" for i in range(20))):
        sim.add_staff(userid)
    add_contacts(sim, "zhangsan", "wmABC", *(f"wm{i}" for i in range(20)))
    return sim_settings


@pytest.fixture
def wecom(settings, session, clock):
    return WeComClient(settings, session, clock, token_store=MemoryTokenStore())


async def test_a_token_is_fetched_once_and_reused(wecom, sim):
    await wecom.send_app_text("zhangsan", "hello")
    await wecom.send_app_text("lisi", "hello again")
    assert len(sim.wire.calls(GETTOKEN_API)) == 1
    tokens = {c.query["access_token"] for c in sim.wire.calls(SEND_API)}
    assert len(tokens) == 1


async def test_a_token_is_refreshed_five_minutes_before_it_expires(wecom, sim, clock):
    await wecom.send_app_text("zhangsan", "one")
    clock.advance(7200 - 301)
    await wecom.send_app_text("zhangsan", "two")
    assert len(sim.wire.calls(GETTOKEN_API)) == 1
    clock.advance(2)
    await wecom.send_app_text("zhangsan", "three")
    assert len(sim.wire.calls(GETTOKEN_API)) == 2


async def test_a_short_lived_token_is_refreshed_a_tenth_early(wecom, sim, clock):
    sim.api.tokens.ttl = 100
    await wecom.send_app_text("zhangsan", "one")
    clock.advance(89)
    await wecom.send_app_text("zhangsan", "two")
    clock.advance(2)
    await wecom.send_app_text("zhangsan", "three")
    assert len(sim.wire.calls(GETTOKEN_API)) == 2


async def test_twenty_concurrent_calls_share_one_token_fetch(wecom, sim, clock):
    await wecom.send_app_text("zhangsan", "warm up")
    clock.advance(7200)
    await asyncio.gather(*(wecom.send_app_text(f"user{i}", "hi") for i in range(20)))
    assert len(sim.wire.calls(GETTOKEN_API)) == 2
    assert len(sim.wire.calls(SEND_API)) == 21


async def test_twenty_calls_rejected_together_cause_one_refresh(wecom, sim):
    await wecom.send_app_text("zhangsan", "warm up")
    sim.api.tokens.expire_all()
    answers = await asyncio.gather(*(wecom.send_app_text(f"user{i}", "hi") for i in range(20)))
    assert all(a["errcode"] == 0 for a in answers)
    assert len(sim.wire.calls(GETTOKEN_API)) == 2


async def test_concurrent_first_calls_fetch_one_token(wecom, sim):
    await asyncio.gather(*(wecom.get_external_contact(f"wm{i}") for i in range(20)))
    assert len(sim.wire.calls(GETTOKEN_API)) == 1


async def test_app_and_contact_apis_use_their_own_secrets(wecom, sim):
    await wecom.send_app_text("zhangsan", "hi")
    await wecom.get_external_contact("wmABC")
    secrets = [c.query["corpsecret"] for c in sim.wire.calls(GETTOKEN_API)]
    assert secrets == [sim.credentials.app_secret, sim.credentials.contact_secret]
    contact_call = sim.wire.calls("wecom/externalcontact/get")[0]
    assert sim.api.tokens.check(contact_call.query["access_token"], "wecom") == "wecom:contact"


async def test_kf_apis_use_the_app_token(wecom, sim):
    await reachable_customers(sim, wecom)
    sim.wire.requests.clear()
    await wecom.kf_send_text("wmCustomer", "wkKF", "hello")
    assert [c.query["corpsecret"] for c in sim.wire.calls(GETTOKEN_API)] == [sim.credentials.app_secret]


async def test_without_a_contact_secret_contact_apis_use_the_app_token(settings, session, clock, sim):
    from dataclasses import replace

    wecom = WeComClient(replace(settings, wecom_contact_secret=""), session, clock, token_store=MemoryTokenStore())
    await wecom.send_app_text("zhangsan", "hi")
    await wecom.get_external_contact("wmABC")
    assert [c.query["corpsecret"] for c in sim.wire.calls(GETTOKEN_API)] == [sim.credentials.app_secret]


@pytest.mark.parametrize("errcode", [42001, 40014])
async def test_a_rejected_token_is_refreshed_once_and_the_call_retried(wecom, sim, errcode):
    await wecom.send_app_text("zhangsan", "one")
    sim.wire.script(SEND_API, {"errcode": errcode, "errmsg": "token trouble"})
    answer = await wecom.send_app_text("zhangsan", "two")
    assert answer["errcode"] == 0
    assert len(sim.wire.calls(GETTOKEN_API)) == 2
    assert len(sim.wire.calls(SEND_API)) == 3


async def test_a_token_expired_early_by_the_platform_is_replaced(wecom, sim):
    await wecom.send_app_text("zhangsan", "one")
    first = sim.wire.calls(SEND_API)[0].query["access_token"]
    sim.api.tokens.expire_all()
    await wecom.send_app_text("zhangsan", "two")
    last = sim.wire.calls(SEND_API)[-1]
    assert last.query["access_token"] != first
    assert sim.api.tokens.check(last.query["access_token"], "wecom") == "wecom:app"


async def test_a_token_rejected_twice_gives_up_with_token_expired(wecom, sim):
    sim.wire.script(SEND_API, {"errcode": 42001, "errmsg": "expired"}, {"errcode": 42001, "errmsg": "expired"})
    with pytest.raises(TokenExpired) as caught:
        await wecom.send_app_text("zhangsan", "hi")
    assert caught.value.errcode == 42001
    assert caught.value.api == SEND
    assert len(sim.wire.calls(GETTOKEN_API)) == 2


async def test_a_wrong_secret_is_an_api_error_naming_gettoken(settings, session, clock):
    from dataclasses import replace

    wecom = WeComClient(replace(settings, wecom_secret="wrong"), session, clock, token_store=MemoryTokenStore())
    with pytest.raises(ApiError) as caught:
        await wecom.send_app_text("zhangsan", "hi")
    assert (caught.value.errcode, caught.value.api) == (40001, GETTOKEN)
    assert not isinstance(caught.value, TokenExpired)


async def test_wechat_fetches_its_token_with_client_credential(settings, session, clock, sim):
    await sim.wechat_follow("oOpenId")
    await sim.wechat_text("oOpenId", "你好")
    wechat = WeChatClient(settings, session, clock, token_store=MemoryTokenStore())
    await wechat.send_custom_text("oOpenId", "hi")
    (fetch,) = sim.wire.calls(TOKEN_API)
    assert fetch.query == {"grant_type": "client_credential", "appid": settings.wechat_app_id, "secret": settings.wechat_secret}


async def test_wechat_refreshes_on_40001(settings, session, clock, sim):
    await sim.wechat_follow("oOpenId")
    await sim.wechat_text("oOpenId", "你好")
    wechat = WeChatClient(settings, session, clock, token_store=MemoryTokenStore())
    sim.wire.script(CUSTOM_SEND_API, {"errcode": 40001, "errmsg": "invalid credential"})
    await wechat.send_custom_text("oOpenId", "hi")
    assert len(sim.wire.calls(TOKEN_API)) == 2


async def test_wecom_does_not_treat_40001_as_a_stale_token(wecom, sim):
    sim.wire.script(SEND_API, {"errcode": 40001, "errmsg": "invalid secret"})
    with pytest.raises(ApiError) as caught:
        await wecom.send_app_text("zhangsan", "hi")
    assert caught.value.errcode == 40001
    assert len(sim.wire.calls(GETTOKEN_API)) == 1


def test_a_client_without_credentials_is_refused(session, clock):
    with pytest.raises(ConfigError, match="SIYU_WECOM_CORP_ID"):
        WeComClient(load_settings(environ={}), session, clock)
    with pytest.raises(ConfigError, match="SIYU_WECHAT_APP_ID"):
        WeChatClient(load_settings(environ={}), session, clock)
