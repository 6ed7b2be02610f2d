"""Staff users: creation, passwords, and sign-in with throttling of repeated failures."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tortoise.exceptions import IntegrityError

from bot.clock import Clock
from console.access.actors import Actor
from console.access.refusal import Refusal
from console.access.passwords import hash_password, verify_password
from console.access.permissions import Role, parse_role
from models import LoginAttempt, StaffSession, StaffUser

THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_REMOTE = 20
KEEP_ATTEMPTS = timedelta(days=1)
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-@")


class AccountError(Refusal):
    """A staff-user operation was refused; the message says why."""


class LoginThrottled(Exception):
    """Too many recent failures for this user or address."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} seconds")
        self.retry_after = retry_after


def check_username(username: str) -> str:
    name = username.strip().lower()
    if not 1 <= len(name) <= 64 or not set(name) <= USERNAME_CHARS:
        raise AccountError("a username is 1-64 characters: letters, digits, '.', '_', '-', '@'", msgid="refused.username")
    return name


async def create_user(
    username: str,
    role: str,
    password: str,
    *,
    clock: Clock,
    display_name: str = "",
    wecom_userid: str | None = None,
) -> StaffUser:
    """Create a staff user; AccountError (or WeakPassword) explains a refusal."""
    name = check_username(username)
    try:
        parsed = parse_role(role)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    if await StaffUser.exists(username=name):
        raise AccountError(f"a staff user named {name!r} already exists", msgid="refused.user_exists", name=name)
    try:
        return await StaffUser.create(
            username=name,
            role=parsed.value,
            password_hash=hash_password(password),
            display_name=display_name or name,
            wecom_userid=wecom_userid or None,
            created_at=clock.now(),
        )
    except IntegrityError:
        raise AccountError(f"WeCom userid {wecom_userid!r} is already taken", msgid="refused.wecom_taken", userid=wecom_userid) from None


async def set_password(username: str, password: str) -> StaffUser:
    """A new password; the user's open sessions end."""
    user = await StaffUser.get_or_none(username=username.strip().lower())
    if user is None:
        raise AccountError(f"no staff user named {username!r}")
    user.password_hash = hash_password(password)
    await user.save(update_fields=["password_hash"])
    await StaffSession.filter(user=user).delete()
    return user


def user_actor(user: StaffUser) -> Actor:
    return Actor("user", user.id, user.username, Role(user.role), user.wecom_userid, user.language)


@dataclass(frozen=True)
class SignIn:
    """Checks credentials, refusing after repeated failures (per user and per address)."""

    clock: Clock

    async def __call__(self, username: str, password: str, remote: str) -> StaffUser | None:
        name = username.strip().lower()[:64]
        await self._check_throttle(name, remote)
        user = await StaffUser.get_or_none(username=name, active=True)
        ok = verify_password(user.password_hash if user else None, password)
        now = self.clock.now()
        await LoginAttempt.filter(at__lt=now - KEEP_ATTEMPTS).delete()
        await LoginAttempt.create(username=name, remote=remote[:64], succeeded=ok, at=now)
        if not ok or user is None:
            return None
        user.last_login_at = now
        await user.save(update_fields=["last_login_at"])
        await StaffSession.filter(user=user, expires_at__lte=now).delete()
        return user

    async def _check_throttle(self, name: str, remote: str) -> None:
        since = self.clock.now() - THROTTLE_WINDOW
        for field, value, limit in (("username", name, MAX_FAILURES_PER_USER), ("remote", remote, MAX_FAILURES_PER_REMOTE)):
            failures = LoginAttempt.filter(**{field: value}, succeeded=False, at__gte=since)
            if await failures.count() >= limit:
                oldest = await failures.order_by("-at").offset(limit - 1).first()
                retry = oldest.at + THROTTLE_WINDOW - self.clock.now()
                raise LoginThrottled(max(1, int(retry.total_seconds())))


USER_FIELDS = ("display_name", "role", "active", "wecom_userid")


async def update_user(user: StaffUser, changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Change a user's display name, role, active flag or WeCom userid; returns (before,
    after) of the changed fields. The last active admin cannot be demoted or disabled."""
    unknown = set(changes) - set(USER_FIELDS)
    if unknown:
        raise AccountError(f"these fields cannot be changed: {', '.join(sorted(unknown))}")
    if "role" in changes:
        try:
            changes = {**changes, "role": parse_role(changes["role"]).value}
        except ValueError as exc:
            raise AccountError(str(exc)) from None
    losing_admin = user.role == Role.ADMIN and user.active and (changes.get("role", "admin") != "admin" or changes.get("active") is False)
    if losing_admin and await StaffUser.filter(role="admin", active=True).count() <= 1:
        raise LastAdmin("the last active admin cannot be demoted or disabled", msgid="refused.last_admin")
    if changes.get("wecom_userid") and await StaffUser.filter(wecom_userid=changes["wecom_userid"]).exclude(id=user.id).exists():
        userid = changes["wecom_userid"]
        raise AccountError(f"WeCom userid {userid!r} belongs to another staff user", msgid="refused.wecom_taken", userid=userid)
    before = {k: getattr(user, k) for k in changes}
    for name, value in changes.items():
        setattr(user, name, value or None if name == "wecom_userid" else value)
    await user.save(update_fields=list(changes))
    return before, {k: getattr(user, k) for k in changes}


class LastAdmin(AccountError):
    """The change would leave no active admin."""


async def create_demo_admin(clock: Clock, username: str = "admin") -> tuple[str, str] | None:
    """For the demo: create ``username`` as admin with a random password and return the
    credentials to print; None when the user already exists."""
    if await StaffUser.exists(username=username):
        return None
    password = secrets.token_urlsafe(12)
    await create_user(username, "admin", password, clock=clock, display_name="Demo admin")
    return username, password
