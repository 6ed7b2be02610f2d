"""API bearer tokens: random, shown once, stored as a SHA-256, revocable."""
from __future__ import annotations

import re
import secrets

from bot.clock import Clock
from console.access.actors import Actor
from console.access.refusal import Refusal
from console.access.permissions import Role, parse_role, sees_own_leads_only
from console.access.sessions import digest
from models import ApiToken

TOKEN_PREFIX = "siyu_"
# Names start with a letter, digit or Chinese character; then those, spaces and ._:@-
NAME_PATTERN = "^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff ._:@-]{0,63}$"


class TokenError(Refusal):
    """A token operation was refused; the message says why."""


async def create_token(name: str, role: str, *, clock: Clock, created_by: str = "") -> tuple[ApiToken, str]:
    """A new token; returns the row and the secret (shown once, never stored)."""
    if not re.fullmatch(NAME_PATTERN, name):
        raise TokenError("a token name is 1-64 letters, digits, Chinese characters, spaces or ._:@- and starts with no space or mark", msgid="refused.token_name")
    name = name.strip()
    try:
        parsed = parse_role(role)
    except ValueError as exc:
        raise TokenError(str(exc)) from None
    if sees_own_leads_only(parsed):
        raise TokenError(f"a token acts for no one person, so it cannot have the {parsed} role")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = await ApiToken.create(
        name=name, role=parsed.value, token_hash=digest(secret), prefix=secret[:12],
        created_by=created_by, created_at=clock.now(),
    )
    return row, secret


async def token_actor(secret: str, clock: Clock) -> Actor | None:
    """The actor of a live token (recording its use), or None."""
    row = await ApiToken.get_or_none(token_hash=digest(secret), revoked_at=None)
    if row is None:
        return None
    row.last_used_at = clock.now()
    await row.save(update_fields=["last_used_at"])
    return Actor("token", row.id, row.name, Role(row.role))


async def revoke_token(token_id: int, *, clock: Clock) -> ApiToken:
    row = await ApiToken.get_or_none(id=token_id)
    if row is None:
        raise TokenError(f"no token with id {token_id}")
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        await row.save(update_fields=["revoked_at"])
    return row
