"""Shared pieces for API-level tests against the simulator: a simulator whose callbacks go to a
bot that only acknowledges them; one customer group of two customers and a WeComClient
talking to it (archiving-consent tests; the fixtures are in those tests' conftest.py); and
customers for every kind of send to reach (the on_sent tests)."""
from __future__ import annotations

import contextlib
from typing import AsyncIterator

import aiohttp
from aiohttp import web

from bot.api import MemoryTokenStore
from bot.platforms.wecom.client import WeComClient
from simulator import CallbackUrls, Simulator, SimulatorCredentials, create_simulator_app
from simulator.state import Relation

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


async def reachable_customers(sim: Simulator, wecom: WeComClient, newcomer: str = "wmA") -> dict[str, str]:
    """Someone for every kind of send to reach, as the platform requires: wmCustomer wrote to
    zhangsan's kf account wkKF (the sync Token is ``kf_token``), ``newcomer`` scanned zhangsan's 联系我
    code (the fresh WelcomeCode is ``welcome_code``), oOpenId follows the official account and
    wrote to it (the 48-hour window is open)."""
    sim.add_kf_account("wkKF", "售前咨询", servicers=["zhangsan"])
    kf = await sim.kf_customer_text("wkKF", "wmCustomer", "你好")
    way = await wecom.add_contact_way(type=1, scene=2, user=["zhangsan"])
    scan = await sim.scan_contact_way(way["config_id"], newcomer)
    await sim.wechat_follow("oOpenId")
    await sim.wechat_text("oOpenId", "你好")
    return {"kf_token": str(kf.info.get("token", "")), "welcome_code": scan.info["welcome_code"]}


def add_contacts(sim: Simulator, userid: str, *external_userids: str) -> None:
    """Customers who are already ``userid``'s contacts (added before the test began)."""
    for external_userid in external_userids:
        sim.add_customer(external_userid)
        sim.state.relations[(userid, external_userid)] = Relation(userid, external_userid, sim.now())
