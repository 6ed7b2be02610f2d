"""Push campaigns: segments, campaign files, the outbox and its dispatcher (add_msg_template,
exactly once), progress.

Wiring (main.py): ``add_cli_parsers(subparsers)`` for ``push create|status|pause|resume|cancel``
and ``worker``; ``pushes_setup`` among the setups (the content pages: tracked links ``/c/<token>``
and ``/content/<slug>``; a dispatcher inside serve when WeCom is configured);
``register_console(console, bot)`` for 内容与推送; ``seed.seed_pushes()`` for the demo.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiohttp import web

from handlers.pushes.cli import add_cli_parsers
from handlers.pushes.console_pages import register_console
from handlers.pushes.dispatcher import DispatchSettings, PushDispatcher
from handlers.pushes.links import add_routes
from handlers.pushes.radar import OwnerAlerts

log = logging.getLogger(__name__)


def pushes_setup(app: web.Application, bot: Any) -> None:
    """Setup: the content pages and tracked links, and a push dispatcher running beside the
    server while it serves (when WeCom is configured)."""
    bot.services["content_links"] = add_routes(app, bot, OwnerAlerts(bot.clock, bot.wecom))
    if bot.wecom is None:
        return

    async def dispatch(app: web.Application):
        stop = asyncio.Event()
        dispatcher = PushDispatcher(bot.clock, bot.wecom, bot.settings.base_url)
        task = asyncio.create_task(dispatcher.run(stop))
        yield
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 5)

    app.cleanup_ctx.append(dispatch)


__all__ = ["DispatchSettings", "PushDispatcher", "add_cli_parsers", "pushes_setup", "register_console"]
