"""Push fixtures: the simulator with staff and a group, a WeCom client on it, and a dispatcher
on the fake clock (helpers in tests/support/pushes.py)."""
from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web

from bot.api import MemoryTokenStore, RetryPolicy
from bot.platforms.wecom.client import WeComClient
from simulator import CallbackUrls, Simulator, SimulatorCredentials, create_simulator_app
from handlers.pushes.dispatcher import DispatchSettings, PushDispatcher
from tests.support.pushes import BASE_URL


@pytest.fixture
async def sim(clock, aiohttp_server) -> Simulator:
    async def acknowledge(request: web.Request) -> web.Response:
        return web.Response(text="success")

    bot = web.Application()
    bot.router.add_post("/{tail:.*}", acknowledge)
    bot_url = str((await aiohttp_server(bot)).make_url("")).rstrip("/")
    simulator = Simulator(clock, CallbackUrls.under(bot_url), callback_timeout=1.0)
    simulator.add_staff("zhangsan", "张三")
    simulator.add_staff("lisi", "李四")
    simulator.add_group("wrGroup001", "化工客户群", "zhangsan")
    return simulator


@pytest.fixture
async def wecom(sim, clock, aiohttp_server):
    server = await aiohttp_server(create_simulator_app(sim))
    settings = SimulatorCredentials().bot_settings(str(server.make_url("")))
    async with aiohttp.ClientSession() as session:
        yield WeComClient(settings, session, clock, token_store=MemoryTokenStore(),
                          retry=RetryPolicy(attempts=2, base_delay=0.01))


@pytest.fixture
def dispatcher(clock, wecom) -> PushDispatcher:
    return PushDispatcher(clock, wecom, BASE_URL, DispatchSettings(batch_size=50, lease=60, poll_every=0,
                                                                    remind_after=3600))


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    """argon2id with the smallest cost, so console sign-ins do not spend seconds hashing."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("console.access.passwords._HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
