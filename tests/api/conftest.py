"""Fixtures: the platform on a local port (the simulator — ``sim`` from tests/conftest.py — or,
for the wire-format tests not yet moved onto it, the scripted API), a client session, and
settings pointing at either."""
from __future__ import annotations

import aiohttp
import pytest

from bot.config import load_settings

from simulator import create_simulator_app
from tests.support.scripted_api import APP_ID, APP_SECRET, CONTACT_SECRET, CORP_ID, WECHAT_SECRET, FakePlatform


@pytest.fixture
def platform(clock) -> FakePlatform:
    return FakePlatform(clock)


@pytest.fixture
async def base_url(platform, aiohttp_server) -> str:
    server = await aiohttp_server(platform.app())
    yield str(server.make_url("")).rstrip("/")
    platform.stalled.set()


@pytest.fixture
def settings(base_url):
    return load_settings(
        environ={},
        wecom_corp_id=CORP_ID,
        wecom_agent_id=1000002,
        wecom_secret=APP_SECRET,
        wecom_contact_secret=CONTACT_SECRET,
        wecom_api_base=base_url,
        wechat_app_id=APP_ID,
        wechat_secret=WECHAT_SECRET,
        wechat_api_base=base_url,
    )


@pytest.fixture
async def sim_url(sim, aiohttp_server) -> str:
    """The simulator served on a local port: its base URL. Stalled calls end at cleanup."""
    server = await aiohttp_server(create_simulator_app(sim))
    yield str(server.make_url("")).rstrip("/")
    sim.wire.release()


@pytest.fixture
def sim_settings(sim, sim_url):
    """The bot's settings for the simulator at ``sim_url``."""
    return sim.credentials.bot_settings(sim_url)


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as s:
        yield s
