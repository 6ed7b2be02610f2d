"""While the app runs: the sweep that expires and reminds unfinished responses (started and
stopped with the app), and the H5 page's public routes."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)


async def sweep_forever(surveys: Any, bot: Any) -> None:
    """Sweep every ``sweep_every`` seconds of wall time (what is due is decided on the app's
    clock, so tests call ``surveys.sweep`` with a fake clock instead)."""
    while True:
        await asyncio.sleep(surveys.options.sweep_every)
        try:
            await surveys.sweep(bot.clock, bot.wecom, bot.wechat, bot.behaviour)
        except Exception:  # noqa: BLE001 - the next sweep tries again
            log.exception("survey sweep failed")


async def start_sweep(bot: Any) -> None:
    surveys = bot.services.get("surveys")
    if surveys is not None and surveys.sweeper is None:
        surveys.sweeper = asyncio.create_task(sweep_forever(surveys, bot))


async def stop_sweep(bot: Any) -> None:
    surveys = bot.services.get("surveys")
    task = surveys.sweeper if surveys is not None else None
    if task is not None:
        surveys.sweeper = None
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def add_web(app: web.Application, bot: Any) -> None:
    """The H5 page: GET and POST /s/{token}."""
    from .page import add_page_routes

    add_page_routes(app, bot)
