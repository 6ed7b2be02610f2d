"""The exactly-once guard. A callback, a retried callback, a duplicate sync_msg message or the
same callback arriving at two processes is handled only by whoever claims its key first.

The claim is a unique key in the database (the source of truth); when Redis is configured a
``SET NX`` in front of it turns most duplicates away without touching the database.
"""
from __future__ import annotations

import logging
from typing import Any

from tortoise.exceptions import IntegrityError

from models import ProcessedCallback

log = logging.getLogger(__name__)

REDIS_TTL = 7 * 24 * 3600


class DedupGuard:
    def __init__(self, redis: Any | None = None, prefix: str = "siyu:dedup:") -> None:
        self._redis = redis
        self._prefix = prefix

    async def claim(self, key: str) -> bool:
        """True if this caller is the first to see ``key`` and must handle it."""
        if self._redis is not None and not await self._redis.set(self._prefix + key, 1, nx=True, ex=REDIS_TTL):
            return False
        try:
            await ProcessedCallback.create(key=key[:255])
        except IntegrityError:
            return False
        return True
