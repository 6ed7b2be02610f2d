"""Async clients for the WeCom and WeChat server APIs."""
from .errors import ApiError, RateLimited, SystemBusy, TokenExpired, TransportError
from .ratelimit import PathRateLimiter, Rate
from .tokens import Credential, MemoryTokenStore, RedisTokenStore, TokenStore, token_store_for
from .transport import SENDING_APIS, OnSent, RetryPolicy
from .wechat import WeChatClient
from .wecom import WeComClient

__all__ = [
    "ApiError", "Credential", "MemoryTokenStore", "OnSent", "PathRateLimiter", "Rate", "RateLimited",
    "RedisTokenStore", "RetryPolicy", "SENDING_APIS", "SystemBusy", "TokenExpired", "TokenStore",
    "TransportError", "WeChatClient", "WeComClient", "token_store_for",
]
