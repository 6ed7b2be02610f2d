"""The part every API client shares: HTTP with a timeout, JSON in and out, access tokens,
one refresh on a rejected token, bounded retries with exponential backoff, per-path rate
limiting, and the ``on_sent`` hook for messages delivered to a person.

Request bodies are UTF-8 JSON without ``\\uXXXX`` escapes: WeCom/WeChat answer 40033
(不合法的请求字符，不能包含\\uxxxx格式的字符) to escaped text.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Mapping

import aiohttp

from bot.clock import Clock
from bot.config import ConfigError, Settings

from .deliveries import DELIVERING_APIS
from .errors import RETRYABLE_CODES, ApiError, TransportError, error_for
from .ratelimit import PathRateLimiter, Rate
from .tokens import AccessTokens, Credential, TokenStore, token_store_for

log = logging.getLogger(__name__)

OnSent = Callable[[str, dict], Awaitable[None]]
Call = Callable[[], Awaitable[dict]]

# APIs that deliver a message to a person: the on_sent hook hears of each success.
SENDING_APIS = frozenset(DELIVERING_APIS)

DEFAULT_TIMEOUT = 10.0
_CREDENTIAL_IN_TEXT = re.compile(r"((?:access_token|corpsecret|secret)=)[^&\s'\"]+")


@dataclass(frozen=True)
class RetryPolicy:
    """Tries per call on -1/45009/45033 (WeCom advises at most 3 retries), with delays
    ``base_delay * factor**n`` capped at ``max_delay``."""

    attempts: int = 4
    base_delay: float = 1.0
    factor: float = 2.0
    max_delay: float = 30.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.base_delay < 0 or self.factor < 1:
            raise ValueError(f"a retry policy needs attempts >= 1, base_delay >= 0 and factor >= 1, got {self}")

    def delay(self, retry: int) -> float:
        return min(self.max_delay, self.base_delay * self.factor**retry)


def errcode_of(data: dict, api: str) -> int:
    """The answer's errcode; a missing one means success (WeChat omits it on some APIs)."""
    raw = data.get("errcode", 0)
    try:
        return int(raw or 0)
    except (TypeError, ValueError):
        raise TransportError(f"answer has a non-numeric errcode {raw!r}", api) from None


class ApiTransport:
    """Calls one platform's API. Subclasses name the platform, the settings it needs, its base
    URL setting, and the token endpoint and its parameters."""

    platform: str = ""
    required: tuple[str, ...] = ()  # Settings fields without which the client cannot work
    base_url_setting: str = ""
    token_path: str = ""
    token_codes: frozenset[int] = frozenset()

    def __init__(
        self,
        settings: Settings,
        session: aiohttp.ClientSession,
        clock: Clock,
        token_store: TokenStore | None = None,
        on_sent: OnSent | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),
        limiter: PathRateLimiter | None = None,
    ) -> None:
        missing = [settings.env_name(name) for name in self.required if not getattr(settings, name)]
        if missing:
            raise ConfigError(f"{' and '.join(missing)} are required to call {self.platform}")
        owns_token_store = token_store is None
        token_store = token_store_for(settings) if owns_token_store else token_store
        self.base_url = getattr(settings, self.base_url_setting).rstrip("/")
        self.session = session
        self.clock = clock
        self.on_sent = on_sent
        self.retry = retry
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.limiter = limiter or PathRateLimiter(clock, per_path=self.path_rates)
        self.token_store = token_store
        self.tokens = AccessTokens(token_store, clock, self._fetch_token)
        self._owns_token_store = owns_token_store

    path_rates: Mapping[str, Rate] = {}  # per-API rates where the default does not fit

    def token_params(self, credential: Credential) -> dict[str, str]:
        raise NotImplementedError

    async def close(self) -> None:
        """Release the token store if this client created it (the session is the caller's)."""
        if self._owns_token_store:
            await self.token_store.close()

    async def call(
        self,
        method: str,
        path: str,
        credential: Credential,
        *,
        params: Mapping[str, Any] | None = None,
        payload: dict | None = None,
    ) -> dict:
        """Call ``path`` with a valid token; return the JSON answer, or raise ApiError."""
        data = await self._retrying(path, lambda: self._authorized(method, path, credential, params, payload))
        if path in SENDING_APIS and self.on_sent is not None:
            await self._notify_sent(path, payload or {})
        return data

    async def _authorized(self, method: str, path: str, credential: Credential, params, payload) -> dict:
        token = await self.tokens.get(credential)
        data = await self.request(method, path, {**(params or {}), "access_token": token}, payload)
        if errcode_of(data, path) in self.token_codes:
            await self.tokens.invalidate(credential, token)
            token = await self.tokens.get(credential)
            data = await self.request(method, path, {**(params or {}), "access_token": token}, payload)
        return data

    async def _retrying(self, path: str, attempt: Call) -> dict:
        for retry in range(self.retry.attempts):
            data = await attempt()
            code = errcode_of(data, path)
            if code == 0:
                return data
            if code not in RETRYABLE_CODES or retry + 1 >= self.retry.attempts:
                raise error_for(code, str(data.get("errmsg", "")), path, self.token_codes)
            log.warning("%s answered %s, retry %d", path, code, retry + 1)
            await self.clock.sleep(self.retry.delay(retry))
        raise AssertionError("unreachable")

    async def _fetch_token(self, credential: Credential) -> tuple[str, float]:
        path = self.token_path
        data = await self._retrying(path, lambda: self.request("GET", path, self.token_params(credential)))
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise TransportError("token answer has no access_token", path)
        try:
            expires_in = float(data.get("expires_in", 7200))
        except (TypeError, ValueError):
            raise TransportError(f"token answer has a bad expires_in {data.get('expires_in')!r}", path) from None
        return token, expires_in

    async def request(self, method: str, path: str, params: Mapping[str, Any], payload: dict | None = None) -> dict:
        """One HTTP exchange, rate limited; any failure to get a JSON object is an ApiError."""
        await self.limiter.acquire(path)
        body = None if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8"} if body is not None else None
        try:
            async with self.session.request(
                method, self.base_url + path, params=dict(params), data=body, headers=headers, timeout=self.timeout
            ) as resp:
                raw = await resp.read()
                status, reason, content_type = resp.status, resp.reason, resp.content_type
        except TimeoutError:
            raise TransportError(f"no answer within {self.timeout.total} s", path) from None
        except aiohttp.ClientError as exc:
            text = _CREDENTIAL_IN_TEXT.sub(r"\1***", f"{type(exc).__name__}: {exc}")
            raise TransportError(f"request failed: {text}", path) from None
        if status >= 400:
            raise TransportError(f"HTTP {status} {reason or ''}".rstrip(), path)
        return _json_object(raw, status, content_type, path)

    async def _notify_sent(self, path: str, payload: dict) -> None:
        # The message is out: a failing hook must not make the caller send it again.
        try:
            await self.on_sent(path, payload)
        except Exception:
            log.exception("on_sent hook failed for %s", path)


def _json_object(raw: bytes, status: int, content_type: str, path: str) -> dict:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        preview = raw[:120].decode("utf-8", "replace")
        raise TransportError(f"answer is not JSON (HTTP {status}, {content_type}): {preview!r}", path) from None
    if not isinstance(data, dict):
        raise TransportError(f"answer is JSON but not an object: {type(data).__name__}", path)
    return data


__all__ = ["ApiError", "ApiTransport", "OnSent", "RetryPolicy", "SENDING_APIS"]
