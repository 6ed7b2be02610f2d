"""A per-group answer budget on the injected clock, so the bot never floods a group."""
from __future__ import annotations

from collections import deque

from bot.clock import Clock

WINDOW = 60.0


class GroupAnswerBudget:
    """At most ``per_minute`` answers per group in any 60 seconds."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._sent: dict[str, deque[float]] = {}

    def take(self, chat_id: str, per_minute: int) -> bool:
        """Spend one answer if the budget allows; False when the group had enough."""
        now = self.clock.time()
        sent = self._sent.setdefault(chat_id, deque())
        while sent and now - sent[0] >= WINDOW:
            sent.popleft()
        if len(sent) >= max(per_minute, 0):
            return False
        sent.append(now)
        return True
