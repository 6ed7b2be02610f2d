"""Shared pieces for API-level tests against the simulator: a simulator whose callbacks go to a
bot that only acknowledges them; one customer group of two customers and a WeComClient
talking to it (archiving-consent tests; the fixtures are in those tests' conftest.py)."""
from __future__ import annotations

import contextlib
from typing import AsyncIterator

import aiohttp
from aiohttp import web

from bot.api import MemoryTokenStore
from bot.platforms.wecom.client import WeComClient
from simulator import CallbackUrls, Simulator, SimulatorCredentials, create_simulator_app

GROUP = "wrCustomers01"


async def acknowledged_simulator(clock, aiohttp_server) -> Simulator:
    """A simulator posting its callbacks to a stand-in bot that answers "success"."""

    async def acknowledge(request: web.Request) -> web.Response:
        return web.Response(text="success")

    app = web.Application()
    app.router.add_post("/{tail:.*}", acknowledge)
    bot_url = str((await aiohttp_server(app)).make_url("")).rstrip("/")
    return Simulator(clock, CallbackUrls.under(bot_url), callback_timeout=1.0)


async def group_simulator(clock, aiohttp_server) -> Simulator:
    """A simulator with staff member zhangsan's customer group GROUP of 王工 and 李经理."""
    simulator = await acknowledged_simulator(clock, aiohttp_server)
    simulator.add_staff("zhangsan", "张三")
    simulator.add_group(GROUP, "华东客户交流群", "zhangsan")
    await simulator.join_group("wmWANG", GROUP, name="王工")
    await simulator.join_group("wmLI", GROUP, name="李经理")
    return simulator


@contextlib.asynccontextmanager
async def wecom_client_of(sim: Simulator, aiohttp_server, clock) -> AsyncIterator[WeComClient]:
    """A WeComClient talking to ``sim`` over HTTP."""
    server = await aiohttp_server(create_simulator_app(sim))
    settings = SimulatorCredentials().bot_settings(str(server.make_url("")))
    async with aiohttp.ClientSession() as session:
        yield WeComClient(settings, session, clock, token_store=MemoryTokenStore())
