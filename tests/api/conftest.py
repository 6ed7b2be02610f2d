"""Fixtures: a fake platform on a local port, a client session, settings pointing at it."""
from __future__ import annotations

import aiohttp
import pytest

from bot.config import load_settings

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
async def session():
    async with aiohttp.ClientSession() as s:
        yield s
