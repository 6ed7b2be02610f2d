"""Shared fixtures for archiving-consent tests: a simulator with one customer group of two
customers (the bot side only acknowledges), and a WeComClient talking to it."""
from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web

from bot.api import MemoryTokenStore, WeComClient
from bot.simulator import CallbackUrls, Simulator, SimulatorCredentials, create_simulator_app

GROUP = "wrCustomers01"


@pytest.fixture
async def sim(clock, aiohttp_server) -> Simulator:
    async def acknowledge(request: web.Request) -> web.Response:
        return web.Response(text="success")

    app = web.Application()
    app.router.add_post("/{tail:.*}", acknowledge)
    bot_url = str((await aiohttp_server(app)).make_url("")).rstrip("/")
    simulator = Simulator(clock, CallbackUrls.under(bot_url), callback_timeout=1.0)
    simulator.add_staff("zhangsan", "张三")
    simulator.add_group(GROUP, "华东客户交流群", "zhangsan")
    await simulator.join_group("wmWANG", GROUP, name="王工")
    await simulator.join_group("wmLI", GROUP, name="李经理")
    return simulator


@pytest.fixture
async def wecom(sim, aiohttp_server, clock):
    server = await aiohttp_server(create_simulator_app(sim))
    settings = SimulatorCredentials().bot_settings(str(server.make_url("")))
    async with aiohttp.ClientSession() as session:
        yield WeComClient(settings, session, clock, token_store=MemoryTokenStore())
