"""The one app factory: wires settings, database, API clients, the event pipeline and the
transports of every configured channel into an aiohttp application.

Features are passed in as routers (and extra services), so ``bot/`` knows none of them.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import aiohttp
from aiohttp import web

from bot.api.tokens import MemoryTokenStore, RedisTokenStore
from bot.api.wechat import WeChatClient
from bot.api.wecom import WeComClient
from bot.behaviour import BehaviourLog
from bot.clock import Clock
from bot.config import Settings
from bot.database import connect, disconnect
from bot.dedup import DedupGuard
from bot.dialog import Dialogs
from bot.dispatcher import Dispatcher, Router
from bot.kf import KfPuller
from bot.pipeline import DEFAULT_ACK_DEADLINE, DEFAULT_PASSIVE_BUDGET, EventPipeline, NotRecorded
from bot.transports.wechat import WeChatTransport
from bot.transports.wecom import WeComTransport
from bot.transports.wecom_bot import WeComBotTransport

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


REDIS_TIMEOUT = 0.5  # a callback has 5 s; Redis is a shortcut, never worth waiting for
REDIS_CONNECTIONS = 64


def _redis(settings: Settings) -> Any:
    if not settings.redis_url:
        return None
    import redis.asyncio as aioredis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    # A burst waits (briefly) for a pooled connection instead of failing; one quick retry
    # (a connection dropped while idle), not redis-py's ten with backoff.
    pool = aioredis.BlockingConnectionPool.from_url(
        settings.redis_url, max_connections=REDIS_CONNECTIONS, timeout=REDIS_TIMEOUT,
        socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT, retry=Retry(NoBackoff(), 1))
    return aioredis.Redis.from_pool(pool)


@web.middleware
async def retry_unrecorded(request: web.Request, handler: Any) -> web.StreamResponse:
    """A callback whose event could not be stored is answered 503, never 200: the platform
    then delivers it again (it does not retry a 200)."""
    try:
        return await handler(request)
    except NotRecorded as exc:
        log.warning("callback %s not acknowledged (503, the platform will retry): %s", request.path, exc)
        return web.Response(status=503, text="not recorded, retry")


async def create_app(
    settings: Settings,
    routers: Iterable[Router] = (),
    *,
    clock: Clock | None = None,
    services: dict[str, Any] | None = None,
    setups: Iterable[Setup] = (),
    manage_database: bool = True,
    passive_budget: float = DEFAULT_PASSIVE_BUDGET,
    ack_deadline: float = DEFAULT_ACK_DEADLINE,
) -> web.Application:
    """Build the bot's web application.

    ``routers`` are the features' routers, in priority order; ``services`` are extra objects
    handlers may ask for by name; ``setups`` are called with (app, bot) to add pages or
    routes (the console). With ``manage_database`` the app migrates and connects on start-up
    and disconnects on shutdown (tests that own the database pass False).
    """
    clock = clock or Clock()
    if manage_database:
        await connect(settings.database_url)
    redis = _redis(settings)
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
    behaviour = BehaviourLog(clock)
    tokens = RedisTokenStore(redis) if redis is not None else MemoryTokenStore()
    wecom = WeComClient(settings, session, clock, token_store=tokens, on_sent=behaviour.on_api_sent) if settings.wecom_corp_id else None
    wechat = WeChatClient(settings, session, clock, token_store=tokens, on_sent=behaviour.on_api_sent) if settings.wechat_app_id else None

    dispatcher = Dispatcher()
    guard = DedupGuard(redis, monotonic=clock.monotonic)
    pipeline = EventPipeline(dispatcher, guard, behaviour, passive_budget=passive_budget, ack_deadline=ack_deadline)
    kf = KfPuller(wecom, pipeline, clock) if wecom is not None else None
    bot = Bot(settings, clock, dispatcher, pipeline, behaviour, session, wecom, wechat, kf, redis)
    bot.services = {
        "settings": settings, "clock": clock, "behaviour": behaviour, "dialogs": Dialogs(),
        "wecom": wecom, "wechat": wechat, "bot": bot, **(services or {}),
    }
    dispatcher.services.update(bot.services)
    dispatcher.include(*routers)

    app = web.Application(client_max_size=1024**2, middlewares=[retry_unrecorded])
    app[BOT] = bot
    _mount_transports(app, bot)
    app.router.add_get("/healthz", _health)
    for setup in setups:
        setup(app, bot)

    async def close(_app: web.Application) -> None:
        await bot.drain()
        await session.close()
        if redis is not None:
            await redis.aclose()
        if manage_database:
            await disconnect()

    app.on_cleanup.append(close)
    return app


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
    """Up, and how callbacks are deduplicated right now (Redis in front of the database, or
    the database alone while Redis is away)."""
    return web.json_response({"ok": True, **request.app[BOT].pipeline.guard.health()})
