"""The exactly-once guard. A callback, a retried callback, a duplicate sync_msg message or the
same callback arriving at two processes is handled only by whoever claims its key first.

The claim is a unique key in the database (the source of truth); when Redis is configured a
``SET NX`` in front of it turns most duplicates away without touching the database. Claims
made at the same moment share one ``INSERT … ON CONFLICT DO NOTHING RETURNING key``
(group commit): the keys it returns are the ones this caller inserted; a key it skips was
already there. The behaviour log makes the claim in the same transaction as the event's
inbound row (``claim_keys``), so a claimed event is always a recorded one.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from bot.database import GroupCommit, in_transaction_now, insert_sql, default_client
from models import ProcessedCallback

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)

REDIS_TTL = 7 * 24 * 3600
KEY_LENGTH = 255
DUPLICATE = object()  # what the pipeline returns for an event another delivery claimed


def db_key(key: str) -> str:
    return key[:KEY_LENGTH]


async def claim_keys(client: BaseDBAsyncClient, keys: list[str]) -> list[bool]:
    """Insert ``keys`` (already cut to the column's length) through ``client``; True for each
    one this call inserted first. A key repeated in ``keys`` is claimed once, by its first
    occurrence."""
    unique = list(dict.fromkeys(keys))
    now: datetime | str = datetime.now(timezone.utc)
    if client.capabilities.dialect == "sqlite":  # as its driver would write it, once, not per key
        now = datetime.now(timezone.utc).isoformat(" ")
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
    def __init__(self, redis: Redis | None = None, prefix: str = "siyu:dedup:") -> None:
        self._redis = redis
        self._prefix = prefix
        self._claims: GroupCommit[str, bool] = GroupCommit(lambda keys: claim_keys(default_client(), keys))

    async def redis_refuses(self, key: str) -> bool:
        """True when Redis already holds ``key`` (a duplicate); False without Redis."""
        if self._redis is None:
            return False
        return not await self._redis.set(self._prefix + key, 1, nx=True, ex=REDIS_TTL)

    async def claim(self, key: str) -> bool:
        """True if this caller is the first to see ``key`` and must handle it."""
        if await self.redis_refuses(key):
            return False
        return await self.claim_database(key)

    async def claim_database(self, key: str) -> bool:
        """The database's word alone (the source of truth), past any Redis check."""
        if in_transaction_now():
            try:
                await ProcessedCallback.create(key=db_key(key))
            except IntegrityError:
                return False
            return True
        return await self._claims.submit(db_key(key))
