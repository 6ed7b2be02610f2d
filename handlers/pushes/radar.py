"""The interaction radar (互动雷达): a customer opens pushed content, the lead's owner hears of
it in WeCom at once, at most one alert per owner per interval (a busy rep is not flooded)."""
from __future__ import annotations

import logging
from typing import Any

from bot.clock import Clock

log = logging.getLogger(__name__)


class OwnerAlerts:
    """Alerts to lead owners through the WeCom app, rate-limited per owner (in this process)."""

    def __init__(self, clock: Clock, wecom: Any, interval: float = 60.0) -> None:
        self.clock = clock
        self.wecom = wecom
        self.interval = interval
        self._last: dict[str, float] = {}
        self.dropped = 0

    def allow(self, owner: str) -> bool:
        now = self.clock.monotonic()
        if now - self._last.get(owner, float("-inf")) < self.interval:
            self.dropped += 1
            return False
        self._last[owner] = now
        return True

    async def content_opened(self, owner: str, reader: str, title: str, read_seconds: int = 0) -> bool:
        """“王工 正在看《…》”; True when the alert went out."""
        if self.wecom is None or not owner or not self.allow(owner):
            return False
        text = f"{reader or '一位客户'} 正在看《{title}》"
        if read_seconds >= 60:
            text += f"，已读 {read_seconds // 60} 分钟"
        try:
            await self.wecom.send_app_text(owner, text)
        except Exception:  # noqa: BLE001 - an alert is best effort; the open is recorded already
            log.exception("content alert to %s failed", owner)
            return False
        return True
