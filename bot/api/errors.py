"""Errors raised by the WeCom/WeChat API clients.

Return codes from the official global lists (WeCom document/path/90313, WeChat 全局返回码):
-1 系统繁忙 (retry, "建议重试次数不超过3次"); 40014 不合法的access_token; 42001 access_token已过期;
WeChat 40001 "AppSecret 错误，或者 access_token 无效" (on a business API it means the token);
45009 接口调用超过限制; 45033 接口并发调用超过限制.
"""
from __future__ import annotations

SYSTEM_BUSY = -1
INVALID_CREDENTIAL = 40001
INVALID_ACCESS_TOKEN = 40014
ACCESS_TOKEN_EXPIRED = 42001
FREQ_OUT_OF_LIMIT = 45009
CONCURRENCY_OUT_OF_LIMIT = 45033

RETRYABLE_CODES = frozenset({SYSTEM_BUSY, FREQ_OUT_OF_LIMIT, CONCURRENCY_OUT_OF_LIMIT})
WECOM_TOKEN_CODES = frozenset({INVALID_ACCESS_TOKEN, ACCESS_TOKEN_EXPIRED})
WECHAT_TOKEN_CODES = frozenset({INVALID_CREDENTIAL, INVALID_ACCESS_TOKEN, ACCESS_TOKEN_EXPIRED})


class ApiError(Exception):
    """An API call failed. ``errcode`` is the platform's code, or None when no answer with a
    code arrived (timeout, HTTP error, a body that is not JSON); ``api`` is the path called."""

    def __init__(self, errcode: int | None, errmsg: str, api: str) -> None:
        self.errcode = errcode
        self.errmsg = errmsg
        self.api = api
        code = "no errcode" if errcode is None else f"errcode {errcode}"
        super().__init__(f"{api}: {code}: {errmsg}")


class TransportError(ApiError):
    """No usable answer: the request timed out, failed, or the reply was not a JSON object."""

    def __init__(self, errmsg: str, api: str) -> None:
        super().__init__(None, errmsg, api)


class TokenExpired(ApiError):
    """The access token was rejected (invalid or expired) even after one refresh."""


class RateLimited(ApiError):
    """The platform's frequency (45009) or concurrency (45033) limit held past the retries."""


class SystemBusy(ApiError):
    """The platform answered -1 (system busy) past the retries."""


def error_for(errcode: int, errmsg: str, api: str, token_codes: frozenset[int] = frozenset()) -> ApiError:
    """The most specific ApiError for a platform answer."""
    if errcode in token_codes:
        return TokenExpired(errcode, errmsg, api)
    if errcode in (FREQ_OUT_OF_LIMIT, CONCURRENCY_OUT_OF_LIMIT):
        return RateLimited(errcode, errmsg, api)
    if errcode == SYSTEM_BUSY:
        return SystemBusy(errcode, errmsg, api)
    return ApiError(errcode, errmsg, api)
