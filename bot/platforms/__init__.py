"""Platform adapters: raw HTTP callbacks in, typed events (bot.events) out, and each
platform's API client beside them.

- ``base``: CallbackTransport, the skeleton all three share (routes, URL verification,
  verify-and-decrypt, delivery, passive reply, acknowledgement); ``checks``, ``payloads``,
  ``replies`` and ``crypto`` are the pieces it is built from.
- ``wecom``: the self-built app (callback XML, WeComClient, 微信客服 puller, chat archive).
- ``wechat``: the official account (callback XML, plaintext or safe mode, WeChatClient).
- ``wecom_bot``: the 智能机器人 (JSON callbacks, stream replies).

Each transport checks, before anything else and in this order, the body size (413), the
signature (403, constant time), the timestamp window (403), then decrypts and parses safely
(400 for malformed bodies or any DTD/entity declaration), and hands the event to the
pipeline. Nothing malformed ever reaches a handler, and nothing is answered with a 500.
"""
