"""The checks every callback passes before anything else, in this order: body size, signature
(done by each transport with bot.platforms.crypto), timestamp window. A failed check raises
CallbackRejected with the HTTP status to answer; nothing reaches the pipeline."""
from __future__ import annotations

import logging

from aiohttp import web

from bot.clock import Clock
from bot.platforms.crypto import CallbackCrypto, CallbackSecurityError
from bot.platforms.payloads import PayloadError

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # callbacks are a few KiB; anything this large is not from the platform
_STATUS_TEXT = {400: "bad request", 403: "forbidden", 413: "payload too large"}


class CallbackRejected(Exception):
    """Answer the request with ``status`` and stop; ``reason`` goes to the log only."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def read_body(request: web.Request, limit: int = MAX_BODY) -> bytes:
    """The request body, refused with 413 past ``limit`` bytes (read no further than that)."""
    if request.content_length is not None and request.content_length > limit:
        raise CallbackRejected(413, f"body of {request.content_length} bytes exceeds {limit}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(16 * 1024):
        size += len(chunk)
        if size > limit:
            raise CallbackRejected(413, f"body exceeds {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def check_timestamp(timestamp: str, clock: Clock, max_skew: int) -> None:
    """Refuse (403) a callback whose ``timestamp`` is more than ``max_skew`` seconds away from
    now: a replayed request. ``max_skew`` 0 turns the check off."""
    if max_skew <= 0:
        return
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        raise CallbackRejected(403, "timestamp missing or not a number") from None
    if abs(clock.time() - sent) > max_skew:
        raise CallbackRejected(403, f"timestamp {sent} outside the {max_skew}s window")


def rejection_response(exc: Exception, channel: str) -> web.Response:
    """The HTTP answer to a refused callback (never a 500)."""
    if isinstance(exc, CallbackRejected):
        status, reason = exc.status, exc.reason
    elif isinstance(exc, CallbackSecurityError):
        status, reason = 403, str(exc)
    elif isinstance(exc, PayloadError):
        status, reason = 400, str(exc)
    else:  # pragma: no cover - the transports only pass the three kinds above
        status, reason = 400, type(exc).__name__
    log.warning("%s callback refused (%s): %s", channel, status, reason)
    return web.Response(status=status, text=_STATUS_TEXT.get(status, "refused"))


def query(request: web.Request, name: str) -> str:
    return request.query.get(name, "")


def verified_plaintext(request: web.Request, crypto: CallbackCrypto, encrypt: str, clock: Clock, max_skew: int) -> str:
    """Check msg_signature (constant time) and the timestamp window, then decrypt."""
    timestamp = query(request, "timestamp")
    crypto.verify(query(request, "msg_signature"), timestamp, query(request, "nonce"), encrypt)
    check_timestamp(timestamp, clock, max_skew)
    return crypto.decrypt(encrypt)


def echo_verified(request: web.Request, crypto: CallbackCrypto, clock: Clock, max_skew: int, channel: str) -> web.Response:
    """URL verification (GET with echostr): answer the decrypted echostr as plain text."""
    try:
        plain = verified_plaintext(request, crypto, query(request, "echostr"), clock, max_skew)
    except (CallbackRejected, CallbackSecurityError) as exc:
        return rejection_response(exc, channel)
    return web.Response(text=plain)
