"""Content and pushes: the content library's pages and tracked links, segments, push
campaigns and sequences through one outbox and its dispatcher (add_msg_template, exactly
once), the interaction radar, progress.

Plugged in by ``main.py`` through ``feature``. Modules by role:

- customer pages: ``links`` (``/c/<token>``, ``/content/<slug>``), ``gate`` (gated downloads),
  ``radar`` (owner alerts);
- use cases: ``campaign_file`` (YAML, validated before anything changes), ``planning``,
  ``audience``, ``schedule``, ``campaigns`` (pause/resume/cancel, status), ``sequences``,
  ``dispatcher`` (the outbox), ``lifecycle`` (the dispatcher inside serve), ``seed``;
- console: ``console_pages`` (内容与推送); command line: ``cli`` (``push …``,
  ``content import``, ``worker``).
"""
from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.feature import Feature
from handlers.pushes.cli import add_cli_parsers
from handlers.pushes.console_pages import register_console
from handlers.pushes.dispatcher import DispatchSettings, PushDispatcher
from handlers.pushes.lifecycle import BackgroundDispatcher, start_dispatcher, stop_dispatcher
from handlers.pushes.links import ContentLinks, add_routes
from handlers.pushes.radar import OwnerAlerts
from handlers.pushes.seed import seed_pushes


def pushes_services(bot: Any) -> dict:
    """The tracked-link pages (with the owner alerts) and, when WeCom is configured, the
    dispatcher that runs inside serve."""
    dispatcher = None
    if bot.wecom is not None:
        dispatcher = BackgroundDispatcher(PushDispatcher(bot.clock, bot.wecom, bot.settings.base_url))
    return {"content_links": ContentLinks(bot, OwnerAlerts(bot.clock, bot.wecom)), "push_dispatcher": dispatcher}


def _web(app: web.Application, bot: Any) -> None:
    add_routes(app, bot.services["content_links"])


async def _seed_demo(bot: Any) -> None:
    await seed_pushes(bot)


feature = Feature(
    name="pushes",
    services=pushes_services,
    on_startup=(start_dispatcher,),
    on_shutdown=(stop_dispatcher,),
    web=_web,
    console=register_console,
    cli=add_cli_parsers,
    demo_seed=_seed_demo,
)

__all__ = ["DispatchSettings", "PushDispatcher", "add_cli_parsers", "feature", "pushes_services", "register_console"]
