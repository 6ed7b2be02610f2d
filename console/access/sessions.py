"""Console sessions (a random cookie, stored hashed) and CSRF tokens bound to a cookie."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from aiohttp import web

from bot.clock import Clock
from models import StaffSession, StaffUser

SESSION_COOKIE = "siyu_session"
CSRF_COOKIE = "siyu_csrf"
CSRF_FIELD = "csrf_token"
SESSION_TTL = timedelta(hours=12)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def start_session(user: StaffUser, clock: Clock) -> str:
    """A new session for ``user``; returns the cookie value."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    await StaffSession.create(token_hash=digest(token), user=user, created_at=now, expires_at=now + SESSION_TTL)
    return token


async def session_user(token: str | None, clock: Clock) -> StaffUser | None:
    """The active user of a live session, or None."""
    if not token:
        return None
    session = await StaffSession.get_or_none(token_hash=digest(token)).select_related("user")
    if session is None or session.expires_at <= clock.now() or not session.user.active:
        return None
    return session.user


async def end_session(token: str | None) -> None:
    if token:
        await StaffSession.filter(token_hash=digest(token)).delete()


def csrf_token(secret: bytes, seed: str) -> str:
    """The CSRF token for forms of the browser holding the ``seed`` cookie."""
    return hmac.new(secret, seed.encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret: bytes, seed: str | None, submitted: str | None) -> bool:
    if not seed or not submitted:
        return False
    return hmac.compare_digest(csrf_token(secret, seed), submitted)


def set_cookie(response: web.StreamResponse, request: web.Request, name: str, value: str, max_age: int | None) -> None:
    """HTTP-only, SameSite=Lax, Secure when the request came over HTTPS (directly or through
    a proxy saying so), scoped to the whole site."""
    secure = request.secure or request.headers.get("X-Forwarded-Proto", "") == "https"
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="Lax", secure=secure, path="/")
