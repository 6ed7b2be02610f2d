"""What onboarding handlers share, as dispatcher services: the company's name and policy
link, the corp tag cache, and the receivers last set on each channel's contact way."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from bot.config import Settings

from .tags import TagBook


@dataclass
class Onboarding:
    """One per app. ``public_url`` is where contacts open the privacy policy page."""

    company: str = "我们"
    public_url: str = ""
    tag_book: TagBook = field(default_factory=TagBook)
    receivers: dict[int, tuple[str, ...]] = field(default_factory=dict)  # channel id → users on its way
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    @property
    def privacy_url(self) -> str:
        return f"{self.public_url.rstrip('/')}/privacy"

    def consent_token(self, lead_id: int) -> str:
        """A link token that lets this lead agree by a click (and nobody else)."""
        mac = hmac.new(self.secret, f"consent:{lead_id}".encode(), hashlib.sha256).hexdigest()[:24]
        return f"{lead_id}.{mac}"

    def lead_of_token(self, token: str) -> int | None:
        lead_id, _, _mac = token.partition(".")
        if not lead_id.isdigit() or not hmac.compare_digest(self.consent_token(int(lead_id)), token):
            return None
        return int(lead_id)

    def privacy_link(self, lead_id: int | None) -> str:
        return self.privacy_url + (f"?c={self.consent_token(lead_id)}" if lead_id else "")


def onboarding_services(settings: Settings, company: str = "", public_url: str = "") -> dict:
    """The services onboarding handlers ask for by name (the company named as in
    SIYU_COMPANY_NAME unless ``company`` says otherwise)."""
    company = company or settings.company_name or "我们"
    secret = hashlib.sha256(b"siyu-consent:" + settings.secret_key.encode()).digest() if settings.secret_key else None
    onboarding = Onboarding(company=company, public_url=public_url or f"http://{settings.host}:{settings.port}",
                            **({"secret": secret} if secret else {}))
    return {"onboarding": onboarding, "tag_book": onboarding.tag_book}
