"""Fixtures: the simulator (``sim`` from tests/conftest.py) served on a local port, the bot's
settings pointing at it, and a client session. Client tests read what went out on
``sim.wire`` and script transport faults there."""
from __future__ import annotations

import aiohttp
import pytest

from simulator import create_simulator_app


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
def settings(sim_settings):
    return sim_settings


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as s:
        yield s
