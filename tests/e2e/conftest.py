"""The bot, wired exactly as `python main.py serve` wires it, talking to the simulator over
real HTTP: the simulator posts signed, encrypted callbacks to the bot, and the bot calls the
simulator's API. Both share one fake clock."""
from __future__ import annotations

import pytest
from aiohttp.test_utils import TestServer

from bot.app import BOT, create_app
from simulator.app import create_simulator_app
from simulator.simulator import CallbackUrls, Simulator

from main import features, lead_wiring
from tests.support.harness import Harness


@pytest.fixture
async def make_harness(db, clock, aiohttp_server):
    """Build a harness; ``routers`` replaces the product's features (foundation tests use a
    minimal router so they test the platform path alone), ``wechat_mode`` is aes or plain."""
    made: list[Harness] = []

    async def build(routers=None, wechat_mode: str = "aes", **overrides) -> Harness:
        sim = Simulator(clock, CallbackUrls.under("http://127.0.0.1:1"), callback_timeout=5.0, wechat_mode=wechat_mode)
        sim.add_staff("zhangsan", "张三")
        sim.add_staff("lisi", "李四")
        sim.add_kf_account("wkKF0001", "售前咨询", servicers=["zhangsan"])
        sim_server: TestServer = await aiohttp_server(create_simulator_app(sim))
        if wechat_mode == "plain":
            overrides.setdefault("wechat_aes_key", "")
        settings = sim.credentials.bot_settings(str(sim_server.make_url("")).rstrip("/"), **overrides)
        wiring = {"features": features(), **lead_wiring()} if routers is None else {**lead_wiring(), "routers": routers}
        app = await create_app(settings, clock=clock, manage_database=False, **wiring)
        bot_server: TestServer = await aiohttp_server(app)
        bot_url = str(bot_server.make_url("")).rstrip("/")
        sim.urls = CallbackUrls.under(bot_url)
        made.append(Harness(sim, app[BOT], bot_url))
        return made[-1]

    yield build
    for harness in made:
        await harness.settle()


@pytest.fixture
async def harness(make_harness) -> Harness:
    """The bot with all of the product's features, and the simulator."""
    return await make_harness()
