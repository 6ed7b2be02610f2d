"""The bot as ``python main.py serve`` wires it, for bench/onboarding_rush.py: settings from
``SIYU_*``, the schema created from the models (so models newer than the migrations work).

    python bench/onboarding_bot.py
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiohttp import web  # noqa: E402
from tortoise import Tortoise  # noqa: E402

import main  # noqa: E402
from bot.app import create_app  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.database import tortoise_config  # noqa: E402


async def build() -> web.Application:
    settings = load_settings()
    await Tortoise.init(config=tortoise_config(settings.database_url), _enable_global_fallback=True)
    await Tortoise.generate_schemas(safe=True)
    app = await create_app(settings, manage_database=False, features=main.features(), **main.lead_wiring())

    async def close(_app: web.Application) -> None:
        await Tortoise.close_connections()

    app.on_cleanup.append(close)
    return app


if __name__ == "__main__":
    settings = load_settings()
    web.run_app(build(), host=settings.host, port=settings.port, print=None, access_log=None)
