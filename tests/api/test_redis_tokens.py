"""With Redis, processes share one token per secret: a second client finds the token the
first one fetched. Skipped when no Redis answers on 127.0.0.1:6379."""
from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace

import pytest

from bot.api import RedisTokenStore, token_store_for
from bot.platforms.wecom.client import WeComClient
from bot.api.tokens import AccessTokens, CachedToken, Credential

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



class StoreThatTellsWhenItWaits(RedisTokenStore):
    def __init__(self, *args, reached_lock: asyncio.Event) -> None:
        super().__init__(*args)
        self.reached_lock = reached_lock

    def refresh_lock(self, key: str):
        self.reached_lock.set()
        return super().refresh_lock(key)


async def test_a_process_waits_for_another_processes_refresh(clock, redis, prefix):
    fetches: list[str] = []
    first_fetching, release = asyncio.Event(), asyncio.Event()

    async def fetch(credential):
        fetches.append(credential.key)
        if len(fetches) == 1:
            first_fetching.set()
            await release.wait()
        return f"token-{len(fetches)}", 7200

    second_waiting = asyncio.Event()
    process_one = AccessTokens(RedisTokenStore(redis, prefix), clock, fetch)
    process_two = AccessTokens(StoreThatTellsWhenItWaits(redis, prefix, reached_lock=second_waiting), clock, fetch)
    credential = Credential("wechat", "wx-test-app", "wechat-secret")
    one = asyncio.create_task(process_one.get(credential))
    await first_fetching.wait()
    two = asyncio.create_task(process_two.get(credential))
    await second_waiting.wait()
    release.set()
    assert (await one, await two) == ("token-1", "token-1")
    assert len(fetches) == 1
    assert [k async for k in redis.scan_iter(match=prefix + "*:refresh")] == []
