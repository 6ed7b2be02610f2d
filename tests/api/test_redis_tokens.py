"""With Redis, processes share one token per secret: a second client finds the token the
first one fetched. Skipped when no Redis answers on 127.0.0.1:6379."""
from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from bot.api import RedisTokenStore, WeComClient, token_store_for
from bot.api.tokens import CachedToken

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
async def redis():
    import redis.asyncio as aioredis

    client = aioredis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception:
        await client.aclose()
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    yield client
    await client.aclose()


@pytest.fixture
async def prefix(redis):
    prefix = f"siyu-test:{uuid.uuid4().hex}:"
    yield prefix
    keys = [k async for k in redis.scan_iter(match=prefix + "*")]
    if keys:
        await redis.delete(*keys)


async def test_two_clients_share_one_token(settings, session, clock, platform, redis, prefix):
    first = WeComClient(settings, session, clock, token_store=RedisTokenStore(redis, prefix))
    second = WeComClient(settings, session, clock, token_store=RedisTokenStore(redis, prefix))
    await first.send_app_text("zhangsan", "from process one")
    await second.send_app_text("lisi", "from process two")
    assert len(platform.calls("/cgi-bin/gettoken")) == 1
    assert {c.query["access_token"] for c in platform.calls("/cgi-bin/message/send")} == {"token-1"}


async def test_the_key_names_the_secret_by_hash_and_carries_a_ttl(settings, session, clock, redis, prefix):
    client = WeComClient(settings, session, clock, token_store=RedisTokenStore(redis, prefix))
    await client.send_app_text("zhangsan", "hi")
    (key,) = [k.decode() async for k in redis.scan_iter(match=prefix + "*")]
    assert key.startswith(prefix + "wecom:ww-test-corp:")
    assert "app-secret" not in key
    assert 6800 < await redis.ttl(key) <= 6900


async def test_a_rejected_token_is_replaced_for_everyone(settings, session, clock, platform, redis, prefix):
    first = WeComClient(settings, session, clock, token_store=RedisTokenStore(redis, prefix))
    second = WeComClient(settings, session, clock, token_store=RedisTokenStore(redis, prefix))
    await first.send_app_text("zhangsan", "one")
    platform.expire_all_tokens()
    await first.send_app_text("zhangsan", "two")
    await second.send_app_text("zhangsan", "three")
    assert len(platform.calls("/cgi-bin/gettoken")) == 2
    assert platform.calls("/cgi-bin/message/send")[-1].query["access_token"] == "token-2"


async def test_discard_leaves_a_newer_token_alone(redis, prefix):
    store = RedisTokenStore(redis, prefix)
    await store.set("k", CachedToken("new", 123.0), ttl=60)
    await store.discard("k", "old")
    assert await store.get("k") == CachedToken("new", 123.0)
    await store.discard("k", "new")
    assert await store.get("k") is None


async def test_settings_with_a_redis_url_choose_the_redis_store(settings, session, clock, redis):
    client = WeComClient(replace(settings, redis_url=REDIS_URL), session, clock)
    assert isinstance(client.token_store, RedisTokenStore)
    await client.close()


def test_settings_without_redis_use_memory(settings):
    from bot.api import MemoryTokenStore

    assert isinstance(token_store_for(settings), MemoryTokenStore)
