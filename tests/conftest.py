"""Shared fixtures: the database (SQLite always, PostgreSQL when SIYU_TEST_DATABASE_URL is
set; under CI=true a missing PostgreSQL fails the run), a fake clock, the feature harness, and
a simulator with one customer group. Helpers live in tests/support/, fixtures only here and in
the other conftest.py files."""
from __future__ import annotations

import pytest
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from bot.clock import FakeClock
from bot.database import tortoise_config
from simulator.app import create_simulator_app
from simulator.simulator import CallbackUrls, Simulator
from tests.support.databases import fresh_postgres_url, in_ci, postgres_configured, postgres_problem
from tests.support.harness import FeatureHarness, start_feature_harness
from tests.support.simulated import group_simulator, wecom_client_of


def pytest_collection_finish(session: pytest.Session) -> None:
    """Under CI=true the PostgreSQL twins must run: a missing or unreachable server fails the
    run instead of skipping them."""
    if not in_ci() or not any(item.get_closest_marker("postgres") for item in session.items):
        return
    problem = postgres_problem()
    if problem:
        pytest.exit(f"CI=true and PostgreSQL tests are selected, but {problem}", returncode=pytest.ExitCode.USAGE_ERROR)


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def database_url(request, tmp_path) -> str:
    """A fresh, empty database URL: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite://{tmp_path}/siyu-test.db"
    if not postgres_configured():
        pytest.skip("PostgreSQL tests need SIYU_TEST_DATABASE_URL")
    return fresh_postgres_url()


@pytest.fixture
async def db(database_url):
    """An initialised database with the current schema; dropped afterwards."""
    # Tortoise caches SQL per table without the dialect; SQLite and PostgreSQL share a run.
    EXECUTOR_CACHE.clear()
    await Tortoise.init(
        config=tortoise_config(database_url),
        _create_db=database_url.startswith(("postgres", "asyncpg")),
        _enable_global_fallback=True,
    )
    await Tortoise.generate_schemas()
    yield database_url
    if database_url.startswith(("postgres", "asyncpg")):
        await Tortoise._drop_databases()
    await Tortoise.close_connections()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def feature_harness(db, clock, aiohttp_server) -> FeatureHarness:
    """Every feature of the product behind the real pipeline and dispatcher; typed events in,
    replies and rows out (tests/support/harness.py). The simulator plays the platform's API."""
    sim = Simulator(clock, CallbackUrls.under("http://127.0.0.1:1"))
    server = await aiohttp_server(create_simulator_app(sim))
    harness, runner = await start_feature_harness(clock, str(server.make_url("")).rstrip("/"), sim)
    yield harness
    await runner.cleanup()


@pytest.fixture
async def sim(clock, aiohttp_server):
    """A simulator with one customer group (tests.support.simulated.GROUP) of two customers;
    its callbacks reach a stand-in bot that only acknowledges them."""
    return await group_simulator(clock, aiohttp_server)


@pytest.fixture
async def wecom(sim, aiohttp_server, clock):
    async with wecom_client_of(sim, aiohttp_server, clock) as client:
        yield client
