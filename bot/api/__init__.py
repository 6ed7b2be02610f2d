"""What the WeCom and WeChat API clients share (bot.platforms.wecom.client.WeComClient,
bot.platforms.wechat.client.WeChatClient): transport, tokens, errors, rate limits.

    async with aiohttp.ClientSession() as session:
        wecom = WeComClient(settings, session, clock, on_sent=behaviour.on_api_sent)
        await wecom.kf_send_text(external_userid, open_kfid, "您好")

Every method returns the answer's JSON dict and raises ApiError (TokenExpired, RateLimited,
SystemBusy, TransportError) on failure, ValueError on input beyond a documented limit.
Tokens live in Redis when ``settings.redis_url`` is set (shared by processes), else in
memory; pass one ``token_store`` to several clients to share it explicitly.
"""
from .errors import ApiError, RateLimited, SystemBusy, TokenExpired, TransportError
from .ratelimit import PathRateLimiter, Rate
from .tokens import Credential, MemoryTokenStore, RedisTokenStore, TokenStore, token_store_for
from .transport import SENDING_APIS, OnSent, RetryPolicy

__all__ = [
    "ApiError", "Credential", "MemoryTokenStore", "OnSent", "PathRateLimiter", "Rate", "RateLimited",
    "RedisTokenStore", "RetryPolicy", "SENDING_APIS", "SystemBusy", "TokenExpired", "TokenStore",
    "TransportError", "token_store_for",
]
