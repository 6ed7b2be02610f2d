"""The bot, wired exactly as `python main.py serve` wires it, talking to the simulator over
real HTTP: the simulator posts signed, encrypted callbacks to the bot, and the bot calls the
simulator's API. Both share one fake clock."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from aiohttp.test_utils import TestServer

from bot.app import BOT, Bot, create_app
from bot.simulator.app import create_simulator_app
from bot.simulator.simulator import CallbackUrls, Simulator

from main import features


@dataclass
class Harness:
    sim: Simulator
    bot: Bot
    bot_url: str

    async def settle(self) -> None:
        """Let background work (slow handlers, kf pulls) finish."""
        await self.bot.drain()


@pytest.fixture
async def harness(db, clock, aiohttp_server) -> Harness:
    sim = Simulator(clock, CallbackUrls.under("http://127.0.0.1:1"), callback_timeout=5.0)
    sim.add_staff("zhangsan", "张三")
    sim.add_staff("lisi", "李四")
    sim.add_kf_account("wkKF0001", "售前咨询", servicers=["zhangsan"])
    sim_server: TestServer = await aiohttp_server(create_simulator_app(sim))
    settings = sim.credentials.bot_settings(str(sim_server.make_url("")).rstrip("/"))
    app = await create_app(settings, clock=clock, manage_database=False, **features(settings))
    bot_server: TestServer = await aiohttp_server(app)
    bot_url = str(bot_server.make_url("")).rstrip("/")
    sim.urls = CallbackUrls.under(bot_url)
    harness = Harness(sim, app[BOT], bot_url)
    yield harness
    await harness.settle()
