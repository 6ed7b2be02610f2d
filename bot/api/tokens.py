"""Access tokens: cached per secret, refreshed a little before ``expires_in`` runs out, one
refresh at a time.

Official facts relied on (WeCom 获取access_token, document/path/91039; WeChat 获取 Access token):
each app/secret has its own token, to be cached by the caller (gettoken is rate limited);
``expires_in`` is normally 7200 s; the platform may invalidate a token early, so a rejected
token must be fetched again. A WeChat /cgi-bin/token call issues a new token (the old one
lives 5 more minutes), so processes should share one token: use the Redis store.
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import math
from dataclasses import dataclass, field
from typing import AsyncContextManager, Awaitable, Callable, Protocol

from bot.clock import Clock
from bot.config import Settings
from models.encrypted import DataKeyError, DataKeys

log = logging.getLogger(__name__)

REFRESH_EARLY = 300.0  # seconds before expiry at which a token is refreshed
KEY_PREFIX = "siyu:access_token:"
LOCK_TTL = 30.0  # seconds a refresh lock lives if its holder never releases it
LOCK_WAIT = 15.0  # seconds a process waits for another's refresh


@dataclass(frozen=True)
class Credential:
    """One secret that issues access tokens: a WeCom corp secret or a WeChat app secret."""

    platform: str  # "wecom" | "wechat"
    app_id: str  # corpid or appid
    secret: str = field(repr=False)

    @property
    def key(self) -> str:
        """Cache key: platform, app id and a hash of the secret (never the secret itself)."""
        digest = hashlib.sha256(self.secret.encode()).hexdigest()[:16]
        return f"{self.platform}:{self.app_id}:{digest}"


@dataclass(frozen=True)
class CachedToken:
    value: str
    usable_until: float  # clock time after which the token is refreshed


class TokenStore(Protocol):
    """Where tokens live between calls (and, for Redis, between processes)."""

    async def get(self, key: str) -> CachedToken | None: ...

    async def set(self, key: str, token: CachedToken, ttl: float) -> None: ...

    async def discard(self, key: str, value: str) -> None:
        """Forget the token under ``key`` only if it is still ``value``."""

    def refresh_lock(self, key: str) -> AsyncContextManager[None]:
        """Held while one holder of the store fetches a new token for ``key``."""

    async def close(self) -> None: ...


class MemoryTokenStore:
    """Tokens of this process only."""

    def __init__(self) -> None:
        self._tokens: dict[str, CachedToken] = {}

    async def get(self, key: str) -> CachedToken | None:
        return self._tokens.get(key)

    async def set(self, key: str, token: CachedToken, ttl: float) -> None:
        self._tokens[key] = token

    async def discard(self, key: str, value: str) -> None:
        token = self._tokens.get(key)
        if token is not None and token.value == value:
            del self._tokens[key]

    def refresh_lock(self, key: str) -> AsyncContextManager[None]:
        return contextlib.nullcontext()  # one process: AccessTokens' own lock suffices

    async def close(self) -> None:
        self._tokens.clear()


# ARGV[1] is what "value" holds: the token itself, or its keyed hash when tokens are sealed.
_DISCARD_IF_SAME = """
local raw = redis.call('GET', KEYS[1])
if raw and cjson.decode(raw)['value'] == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisTokenStore:
    """Tokens shared by every process using the same Redis, one key per secret, with a TTL.
    With ``keys`` (SIYU_DATA_KEYS) a token is stored sealed (AES-GCM) beside its keyed hash,
    so whoever reads Redis cannot call the platform's API with it."""

    def __init__(self, redis, prefix: str = KEY_PREFIX, *, owns_connection: bool = False, keys: DataKeys | None = None) -> None:
        self._redis = redis
        self._prefix = prefix
        self._owns = owns_connection
        self._keys = keys

    @classmethod
    def from_url(cls, url: str, prefix: str = KEY_PREFIX, *, keys: DataKeys | None = None) -> "RedisTokenStore":
        import redis.asyncio as aioredis

        return cls(aioredis.from_url(url), prefix, owns_connection=True, keys=keys)

    async def get(self, key: str) -> CachedToken | None:
        raw = await self._redis.get(self._prefix + key)
        if raw is None:
            return None
        data = json.loads(raw)
        if "sealed" in data:
            if self._keys is None:
                return None  # sealed by a process with keys: fetch a token of our own
            try:
                data = json.loads(self._keys.decrypt(data["sealed"]))
            except DataKeyError:
                return None  # sealed under a key this process no longer holds
        return CachedToken(data["value"], float(data["usable_until"]))

    async def set(self, key: str, token: CachedToken, ttl: float) -> None:
        plain = json.dumps({"value": token.value, "usable_until": token.usable_until})
        raw = json.dumps({"value": self._stored_value(token.value), "sealed": self._keys.encrypt(plain)}) if self._keys else plain
        await self._redis.set(self._prefix + key, raw, ex=max(1, math.ceil(ttl)))

    async def discard(self, key: str, value: str) -> None:
        await self._redis.eval(_DISCARD_IF_SAME, 1, self._prefix + key, self._stored_value(value))

    def _stored_value(self, value: str) -> str:
        return self._keys.lookup_hash(value) if self._keys else value

    @contextlib.asynccontextmanager
    async def refresh_lock(self, key: str):
        """A Redis lock, so one process fetches while the others wait and then read its token.
        It expires by itself if its holder dies; a holder that takes too long is not waited for."""
        from redis.exceptions import LockError

        name = self._prefix + key + ":refresh"
        lock = self._redis.lock(name, timeout=LOCK_TTL, sleep=0.05, blocking_timeout=LOCK_WAIT)
        try:
            acquired = await lock.acquire()
        except LockError:
            acquired = False
        if not acquired:
            log.warning("token refresh lock for %s not acquired in %s s; fetching anyway", key, LOCK_WAIT)
        try:
            yield
        finally:
            if acquired:
                with contextlib.suppress(LockError):
                    await lock.release()

    async def close(self) -> None:
        if self._owns:
            await self._redis.aclose()


