"""The one app factory: wires settings, database, API clients, the event pipeline and the
transports of every configured channel into an aiohttp application.

Features are passed in as routers (and extra services), so ``bot/`` knows none of them.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Awaitable, Callable, Iterable

import aiohttp
from aiohttp import web

from bot.api.tokens import MemoryTokenStore, RedisTokenStore
from bot.platforms.wechat.client import WeChatClient
from bot.platforms.wecom.client import WeComClient
from bot.behaviour import BehaviourLog
from bot.clock import Clock
from bot.config import Settings
from bot.database import connect, disconnect
from bot.dedup import DedupGuard
from bot.dialog import Dialogs
from bot.dispatcher import Dispatcher, Router
from bot.platforms.wecom.kf import KfPuller
from bot.pipeline import DEFAULT_PASSIVE_BUDGET, EventPipeline
from bot.platforms.wechat.transport import WeChatTransport
from bot.platforms.wecom.transport import WeComTransport
from bot.platforms.wecom_bot.transport import WeComBotTransport

log = logging.getLogger(__name__)


@dataclass
class Bot:
    """Everything the app wired, for handlers (as services), the console and tests."""

    settings: Settings
    clock: Clock
    dispatcher: Dispatcher
    pipeline: EventPipeline
    behaviour: BehaviourLog
    session: aiohttp.ClientSession
    wecom: WeComClient | None = None
    wechat: WeChatClient | None = None
    kf: KfPuller | None = None
    redis: Any = None
    services: dict[str, Any] = field(default_factory=dict)

    async def drain(self) -> None:
        """Wait for background work (slow handlers, kf pulls) to finish."""
        if self.kf is not None:
            await self.kf.drain()
        await self.pipeline.drain()


BOT = web.AppKey("bot", Bot)
Setup = Callable[[web.Application, Bot], Any]


def _redis(settings: Settings) -> Any:
    if not settings.redis_url:
        return None
    import redis.asyncio as aioredis

    return aioredis.from_url(settings.redis_url)


async def create_app(
    settings: Settings,
    routers: Iterable[Router] = (),
    *,
    clock: Clock | None = None,
    services: dict[str, Any] | None = None,
    setups: Iterable[Setup] = (),
    manage_database: bool = True,
    passive_budget: float = DEFAULT_PASSIVE_BUDGET,
) -> web.Application:
    """Build the bot's web application.

    ``routers`` are the features' routers, in priority order; ``services`` are extra objects
    handlers may ask for by name; ``setups`` are called with (app, bot) to add pages or
    routes (the console). With ``manage_database`` the app migrates and connects on start-up
    and disconnects on shutdown (tests that own the database pass False).
    """
    clock = clock or Clock()
    redis = _redis(settings)
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
    behaviour = BehaviourLog(clock)
    tokens = RedisTokenStore(redis) if redis is not None else MemoryTokenStore()
    wecom = WeComClient(settings, session, clock, token_store=tokens, on_sent=behaviour.on_api_sent) if settings.wecom_corp_id else None
    wechat = WeChatClient(settings, session, clock, token_store=tokens, on_sent=behaviour.on_api_sent) if settings.wechat_app_id else None

    dispatcher = Dispatcher()
    pipeline = EventPipeline(dispatcher, DedupGuard(redis), behaviour, passive_budget=passive_budget)
    kf = KfPuller(wecom, pipeline, clock) if wecom is not None else None
    bot = Bot(settings, clock, dispatcher, pipeline, behaviour, session, wecom, wechat, kf, redis)
    bot.services = {
        "settings": settings, "clock": clock, "behaviour": behaviour, "dialogs": Dialogs(),
        "wecom": wecom, "wechat": wechat, "bot": bot, **(services or {}),
    }
    dispatcher.services.update(bot.services)
    dispatcher.include(*routers)

    app = web.Application(client_max_size=1024**2)
    app[BOT] = bot
    _mount_transports(app, bot)
    app.router.add_get("/healthz", _health)
    for setup in setups:
        setup(app, bot)

    # Lifetimes, opened in this order on start-up and closed in reverse on cleanup: the
    # database, then Redis and the HTTP session, then background work (drained first).
    if manage_database:
        app.cleanup_ctx.append(_database(settings.database_url))
    if redis is not None:
        app.cleanup_ctx.append(_closing(redis.aclose))
    app.cleanup_ctx.append(_closing(session.close))
    app.cleanup_ctx.append(_closing(bot.drain))
    return app


Lifetime = Callable[[web.Application], AsyncIterator[None]]


def _database(url: str) -> Lifetime:
    """Migrate and connect on start-up, disconnect on cleanup."""

    async def lifetime(_app: web.Application) -> AsyncIterator[None]:
        await connect(url)
        yield
        await disconnect()

    return lifetime


def _closing(close: Callable[[], Awaitable[Any]]) -> Lifetime:
    """Nothing to open (the object was built with the app); ``close`` it on cleanup."""

    async def lifetime(_app: web.Application) -> AsyncIterator[None]:
        yield
        await close()

    return lifetime


def _mount_transports(app: web.Application, bot: Bot) -> None:
    s = bot.settings
    mounted = []
    if s.wecom_enabled:
        app.router.add_routes(WeComTransport(s, bot.pipeline, bot.wecom, bot.clock, bot.kf).routes())
        mounted.append("wecom")
    if s.wecom_bot_enabled:
        app.router.add_routes(WeComBotTransport(s, bot.pipeline, bot.session, bot.clock).routes())
        mounted.append("wecom_bot")
    if s.wechat_enabled:
        app.router.add_routes(WeChatTransport(s, bot.pipeline, bot.wechat, bot.clock).routes())
        mounted.append("wechat")
    log.info("callback transports mounted: %s", ", ".join(mounted) or "none")


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})
