"""Client-side rate limiting per API path: a token bucket on the injected clock, so the
platform's own limit (45009) is rarely reached.

Default from WeCom 访问频率限制 (document/path/90454): 每企业调用单个cgi/api不可超过1万次/分,
15万次/小时; the hourly figure (about 41.6 per second) is the sustained rate, with a short burst.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from bot.clock import Clock


@dataclass(frozen=True)
class Rate:
    """``per_second`` sustained, up to ``burst`` at once."""

    per_second: float
    burst: int = 1

    def __post_init__(self) -> None:
        if self.per_second <= 0 or self.burst < 1:
            raise ValueError(f"a rate needs per_second > 0 and burst >= 1, got {self}")


DEFAULT_RATE = Rate(per_second=150_000 / 3600, burst=100)


class TokenBucket:
    """Each call reserves a token; when the bucket is empty it waits until its token is due.
    Reservations go negative, so concurrent callers queue up in order without a lock."""

    def __init__(self, rate: Rate, clock: Clock) -> None:
        self._rate = rate
        self._clock = clock
        self._tokens = float(rate.burst)
        self._updated = clock.monotonic()

    def reserve(self) -> float:
        """Take a token; return how many seconds to wait before using it."""
        now = self._clock.monotonic()
        refill = (now - self._updated) * self._rate.per_second
        self._tokens = min(float(self._rate.burst), self._tokens + refill)
        self._updated = now
        self._tokens -= 1
        return 0.0 if self._tokens >= 0 else -self._tokens / self._rate.per_second

    async def acquire(self) -> None:
        wait = self.reserve()
        if wait > 0:
            await self._clock.sleep(wait)


class PathRateLimiter:
    """One bucket per API path; ``per_path`` overrides the default rate for some paths."""

    def __init__(self, clock: Clock, default: Rate = DEFAULT_RATE, per_path: Mapping[str, Rate] | None = None) -> None:
        self._clock = clock
        self._default = default
        self._per_path = dict(per_path or {})
        self._buckets: dict[str, TokenBucket] = {}

    async def acquire(self, path: str) -> None:
        bucket = self._buckets.get(path)
        if bucket is None:
            bucket = self._buckets[path] = TokenBucket(self._per_path.get(path, self._default), self._clock)
        await bucket.acquire()
