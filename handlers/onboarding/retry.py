"""Platform calls that must happen eventually (tags, alerts): retried beyond the API client's
own retries while the platform answers -1, 45009 or 45033, so a rush delays them, loses none."""
from __future__ import annotations

import logging
from typing import Awaitable, Callable, TypeVar

from bot.api.errors import RateLimited, SystemBusy, TransportError
from bot.clock import Clock

log = logging.getLogger(__name__)
T = TypeVar("T")
ROUNDS = 6
FIRST_PAUSE = 5.0


async def retry(what: str, call: Callable[[], Awaitable[T]], clock: Clock, rounds: int = ROUNDS) -> T:
    """Run ``call``; on a transient refusal wait (5, 10, 20... s) and try again, ``rounds`` times."""
    pause = FIRST_PAUSE
    for attempt in range(rounds):
        try:
            return await call()
        except (RateLimited, SystemBusy, TransportError) as exc:
            if attempt + 1 >= rounds:
                raise
            log.warning("%s delayed (%s), trying again in %.0f s", what, exc, pause)
            await clock.sleep(pause)
            pause *= 2
    raise AssertionError("unreachable")
