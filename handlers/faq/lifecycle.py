"""The FAQ's start-up and shut-down work: build the index before the first question (so the
first answer is as fast as any), and pull the chat archive every 15 seconds while the app runs
(the usual pace for 会话内容存档, and a fallback for a missed msgaudit_notify). The feature
lists these as its startup and shutdown hooks."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

log = logging.getLogger(__name__)
POLL_EVERY = 15.0


async def poll(faq: Any, pipeline: Any, clock: Any, every: float = POLL_EVERY) -> None:
    """Pull, wait ``every`` seconds on the clock, again; a failed pull is logged, not fatal."""
    while True:
        try:
            await faq.pull_archive(pipeline)
        except Exception:  # noqa: BLE001 - the next pull retries from the saved seq
            log.exception("chat archive pull failed")
        await clock.sleep(every)


async def warm_index(bot: Any) -> None:
    """Startup: build the FAQ index (a failure is logged; the first question builds it)."""
    try:
        await bot.services["faq"].store.index()
    except Exception:  # noqa: BLE001 - the first question builds it instead
        log.exception("FAQ index warm-up failed")


async def start_archive_polling(bot: Any) -> None:
    """Startup: when the ``faq`` service has an archive source, poll it in the background."""
    faq = bot.services["faq"]
    if faq.archive_source is not None:
        faq.poller = asyncio.create_task(poll(faq, bot.pipeline, bot.clock))


async def stop_archive_polling(bot: Any) -> None:
    """Shutdown: stop the polling task."""
    faq = bot.services["faq"]
    task, faq.poller = faq.poller, None
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
