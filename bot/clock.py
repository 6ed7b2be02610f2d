"""Time, injected everywhere it matters so tests use a fake clock instead of sleeping."""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone


class Clock:
    """The real clock."""

    def time(self) -> float:
        """Seconds since the epoch."""
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=timezone.utc)


class FakeClock(Clock):
    """A clock that moves only when told to. ``sleep`` advances it instead of waiting
    (yielding once to the loop so other tasks run)."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start
        self._mono = 0.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        self._now += seconds
        self._mono += seconds

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(max(seconds, 0.0))
        await asyncio.sleep(0)
