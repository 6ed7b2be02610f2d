"""A console served for real on 127.0.0.1 from a background thread (its own event loop and
SQLite database), for clients that block: schemathesis and the browser."""
from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable

from aiohttp import web
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from bot.clock import Clock
from bot.config import Settings
from bot.database import tortoise_config
from console.pages import setup_console
from console.access.accounts import create_user
from console.access.tokens import create_token
from handlers.faq.web.messages import MESSAGES as FAQ_MESSAGES
from models import BehaviourEvent, Channel, Lead, LeadIdentity, LeadTag, WeComMember

PASSWORD = "correct horse battery"


async def seed(clock: Clock) -> None:
    """An admin, a sales rep, two leads; 王工 scanned the expo booth code and chatted."""
    await create_user("admin", "admin", PASSWORD, clock=clock)
    await create_user("sales", "sales", PASSWORD, clock=clock, wecom_userid="zhangsan")
    expo = await Channel.create(code="expo2026", name="2026 工业展展位")
    site = await Channel.create(code="site", name="官网")
    zhangsan = await WeComMember.create(userid="zhangsan", name="张三")
    wang = await Lead.create(name="王工", company="华东精密机械", first_channel=expo, last_channel=expo, owner=zhangsan,
                             consent_at=datetime(2026, 1, 5, tzinfo=timezone.utc), consent_version="v1")
    await LeadIdentity.create(lead=wang, kind="external_userid", value="wmWANG")
    await LeadTag.create(lead=wang, name="制造业")
    li = await Lead.create(name="李经理", company="南方化工", first_channel=site, last_channel=site)
    now = clock.now()
    for minutes, kind, payload in ((30, "contact.added", {"state": "expo2026"}), (20, "message.text", {"text": "你们的交期是多久？"}),
                                   (10, "faq.asked", {"query": "你们的交期是多久", "outcome": "answer", "question": "交期是多久？", "score": 92.5})):
        await BehaviourEvent.create(lead=wang, channel=expo, kind=kind, direction="outbound" if kind.startswith("faq") else "inbound",
                                    platform="wecom", actor="wmWANG", occurred_at=now - timedelta(minutes=minutes), payload=payload)
    await BehaviourEvent.create(lead=li, channel=site, kind="contact.added", direction="inbound", platform="wecom", actor="wmLI", occurred_at=now, payload={})


def mount_features(console, clock: Clock) -> None:
    """Register every product feature's console pages and API endpoints, with no platform
    clients (as a console-only deployment runs)."""
    from types import SimpleNamespace

    import main

    bot = SimpleNamespace(settings=console.settings, clock=clock, wecom=None, wechat=None)
    for feature in main.features():
        if feature.console is not None:
            feature.console(console, bot)


class LiveConsole:
    """Start with ``start()``; ``url`` is the base address; ``call`` runs a coroutine on the
    server's loop (e.g. to mint a token)."""

    def __init__(self, directory: Path, database_url: str = "", *, features: bool = False) -> None:
        self.features = features  # every product feature's pages and endpoints too
        self.database_url = database_url or f"sqlite://{directory}/live.db"
        self.postgres = self.database_url.startswith(("postgres", "asyncpg"))
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.url = ""
        self._runner: web.AppRunner | None = None

    def call(self, make: Callable[[], Awaitable[Any]]) -> Any:
        future: Future = asyncio.run_coroutine_threadsafe(make(), self.loop)
        return future.result(timeout=30)

    def start(self) -> "LiveConsole":
        self.thread.start()
        self.call(self._start)
        return self

    async def _start(self) -> None:
        EXECUTOR_CACHE.clear()  # SQL is cached per table without the dialect
        await Tortoise.init(config=tortoise_config(self.database_url), _create_db=self.postgres, _enable_global_fallback=True)
        await Tortoise.generate_schemas()
        clock = Clock()
        await seed(clock)
        app = web.Application()
        console = setup_console(app, Settings(secret_key="live-secret"), clock=clock)
        console.catalogue.add(FAQ_MESSAGES)  # the FAQ's timeline labels, as the app registers them
        if self.features:
            mount_features(console, clock)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def token(self, role: str = "admin") -> str:
        async def make() -> str:
            return (await create_token(f"live-{role}", role, clock=Clock()))[1]

        return self.call(make)

    def stop(self) -> None:
        async def stop() -> None:
            if self._runner is not None:
                await self._runner.cleanup()
            if self.postgres:
                await Tortoise._drop_databases()
            await Tortoise.close_connections()

        self.call(stop)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
