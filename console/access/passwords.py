"""Password rules and hashing: at least 10 characters, nothing derived from the username, not
guessable (zxcvbn's estimate over its lists of common passwords, words, names and keyboard
patterns); argon2id with argon2-cffi's recommended parameters."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from console.access.refusal import Refusal

MIN_LENGTH = 10
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable", about 10^8 guesses or more
PRODUCT_WORDS = ("siyu", "私域", "wecom", "wechat", "console")
_HASHER = PasswordHasher()  # stateless, safe to share
_DUMMY_HASH = _HASHER.hash("not a real password, compared to keep timing even")
# argon2id costs tens of milliseconds of CPU and 64 MiB per check: off the event loop (it
# answers platform callbacks within 5 s), and a few at a time, so a burst of sign-ins queues
# here instead of taking every core. (argon2-cffi releases the GIL while hashing.)
VERIFIERS = 2
_VERIFY_POOL = ThreadPoolExecutor(max_workers=VERIFIERS, thread_name_prefix="argon2")


class WeakPassword(Refusal):
    """The password does not meet the minimum rules."""


def check_strength(password: str, username: str = "") -> None:
    """WeakPassword saying why ``password`` is refused for ``username``."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_LENGTH} characters", msgid="refused.password_short", length=MIN_LENGTH)
    if password.strip(" \t\r\n") != password:
        raise WeakPassword("the password must not start or end with spaces", msgid="refused.password_spaces")
    if derived_from(password, username):
        raise WeakPassword("the password must not contain or be derived from the username", msgid="refused.password_personal")
    if zxcvbn(password[:100], user_inputs=[username, *PRODUCT_WORDS])["score"] < MIN_SCORE:
        raise WeakPassword("the password is too common or easy to guess", msgid="refused.password_common")


def derived_from(password: str, username: str) -> bool:
    """The username (or its letters without digits and marks) inside the password, forwards
    or backwards, or the password inside the username."""
    plain, name = _letters(password), _letters(username)
    if len(name) < 3:
        return bool(username) and username.lower() in password.lower()
    return name in plain or name[::-1] in plain or (len(plain) >= 3 and plain in name)


def _letters(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalpha())


def hash_password(password: str, username: str = "") -> str:
    check_strength(password, username)
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; an absent hash is still checked against a dummy so a
    missing user takes as long as a wrong password."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def check_password(stored_hash: str | None, password: str) -> bool:
    """``verify_password`` in the small verifying pool, without blocking the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_VERIFY_POOL, verify_password, stored_hash, password)
