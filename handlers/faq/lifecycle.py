"""The FAQ's start-up work: build the index before the first question (so the first answer
is as fast as any), and pull the chat archive every 15 seconds while the app runs (the usual
pace for 会话内容存档, and a fallback for a missed msgaudit_notify). Wire ``faq_setup``
among the setups."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)
POLL_EVERY = 15.0
POLLER = web.AppKey("faq_archive_poller", asyncio.Task)


async def poll(faq: Any, pipeline: Any, clock: Any, every: float = POLL_EVERY) -> None:
    """Pull, wait ``every`` seconds on the clock, again; a failed pull is logged, not fatal."""
    while True:
        try:
            await faq.pull_archive(pipeline)
        except Exception:  # noqa: BLE001 - the next pull retries from the saved seq
            log.exception("chat archive pull failed")
        await clock.sleep(every)


def archive_polling(app: web.Application, bot: Any) -> None:
    """Setup: when the ``faq`` service has an archive source, poll it in the background."""

    async def start(app: web.Application) -> None:
        faq = bot.services.get("faq")
        if faq is not None and faq.archive_source is not None:
            app[POLLER] = asyncio.create_task(poll(faq, bot.pipeline, bot.clock))

    async def stop(app: web.Application) -> None:
        task = app.get(POLLER)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.on_startup.append(start)
    app.on_shutdown.append(stop)


def faq_setup(app: web.Application, bot: Any) -> None:
    """Setup: warm the FAQ index on start-up, and poll the chat archive when configured."""

    async def warm(app: web.Application) -> None:
        faq = bot.services.get("faq")
        if faq is not None:
            try:
                await faq.store.index()
            except Exception:  # noqa: BLE001 - the first question builds it instead
                log.exception("FAQ index warm-up failed")

    app.on_startup.append(warm)
    archive_polling(app, bot)
