"""The pushes feature's start-up and shut-down work: the push dispatcher runs beside the
server while it serves (when WeCom is configured), and pending owner alerts finish before
the app closes. The feature lists these as its startup and shutdown hooks."""
from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from .dispatcher import PushDispatcher

STOP_WITHIN = 5.0  # seconds a dispatch round may take to finish on shutdown


class BackgroundDispatcher:
    """A :class:`PushDispatcher` run as a task of the serving process."""

    def __init__(self, dispatcher: PushDispatcher) -> None:
        self.dispatcher = dispatcher
        self.stop = asyncio.Event()
        self.task: asyncio.Task | None = None

    def start(self) -> None:
        self.stop.clear()
        self.task = asyncio.create_task(self.dispatcher.run(self.stop))

    async def close(self) -> None:
        task, self.task = self.task, None
        if task is None:
            return
        self.stop.set()
        try:
            await asyncio.wait_for(task, STOP_WITHIN)
        except asyncio.TimeoutError:  # wait_for cancelled it; unsent rows stay planned
            pass
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def start_dispatcher(bot: Any) -> None:
    """Startup: run the push dispatcher in the background (when WeCom is configured)."""
    runner = bot.services.get("push_dispatcher")
    if runner is not None:
        runner.start()


async def stop_dispatcher(bot: Any) -> None:
    """Shutdown: let the dispatch round finish, then wait for pending owner alerts."""
    runner = bot.services.get("push_dispatcher")
    if runner is not None:
        await runner.close()
    await bot.services["content_links"].drain()
