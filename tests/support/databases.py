"""The test databases: SQLite always, PostgreSQL when SIYU_TEST_DATABASE_URL names a server."""
from __future__ import annotations

import asyncio
import os
import uuid

POSTGRES_URL = os.environ.get("SIYU_TEST_DATABASE_URL", "")


def postgres_configured() -> bool:
    return POSTGRES_URL.startswith(("postgres://", "asyncpg://"))


def fresh_postgres_url(prefix: str = "siyu_test") -> str:
    """A new database's URL on the configured server (created on first connect)."""
    return f"{POSTGRES_URL.rsplit('/', 1)[0]}/{prefix}_{uuid.uuid4().hex[:12]}"


def postgres_problem() -> str:
    """Why the PostgreSQL tests cannot run ('' when they can)."""
    if not postgres_configured():
        return "SIYU_TEST_DATABASE_URL is not set to a postgres:// URL"
    import asyncpg

    async def probe() -> None:
        connection = await asyncpg.connect(POSTGRES_URL.replace("asyncpg://", "postgres://", 1), timeout=5)
        await connection.close()

    try:
        asyncio.run(probe())
    except Exception as exc:  # noqa: BLE001 - any failure to connect is the answer
        return f"PostgreSQL at SIYU_TEST_DATABASE_URL is unreachable: {exc}"
    return ""


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
