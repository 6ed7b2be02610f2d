"""Fixtures for failure tests: a database the test can break (SQLite locked by another
connection; PostgreSQL behind a TCP proxy that can be cut or stalled), Redis behind such a
proxy or at a closed port, and the bot wired as ``serve`` wires it, fed signed WeCom callbacks."""
from __future__ import annotations

import socket
import sqlite3
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from bot.app import BOT, create_app
from main import lead_wiring
from bot.config import Settings
from bot.platforms.crypto import CallbackCrypto
from bot.dispatcher import Router
from bot.events import TextMessage
from bot.database import tortoise_config
from tests.reliability.tcp_proxy import TcpProxy
from tests.support.callbacks import DOC_AES_KEY, DOC_CORP_ID, DOC_TOKEN, encrypted_query, xml_envelope

SQLITE_BUSY_MS = 2000  # how long a write waits for a lock before it fails
STAFF_TEXT = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><FromUserName><![CDATA[{sender}]]></FromUserName>"
    "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[价格]]></Content>"
    "<MsgId>{msg_id}</MsgId><AgentID>1000002</AgentID></xml>"
)


class SqliteLock:
    """Another process's write transaction holding the SQLite file: writes wait, then fail."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None

    async def fail(self) -> None:
        self._conn = sqlite3.connect(self.path, isolation_level=None)
        self._conn.execute("BEGIN EXCLUSIVE")

    stall = fail  # a locked SQLite file is both: writes wait up to the busy timeout, then fail

    async def mend(self) -> None:
        if self._conn is not None:
            self._conn.rollback()
            self._conn.close()
            self._conn = None


class PostgresLink:
    """PostgreSQL reached through a proxy: cut (a stopped server) or stalled (a hung one)."""

    def __init__(self, proxy: TcpProxy) -> None:
        self.proxy = proxy

    async def fail(self) -> None:
        await self.proxy.cut()

    async def stall(self) -> None:
        self.proxy.stall()

    async def mend(self) -> None:
        await self.proxy.restore()


@pytest.fixture
async def broken_db(database_url):
    """An initialised, empty database and the fault that breaks it (``fail``/``stall``/``mend``)."""
    proxy = None
    if database_url.startswith("sqlite"):
        url = f"{database_url}?busy_timeout={SQLITE_BUSY_MS}"
        fault = SqliteLock(database_url.removeprefix("sqlite://"))
    else:
        parts = urlsplit(database_url)
        proxy = TcpProxy(parts.hostname, parts.port or 5432)
        port = await proxy.start()
        url = parts._replace(netloc=f"{parts.username}@127.0.0.1:{port}").geturl()
        fault = PostgresLink(proxy)
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url), _create_db=proxy is not None, _enable_global_fallback=True)
    await Tortoise.generate_schemas()
    yield fault
    await fault.mend()
    if proxy is not None:
        await Tortoise._drop_databases()
        await proxy.close()
    await Tortoise.close_connections()


@pytest.fixture
async def redis_proxy():
    """Real Redis (127.0.0.1:6379) behind a proxy the test can cut; skipped without Redis."""
    import redis.asyncio as aioredis

    probe = aioredis.from_url("redis://127.0.0.1:6379/0")
    try:
        await probe.ping()
    except Exception:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    finally:
        await probe.aclose()
    proxy = TcpProxy("127.0.0.1", 6379)
    await proxy.start()
    yield proxy
    await proxy.close()


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class WeComBot:
    """The bot as ``serve`` wires it, a router that counts what it handles, and WeCom's side:
    signed, encrypted staff texts, each with its own MsgId, re-delivered until acknowledged."""

    client: object
    clock: object
    crypto: CallbackCrypto = field(default_factory=lambda: CallbackCrypto(DOC_TOKEN, DOC_AES_KEY, DOC_CORP_ID))
    handled: list[str] = field(default_factory=list)
    answers: dict[str, int] = field(default_factory=dict)  # msg_id → status of its last delivery

    @property
    def bot(self):
        return self.client.app[BOT]

    async def deliver(self, msg_id: str, sender: str | None = None) -> int:
        plain = STAFF_TEXT.format(msg_id=msg_id, sender=sender or f"staff-{msg_id}")
        params, encrypt = encrypted_query(self.crypto, plain, str(int(self.clock.time())), nonce=uuid.uuid4().hex[:10])
        resp = await self.client.post("/wecom/callback", params=params, data=xml_envelope(encrypt))
        await resp.read()
        self.answers[msg_id] = resp.status
        return resp.status

    def unacknowledged(self) -> list[str]:
        return [m for m, status in self.answers.items() if status != 200]

    def acknowledged(self) -> list[str]:
        return [m for m, status in self.answers.items() if status == 200]


@pytest.fixture
async def make_wecom_bot(aiohttp_client, clock, request):
    """Build the bot on the already initialised database; options go to create_app."""
    made = []

    async def build(redis_url: str = "", fail_handler_on: str = "", **options) -> WeComBot:
        router = Router("count")
        harness: WeComBot

        @router.on(TextMessage)
        async def count(event: TextMessage):
            harness.handled.append(event.msg_id)
            if event.msg_id == fail_handler_on:
                raise RuntimeError("handler bug")

        settings = Settings(wecom_corp_id=DOC_CORP_ID, wecom_token=DOC_TOKEN, wecom_aes_key=DOC_AES_KEY,
                            wecom_secret="app-secret", redis_url=redis_url)
        app = await create_app(settings, [router], clock=clock, manage_database=False, **lead_wiring(), **options)
        harness = WeComBot(await aiohttp_client(app), clock)
        made.append(harness)
        return harness

    yield build
    if "broken_db" in request.fixturenames:  # a stalled write ends only when the database is back
        await request.getfixturevalue("broken_db").mend()
    for harness in made:
        await harness.bot.drain()
