"""Signed per-recipient links to a survey's H5 page: whose response it is and until when,
so a forwarded or edited link does not answer for someone else."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

LINK_PATH = "/s/"


@dataclass(frozen=True)
class LinkClaim:
    survey_id: int
    lead_id: int
    expires: int  # epoch seconds


class BadLink(ValueError):
    """The link was altered, or it expired (``expired``)."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired" if expired else "tampered")
        self.expired = expired


class LinkSigner:
    """Signs and checks survey link tokens with a key derived from the app's secret (a random
    one when no secret is set: links then last until the process restarts)."""

    def __init__(self, secret_key: str) -> None:
        seed = secret_key.encode() if secret_key else secrets.token_bytes(32)
        self._key = hashlib.sha256(b"siyu-survey-link:" + seed).digest()

    def token(self, survey_id: int, lead_id: int, expires: datetime) -> str:
        body = f"{survey_id}.{lead_id}.{int(expires.timestamp())}"
        return f"{_b64(body.encode())}.{self._mac(body)}"

    def url(self, base_url: str, survey_id: int, lead_id: int, expires: datetime) -> str:
        return f"{base_url.rstrip('/')}{LINK_PATH}{self.token(survey_id, lead_id, expires)}"

    def check(self, token: str, now: datetime) -> LinkClaim:
        """The claim of a valid token; BadLink otherwise."""
        encoded, _, mac = token.partition(".")
        try:
            body = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            raise BadLink() from None
        if not hmac.compare_digest(self._mac(body), mac):
            raise BadLink()
        survey_id, lead_id, expires = (int(part) for part in body.split("."))
        if now >= datetime.fromtimestamp(expires, timezone.utc):
            raise BadLink(expired=True)
        return LinkClaim(survey_id, lead_id, expires)

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest()[:18])


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
