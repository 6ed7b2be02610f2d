"""The exactly-once guard across processes: two bot processes (two pipelines with their own
guards) receiving the same callback handle it once, through the database alone or with Redis
in front of it."""
import asyncio
import uuid

import pytest

from bot.dedup import DedupGuard
from bot.dispatcher import Dispatcher, Router
from bot.events import ContactAdded, Platform
from bot.middlewares import behaviour_middleware, lead_middleware
from bot.pipeline import EventPipeline
from bot.responder import Responder
from leads.behaviour import BehaviourLog
from leads.identity import resolve_lead


@pytest.fixture
async def redis():
    import redis.asyncio as aioredis

    client = aioredis.from_url("redis://127.0.0.1:6379/0")
    try:
        await client.ping()
    except Exception:
        await client.aclose()
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    yield client
    await client.aclose()


def process(handled: list, redis=None, clock=None) -> EventPipeline:
    router = Router("count")

    @router.on(ContactAdded)
    async def count(event):
        await asyncio.sleep(0)
        handled.append(event.external_user_id)

    prefix = f"siyu-test:{uuid.uuid4().hex}:"
    guard = DedupGuard(redis, prefix=prefix) if redis is not None else DedupGuard()
    dispatcher = Dispatcher()
    dispatcher.outer_middleware(lead_middleware(resolve_lead))
    dispatcher.outer_middleware(behaviour_middleware(BehaviourLog(clock), guard))
    dispatcher.include(router)
    return EventPipeline(dispatcher, passive_budget=1.0)


def added(create_time: int) -> ContactAdded:
    return ContactAdded(platform=Platform.WECOM, create_time=create_time, change_type="add_external_contact",
                        user_id="zhangsan", external_user_id="wmX", state="expo", welcome_code="wc1")


async def test_two_processes_sharing_the_database_handle_a_callback_once(db, clock):
    handled: list = []
    a, b = process(handled, clock=clock), process(handled, clock=clock)
    await asyncio.gather(*(p.deliver(added(1), Responder(None, passive=False)) for p in (a, b, a, b)))
    await asyncio.gather(a.drain(), b.drain())
    assert handled == ["wmX"]


async def test_an_event_at_another_time_is_a_new_event(db, clock):
    handled: list = []
    a = process(handled, clock=clock)
    await a.deliver(added(1), Responder(None, passive=False))
    await a.deliver(added(2), Responder(None, passive=False))
    await a.drain()
    assert handled == ["wmX", "wmX"]


async def test_with_redis_in_front_duplicates_are_turned_away_before_the_database(db, redis):
    prefix = f"siyu-test:{uuid.uuid4().hex}:"
    guards = [DedupGuard(redis, prefix=prefix), DedupGuard(redis, prefix=prefix)]
    claims = await asyncio.gather(*(g.claim("wecom:msg:1") for g in guards * 3))
    assert claims.count(True) == 1
    await redis.delete(prefix + "wecom:msg:1")
    # Redis lost the key (flushed, restarted): the database still says it was handled.
    assert await guards[0].claim("wecom:msg:1") is False
