"""Simulator fixtures: a simulator on a fake clock, its HTTP API, and a tiny bot-side
server that records the callbacks it receives."""
from __future__ import annotations

import pytest
from aiohttp import web

from simulator import CallbackUrls, Simulator, SimulatorCredentials, create_simulator_app
from tests.support.simulator_peers import FakeBot, Platform


@pytest.fixture
async def fake_bot(aiohttp_server) -> FakeBot:
    bot = FakeBot()
    app = web.Application()
    app.router.add_post("/{tail:.*}", bot.handle)
    server = await aiohttp_server(app)
    bot.base_url = str(server.make_url(""))
    return bot


@pytest.fixture
def credentials() -> SimulatorCredentials:
    return SimulatorCredentials()


@pytest.fixture
def sim(clock, fake_bot, credentials) -> Simulator:
    simulator = Simulator(clock, CallbackUrls.under(fake_bot.base_url), credentials, callback_timeout=0.2)
    simulator.add_staff("zhangsan", "张三")
    simulator.add_staff("lisi", "李四")
    simulator.add_kf_account("wkKf001", "售前咨询", servicers=["zhangsan"])
    simulator.add_group("wrGroup001", "客户交流群", "zhangsan")
    return simulator


@pytest.fixture
async def api(aiohttp_client, sim):
    """An HTTP client of the simulator's fake API."""
    return await aiohttp_client(create_simulator_app(sim))


@pytest.fixture
def platform(api, credentials) -> Platform:
    return Platform(api, credentials)
