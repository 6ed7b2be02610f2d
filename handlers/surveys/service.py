"""The surveys feature's service (``surveys``): keyword lookup and responses for handlers,
and the sweep that reminds and expires unfinished responses."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from .links import LinkSigner
from .reminders import sweep
from .responses import SurveyRuns
from .store import KeywordBook

@dataclass(frozen=True)
class SurveyOptions:
    """``sweep_every``: seconds between reminder/expiry sweeps (wall time; decisions use the
    app's clock); ``reply_window``: no reminder after the platforms' 48-hour window."""

    sweep_every: float = 60.0
    reply_window: timedelta = timedelta(hours=48)


class Surveys:
    def __init__(self, options: SurveyOptions | None = None, secret_key: str = "") -> None:
        self.options = options or SurveyOptions()
        self.links = LinkSigner(secret_key)
        self._keywords: KeywordBook | None = None
        self.sweeper: Any = None  # the running sweep task (handlers.surveys.setup)

    def keywords(self, clock: Any) -> KeywordBook:
        if self._keywords is None:
            self._keywords = KeywordBook(clock)
        return self._keywords

    def runs(self, clock: Any, behaviour: Any) -> SurveyRuns:
        return SurveyRuns(clock, behaviour)

    async def sweep(self, clock: Any, wecom: Any = None, wechat: Any = None) -> dict[str, int]:
        """Expire responses past their wave's close and remind the ones left waiting."""
        return await sweep(clock.now(), wecom, wechat, self.options.reply_window)
