"""Push fixtures: the simulator with staff and customers, a WeCom client on it, a database
with the matching leads, and a dispatcher on the fake clock."""
from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web

from bot.api import MemoryTokenStore, RetryPolicy, WeComClient
from bot.simulator import CallbackUrls, Simulator, SimulatorCredentials, create_simulator_app
from bot.simulator.state import Relation
from handlers.pushes.dispatcher import DispatchSettings, PushDispatcher
from models import Lead, LeadIdentity, LeadTag, Segment, Staff

BASE_URL = "https://siyu.example.com"


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


async def add_customers(sim, n: int, *, owner: str = "zhangsan", tag: str = "化工", prefix: str = "wm") -> list[Lead]:
    """n customers who added ``owner`` in WeCom, and their leads (consented, tagged)."""
    staff, _ = await Staff.get_or_create(userid=owner, defaults={"name": owner})
    leads = []
    for i in range(n):
        external = f"{prefix}{i:05d}"
        sim.add_customer(external, f"客户{i}")
        sim.state.relations[(owner, external)] = Relation(owner, external, sim.now())
        lead = await Lead.create(name=f"客户{i}", company=f"公司{i}", owner=staff, consent_at=sim.clock.now())
        await LeadIdentity.create(lead=lead, kind="external_userid", value=external)
        await LeadTag.create(lead=lead, name=tag)
        leads.append(lead)
    return leads


async def chemical_segment() -> Segment:
    return await Segment.create(name="化工客户", rules={"all": [{"tag": "化工"}, {"consented": True}]})


CAMPAIGN = """\
name: 化工周报
audience:
  segments: [化工客户]
message:
  text: "{{ name }}您好，本周化工行业资讯已更新。"
schedule: now
"""


def add_calls(sim) -> list:
    return sim.state.calls("wecom/externalcontact/add_msg_template")


def recipients_called(sim) -> list[str]:
    return [r for call in add_calls(sim) for r in call.payload.get("external_userid", [])]
