"""Reading a follower's basic information (with the unionid) from the official account."""
from __future__ import annotations

import pytest

from bot.api import ApiError, MemoryTokenStore
from bot.platforms.wechat.client import WeChatClient
from simulator import Simulator, SimulatorCredentials, create_simulator_app
from tests.support.simulated import acknowledged_simulator


@pytest.fixture
async def sim(clock, aiohttp_server) -> Simulator:
    return await acknowledged_simulator(clock, aiohttp_server)


@pytest.fixture
async def wechat(sim, aiohttp_server, session, clock) -> WeChatClient:
    server = await aiohttp_server(create_simulator_app(sim))
    settings = SimulatorCredentials().bot_settings(str(server.make_url("")))
    return WeChatClient(settings, session, clock, token_store=MemoryTokenStore())


async def test_a_follower_of_a_bound_account_comes_with_the_unionid(wechat, sim):
    await sim.wechat_follow("oFollower1", unionid="uX")
    info = await wechat.user_info("oFollower1")
    assert info["subscribe"] == 1 and info["openid"] == "oFollower1" and info["unionid"] == "uX"
    assert info["language"] == "zh_CN"


async def test_without_an_open_platform_binding_there_is_no_unionid(wechat, sim):
    await sim.wechat_follow("oFollower2")
    assert "unionid" not in await wechat.user_info("oFollower2", lang="en")


async def test_someone_who_unfollowed_gives_subscribe_0_and_nothing_else(wechat, sim):
    await sim.wechat_follow("oFollower3", unionid="uY")
    await sim.wechat_unfollow("oFollower3")
    assert await wechat.user_info("oFollower3") == {"subscribe": 0, "openid": "oFollower3", "unionid": "uY"}


async def test_an_unknown_openid_is_40003(wechat):
    with pytest.raises(ApiError) as caught:
        await wechat.user_info("oNobody")
    assert caught.value.errcode == 40003


async def test_an_unsupported_lang_is_refused_before_calling(wechat, sim):
    with pytest.raises(ValueError, match="zh_CN, zh_TW, en"):
        await wechat.user_info("oFollower1", lang="fr")
    assert sim.api.rejected == []
