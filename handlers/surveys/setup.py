"""Setup: the sweep that expires and reminds unfinished responses while the app runs."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)
SWEEPER = web.AppKey("survey_sweeper", asyncio.Task)


async def sweep_forever(surveys: Any, bot: Any) -> None:
    """Sweep every ``sweep_every`` seconds of wall time (what is due is decided on the app's
    clock, so tests call ``surveys.sweep`` with a fake clock instead)."""
    while True:
        await asyncio.sleep(surveys.options.sweep_every)
        try:
            await surveys.sweep(bot.clock, bot.wecom, bot.wechat)
        except Exception:  # noqa: BLE001 - the next sweep tries again
            log.exception("survey sweep failed")


def survey_setup(app: web.Application, bot: Any) -> None:
    """The H5 page's routes, and the sweep while the app runs."""
    from .page import add_page_routes

    add_page_routes(app, bot)

    async def start(app: web.Application) -> None:
        surveys = bot.services.get("surveys")
        if surveys is not None:
            app[SWEEPER] = asyncio.create_task(sweep_forever(surveys, bot))

    async def stop(app: web.Application) -> None:
        task = app.get(SWEEPER)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.on_startup.append(start)
    app.on_shutdown.append(stop)
