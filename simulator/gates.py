"""What every API call passes before its own rules: injected faults, access tokens and
rate limits. All timing is on the injected clock.

access_token facts (official docs): valid for ``expires_in`` = 7200 s; WeCom returns the
same token for repeated gettoken calls while it is valid; a WeChat /cgi-bin/token call issues
a new token and the previous one stays usable for 5 more minutes. Missing → 41001,
unknown → 40014, expired → 42001. Over a frequency limit → 45009.
"""
from __future__ import annotations

import secrets
from collections import deque
from dataclasses import dataclass

from bot.clock import Clock

from . import errcodes as E
from .errcodes import PlatformError

TOKEN_TTL = 7200
WECHAT_OLD_TOKEN_GRACE = 300


@dataclass
class IssuedToken:
    value: str
    scope: str  # "wecom:app" | "wecom:contact" | "wechat"
    expires_at: float


class TokenIssuer:
    """Issues and checks access tokens."""

    def __init__(self, clock: Clock, ttl: int = TOKEN_TTL) -> None:
        self._clock = clock
        self.ttl = ttl
        self._tokens: dict[str, IssuedToken] = {}
        self._current: dict[str, IssuedToken] = {}

    def issue(self, scope: str) -> IssuedToken:
        now = self._clock.time()
        current = self._current.get(scope)
        if scope.startswith("wecom") and current and current.expires_at > now:
            return current
        if current and scope == "wechat":
            current.expires_at = min(current.expires_at, now + WECHAT_OLD_TOKEN_GRACE)
        token = IssuedToken(secrets.token_urlsafe(48), scope, now + self.ttl)
        self._tokens[token.value] = token
        self._current[scope] = token
        return token

    def check(self, value: str | None, platform: str) -> str:
        """Return the token's scope, or raise the platform's errcode."""
        if not value:
            raise PlatformError(E.MISSING_ACCESS_TOKEN)
        token = self._tokens.get(value)
        if token is None or not token.scope.startswith(platform):
            raise PlatformError(E.INVALID_ACCESS_TOKEN)
        if self._clock.time() >= token.expires_at:
            raise PlatformError(E.ACCESS_TOKEN_EXPIRED)
        return token.scope

    def expire_all(self) -> None:
        """Make every issued token expired now (as after a secret reset)."""
        for token in self._tokens.values():
            token.expires_at = self._clock.time()


class RateLimits:
    """At most ``count`` calls of an API per ``window`` seconds; the next one gets 45009."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._limits: dict[str, tuple[int, float]] = {}
        self._calls: dict[str, deque[float]] = {}

    def set_limit(self, api: str, count: int, window: float = 60.0) -> None:
        if count < 0 or window <= 0:
            raise ValueError("a rate limit needs count >= 0 and window > 0")
        self._limits[api] = (count, window)
        self._calls.pop(api, None)

    def clear(self, api: str) -> None:
        self._limits.pop(api, None)
        self._calls.pop(api, None)

    def check(self, api: str) -> None:
        if api not in self._limits:
            return
        count, window = self._limits[api]
        now = self._clock.time()
        calls = self._calls.setdefault(api, deque())
        while calls and calls[0] <= now - window:
            calls.popleft()
        if len(calls) >= count:
            raise PlatformError(E.FREQ_OUT_OF_LIMIT)
        calls.append(now)


@dataclass
class _Fault:
    remaining: int
    errcode: int
    api: str | None


class FaultSchedule:
    """Make the next N calls (of one API, or of any) fail with an errcode (-1, 45009...)."""

    def __init__(self) -> None:
        self._faults: list[_Fault] = []

    def fail_next(self, n: int = 1, errcode: int = E.SYSTEM_BUSY, api: str | None = None) -> None:
        if n < 1:
            raise ValueError("fail_next needs n >= 1")
        self._faults.append(_Fault(n, errcode, api))

    def check(self, api: str) -> None:
        for fault in self._faults:
            if fault.api in (None, api):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                raise PlatformError(fault.errcode, "injected fault")

    def clear(self) -> None:
        self._faults.clear()
