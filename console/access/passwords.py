"""Password hashing with argon2id (argon2-cffi's recommended parameters)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from console.access.refusal import Refusal

MIN_LENGTH = 10
_HASHER = PasswordHasher()  # stateless, safe to share
_DUMMY_HASH = _HASHER.hash("not a real password, compared to keep timing even")


class WeakPassword(Refusal):
    """The password does not meet the minimum rules."""


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_LENGTH} characters", msgid="refused.password_short", length=MIN_LENGTH)
    if password.strip(" \t\r\n") != password:
        raise WeakPassword("the password must not start or end with spaces", msgid="refused.password_spaces")


def hash_password(password: str) -> str:
    check_strength(password)
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; an absent hash is still checked against a dummy so a
    missing user takes as long as a wrong password."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False
