"""Callback transports: raw HTTP callbacks in, typed events (bot.events) out.

Each transport checks, before anything else and in this order, the body size (413), the
signature (403, constant time), the timestamp window (403), then decrypts and parses safely
(400 for malformed bodies or any DTD/entity declaration), and hands the event to the
pipeline. Nothing malformed ever reaches a handler, and nothing is answered with a 500.
"""
from bot.platforms.wechat.transport import WeChatTransport
from bot.platforms.wecom.transport import WeComTransport
from bot.platforms.wecom_bot.transport import WeComBotTransport

__all__ = ["WeChatTransport", "WeComBotTransport", "WeComTransport"]
