"""The console's own pages and API endpoints: sign-in and the dashboard, leads, staff
users, API tokens and the audit log. :func:`setup_console` mounts the console with them;
features then add theirs through the returned :class:`~console.kit.Console`."""
from __future__ import annotations

from aiohttp import web

from bot.clock import Clock
from bot.config import Settings
from console.kit.app import Console, mount_console
from console.pages import api, home


def setup_console(app: web.Application, settings: Settings, *, clock: Clock) -> Console:
    """Mount the console and the API on ``app`` with the console's own pages and endpoints."""
    return mount_console(app, settings, clock=clock, pages=(home.register, api.register))
