"""Shared fixtures: the database (SQLite always, PostgreSQL when SIYU_TEST_DATABASE_URL is
set), a fake clock, and settings for a bot wired to the simulator."""
from __future__ import annotations

import os
import uuid

import pytest
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from bot.clock import FakeClock
from bot.database import tortoise_config

POSTGRES_URL = os.environ.get("SIYU_TEST_DATABASE_URL", "")


def _postgres_available() -> bool:
    return POSTGRES_URL.startswith(("postgres://", "asyncpg://"))


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
    if not _postgres_available():
        pytest.skip("PostgreSQL tests need SIYU_TEST_DATABASE_URL")
    base = POSTGRES_URL.rsplit("/", 1)[0]
    return f"{base}/siyu_test_{uuid.uuid4().hex[:12]}"


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
