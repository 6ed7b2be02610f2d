"""What onboarding handlers share, as dispatcher services: the company's name and policy
link, the corp tag cache, and the receivers last set on each channel's contact way."""
from __future__ import annotations

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

    @property
    def privacy_url(self) -> str:
        return f"{self.public_url.rstrip('/')}/privacy"


def onboarding_services(settings: Settings, company: str = "我们", public_url: str = "") -> dict:
    """The services onboarding handlers ask for by name."""
    onboarding = Onboarding(company=company, public_url=public_url or f"http://{settings.host}:{settings.port}")
    return {"onboarding": onboarding, "tag_book": onboarding.tag_book}
