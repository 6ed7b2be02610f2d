"""The exactly-once guard. A callback, a retried callback, a duplicate sync_msg message or the
same callback arriving at two processes is handled only by whoever claims its key first.

The claim is a unique key in the database (the source of truth). When Redis is configured it
remembers keys whose claim is committed, so most duplicates are turned away without touching
the database; a key goes to Redis only after its commit, so an event whose write failed is
never refused on retry. Redis is optional: when it fails (connection refused, timeout) the
guard logs it once, goes on with the database alone, and tries Redis again a little later;
``health()`` says which it is. Claims
made at the same moment share one ``INSERT … ON CONFLICT DO NOTHING RETURNING key``
(group commit): the keys it returns are the ones this caller inserted; a key it skips was
already there. The behaviour log makes the claim in the same transaction as the event's
inbound row (``claim_keys``), so a claimed event is always a recorded one.
"""
from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timezone
from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError, TimeoutError as RedisTimeoutError

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from bot.database import GroupCommit, in_transaction_now, insert_sql, default_client
from models import ProcessedCallback

log = logging.getLogger(__name__)

REDIS_TTL = 7 * 24 * 3600
KEY_LENGTH = 255
DUPLICATE = object()  # what the pipeline returns for an event another delivery claimed
REDIS_TIMEOUT = 0.5  # a callback has 5 s: Redis, a shortcut, may spend at most this
REDIS_RETRY_AFTER = 5.0  # seconds without Redis after it failed, before trying it again
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError, TimeoutError)


def db_key(key: str) -> str:
    return key[:KEY_LENGTH]


async def claim_keys(client: BaseDBAsyncClient, keys: list[str]) -> list[bool]:
    """Insert ``keys`` (already cut to the column's length) through ``client``; True for each
    one this call inserted first. A key repeated in ``keys`` is claimed once, by its first
    occurrence."""
    unique = list(dict.fromkeys(keys))
    now: datetime | str = datetime.now(timezone.utc)
    if client.capabilities.dialect == "sqlite":  # as its driver would write it, once, not per key
        now = now.isoformat(" ")
    sql = insert_sql(client, ProcessedCallback._meta.db_table, ("key", "created_at"), len(unique),
                     conflict="key", returning="key")
    rows = await client.execute_query_dict(sql, [v for key in unique for v in (key, now)])
    inserted = {row["key"] for row in rows}
    claimed: list[bool] = []
    for key in keys:
        claimed.append(key in inserted)
        inserted.discard(key)
    return claimed


class DedupGuard:
    def __init__(self, redis: Any | None = None, prefix: str = "siyu:dedup:", *,
                 retry_after: float = REDIS_RETRY_AFTER, monotonic=time.monotonic) -> None:
        self._redis = redis
        self._prefix = prefix
        self._retry_after = retry_after
        self._monotonic = monotonic
        self._redis_down_until: float | None = None
        self.redis_error = ""  # why Redis is being skipped ('' while it works)
        self._claims: GroupCommit[str, bool] = GroupCommit(lambda keys: claim_keys(default_client(), keys))

    def health(self) -> dict[str, str]:
        """For /healthz: Redis's state and what deduplicates callbacks now."""
        if self._redis is None:
            return {"redis": "off", "dedup": "database"}
        if self.redis_error:
            return {"redis": f"unavailable: {self.redis_error}", "dedup": "database"}
        return {"redis": "ok", "dedup": "redis+database"}

    async def known(self, key: str) -> bool:
        """True when Redis says ``key`` is committed already (a duplicate). False without
        Redis, or while it fails: the database decides."""
        found = await self._ask_redis(lambda redis: redis.exists(self._prefix + key))
        return bool(found)

    async def remember(self, key: str) -> None:
        """Tell Redis that ``key``'s claim is committed (call only after the commit)."""
        await self._ask_redis(lambda redis: redis.set(self._prefix + key, 1, ex=REDIS_TTL))

    async def _ask_redis(self, command) -> Any:
        redis = self._redis
        if redis is None or (self._redis_down_until is not None and self._monotonic() < self._redis_down_until):
            return None
        try:
            async with asyncio.timeout(REDIS_TIMEOUT):
                answer = await command(redis)
        except REDIS_DOWN as exc:
            self._redis_failed(exc)
            return None
        if self.redis_error:
            log.warning("Redis is back: deduplicating through Redis and the database again")
            self.redis_error, self._redis_down_until = "", None
        return answer

    def _redis_failed(self, exc: BaseException) -> None:
        if not self.redis_error:
            log.warning("Redis unavailable (%r): deduplicating through the database's unique key alone", exc)
        self.redis_error = type(exc).__name__ + (f": {exc}" if str(exc) else "")
        self._redis_down_until = self._monotonic() + self._retry_after

    async def claim(self, key: str) -> bool:
        """True if this caller is the first to see ``key`` and must handle it."""
        if await self.known(key):
            return False
        claimed = await self.claim_database(key)
        if not in_transaction_now():  # inside a transaction the claim is not committed yet
            await self.remember(key)
        return claimed

    async def claim_database(self, key: str) -> bool:
        """The database's word alone (the source of truth), past any Redis check."""
        if in_transaction_now():
            try:
                await ProcessedCallback.create(key=db_key(key))
            except IntegrityError:
                return False
            return True
        return await self._claims.submit(db_key(key))
