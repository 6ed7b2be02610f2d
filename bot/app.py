"""The one app factory: wires settings, database, API clients, the event pipeline and the
transports of every configured channel into an aiohttp application.

Features are passed in as :class:`~bot.feature.Feature` objects (or bare routers, services and
setups), so ``bot/`` knows none of them; the lead domain comes in the same way, as the
behaviour log and the lead resolver that the app's outer middlewares are given.
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
from bot.clock import Clock
from bot.config import Settings
from bot.database import connect, disconnect
from bot.dedup import DedupGuard
from bot.dialogs import DatabaseDialogStorage, DialogStorage, dialog_middleware
from bot.dispatcher import Dispatcher, Router
from bot.feature import Feature, build_services, mount, routers_of
from bot.middlewares import EventLog, LeadResolver, behaviour_middleware, lead_middleware
from bot.platforms.wecom.archive import ApiConsent
from bot.platforms.wecom.archive_sdk import sdk_archive
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
    behaviour: EventLog
    session: aiohttp.ClientSession
    wecom: WeComClient | None = None
    wechat: WeChatClient | None = None
    kf: KfPuller | None = None
    redis: Any = None
    dialogs: DialogStorage = field(default_factory=DatabaseDialogStorage)
    archive_source: Any = None  # the chat archive (会话内容存档) to pull, when the company has one
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
    features: Iterable[Feature] = (),
    behaviour_log: Callable[[Clock], EventLog],
    resolve_lead: LeadResolver,
    clock: Clock | None = None,
    services: dict[str, Any] | None = None,
    setups: Iterable[Setup] = (),
    manage_database: bool = True,
    passive_budget: float = DEFAULT_PASSIVE_BUDGET,
    dialogs: DialogStorage | None = None,
    archive_source: Any = None,
) -> web.Application:
    """Build the bot's web application.

    ``features`` plug in their routers, services, routes and hooks (bot.feature), in
    priority order; ``routers`` are bare routers tried before them; ``behaviour_log`` builds
    the behaviour log from the app's clock and ``resolve_lead`` finds or creates the lead
    behind an identity (the lead domain's, passed in by the caller: ``main.lead_wiring()``);
    ``services`` are extra objects handlers may ask for by name; ``setups`` are called with
    (app, bot) to add pages or routes. ``dialogs`` stores dialog states (the database unless
    given, e.g. Redis); ``archive_source`` is the chat archive to pull. With
    ``manage_database`` the app migrates and connects on start-up and disconnects on shutdown
    (tests that own the database pass False).
    """
    features = tuple(features)
    clock = clock or Clock()
    redis = _redis(settings)
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
    behaviour = behaviour_log(clock)
    tokens = RedisTokenStore(redis) if redis is not None else MemoryTokenStore()
    wecom = WeComClient(settings, session, clock, token_store=tokens, on_sent=behaviour.on_api_sent) if settings.wecom_corp_id else None
    wechat = WeChatClient(settings, session, clock, token_store=tokens, on_sent=behaviour.on_api_sent) if settings.wechat_app_id else None

    dispatcher = Dispatcher()
    # The lead comes first so that the claim and the inbound row share one transaction
    # (behaviour_middleware with the guard); a duplicate delivery stops there.
    dispatcher.outer_middleware(lead_middleware(resolve_lead))
    dispatcher.outer_middleware(behaviour_middleware(behaviour, DedupGuard(redis)))
    pipeline = EventPipeline(dispatcher, passive_budget=passive_budget)
    kf = KfPuller(wecom, pipeline, clock) if wecom is not None else None
    if archive_source is None and wecom is not None:  # production: the SDK, when configured
        archive_source = sdk_archive(settings, ApiConsent(wecom, clock))
    bot = Bot(settings, clock, dispatcher, pipeline, behaviour, session, wecom, wechat, kf, redis,
              dialogs or DatabaseDialogStorage(), archive_source)
    bot.services = {
        "settings": settings, "clock": clock, "behaviour": behaviour, "dialogs": bot.dialogs,
        "wecom": wecom, "wechat": wechat, "bot": bot, **(services or {}),
    }
    try:
        build_services(bot, features)
    except Exception:
        await session.close()
        raise
    dispatcher.services.update(bot.services)
    dispatcher.outer_middleware(dialog_middleware(bot.dialogs, clock))
    dispatcher.include(*routers, *routers_of(bot, features))

    app = web.Application(client_max_size=1024**2)
    app[BOT] = bot
    _mount_transports(app, bot)
    app.router.add_get("/healthz", _health)
    mount(app, bot, features)
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
    if hasattr(archive_source, "aclose"):
        app.cleanup_ctx.append(_closing(archive_source.aclose))
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
