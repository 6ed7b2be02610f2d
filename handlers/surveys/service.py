"""The surveys feature's service (``surveys``): keyword lookup and responses for handlers,
and the sweep that reminds and expires unfinished responses."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from .invitations import invite_after_joining, invite_link
from .links import LinkSigner
from .reminders import sweep
from .responses import SurveyRuns
from .store import KeywordBook

@dataclass(frozen=True)
class SurveyOptions:
    """``sweep_every``: seconds between reminder/expiry sweeps (wall time; decisions use the
    app's clock); ``reply_window``: no reminder after the platforms' 48-hour window;
    ``invitation_gap``: at most one survey invitation per lead in this time."""

    sweep_every: float = 60.0
    reply_window: timedelta = timedelta(hours=48)
    invitation_gap: timedelta = timedelta(days=30)  # the per-lead frequency cap on invitations


class Surveys:
    def __init__(self, options: SurveyOptions | None = None, secret_key: str = "", base_url: str = "") -> None:
        self.options = options or SurveyOptions()
        self.base_url = base_url
        self.links = LinkSigner(secret_key)
        self._keywords: KeywordBook | None = None
        self.sweeper: Any = None  # the running sweep task (handlers.surveys.setup)

    def keywords(self, clock: Any) -> KeywordBook:
        if self._keywords is None:
            self._keywords = KeywordBook(clock)
        return self._keywords

    def runs(self, clock: Any, behaviour: Any) -> SurveyRuns:
        return SurveyRuns(clock, behaviour)

    async def sweep(self, clock: Any, wecom: Any = None, wechat: Any = None, behaviour: Any = None) -> dict[str, int]:
        """Expire responses past their wave's close, remind the ones left waiting and (given
        the behaviour log) invite leads whose channel join is ``after_joining`` old."""
        done = await sweep(clock.now(), wecom, wechat, self.options.reply_window)
        if behaviour is not None:
            done["invited"] = await invite_after_joining(self, clock, behaviour, wecom)
        return done

    async def link_for_push(self, behaviour: Any, survey: str | int, lead: Any, now: Any) -> str | None:
        """For a push or a sequence step: ``lead``'s signed link to ``survey`` (id or key),
        recorded as an invitation — None when the survey is closed, the lead answered this
        wave, or the frequency cap holds (then the push leaves the survey out)."""
        return await invite_link(self, behaviour, survey, lead, now, trigger="push")