def token_store_for(settings: Settings) -> TokenStore:
    """Redis when ``redis_url`` is set (tokens sealed with ``data_keys`` when set), else memory."""
    if settings.redis_url:
        keys = DataKeys.parse(settings.data_keys) if settings.data_keys else None
        return RedisTokenStore.from_url(settings.redis_url, keys=keys)
    return MemoryTokenStore()


def refresh_margin(expires_in: float) -> float:
    """How early to refresh: 5 minutes, or a tenth of a short lifetime."""
    return min(REFRESH_EARLY, expires_in / 10)


Fetch = Callable[[Credential], Awaitable[tuple[str, float]]]


class AccessTokens:
    """Hands out a valid token per credential. Concurrent callers that find no usable token
    wait for one fetch (single flight) instead of each calling gettoken; with a shared store,
    its refresh lock extends that to every process."""

    def __init__(self, store: TokenStore, clock: Clock, fetch: Fetch) -> None:
        self._store = store
        self._clock = clock
        self._fetch = fetch
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, credential: Credential) -> str:
        token = await self._usable(credential.key)
        if token is not None:
            return token.value
        async with self._locks.setdefault(credential.key, asyncio.Lock()):
            token = await self._usable(credential.key)
            if token is None:
                async with self._store.refresh_lock(credential.key):
                    token = await self._usable(credential.key) or await self._refresh(credential)
            return token.value

    async def invalidate(self, credential: Credential, value: str) -> None:
        """The platform rejected ``value``: drop it unless another caller already replaced it."""
        await self._store.discard(credential.key, value)

    async def _usable(self, key: str) -> CachedToken | None:
        token = await self._store.get(key)
        if token is None or token.usable_until <= self._clock.time():
            return None
        return token

    async def _refresh(self, credential: Credential) -> CachedToken:
        value, expires_in = await self._fetch(credential)
        lifetime = max(0.0, expires_in - refresh_margin(expires_in))
        token = CachedToken(value, self._clock.time() + lifetime)
        await self._store.set(credential.key, token, ttl=lifetime)
        return token
