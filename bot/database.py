"""Database connection and schema migrations (Tortoise ORM's own migration engine).

SQLite runs in WAL mode (Tortoise's default pragma); PostgreSQL through a ``postgres://`` URL.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from tortoise import Tortoise
from tortoise.migrations.api.migrate import migrate as run_migrations

log = logging.getLogger(__name__)

MODEL_MODULES = ["models"]
MIGRATIONS_MODULE = "models.migrations"


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The Tortoise config for Siyu's one app, ``models``."""
    return {
        "connections": {"default": database_url},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _ensure_sqlite_dir(database_url: str) -> None:
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        path = database_url.removeprefix("sqlite://").split("?", 1)[0]
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)


async def migrate(database_url: str) -> None:
    """Bring the schema up to date, keeping existing data."""
    _ensure_sqlite_dir(database_url)
    await run_migrations(config=tortoise_config(database_url))
    await Tortoise.close_connections()


async def connect(database_url: str, *, upgrade: bool = True) -> None:
    """Connect (process-wide, so every request task sees it), migrating first by default."""
    if upgrade:
        await migrate(database_url)
    _ensure_sqlite_dir(database_url)
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def disconnect() -> None:
    await Tortoise.close_connections()


# For Tortoise's own CLI when writing a new migration after a model change:
#   tortoise -c bot.database.TORTOISE_ORM makemigrations
TORTOISE_ORM = tortoise_config("sqlite://:memory:")
