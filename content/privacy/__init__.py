"""The privacy policy (个人信息保护政策) shown to contacts before consent, and its version.
Change ``policy.md.j2`` and bump ``VERSION`` together: consent is recorded per version."""
from __future__ import annotations

from pathlib import Path

from content.templates import render_message

HERE = Path(__file__).parent
POLICY_VERSION = (HERE / "VERSION").read_text(encoding="utf-8").strip()


def render_policy(company: str) -> str:
    """The policy text (Markdown) for ``company``."""
    source = (HERE / "policy.md.j2").read_text(encoding="utf-8")
    return render_message(source, company=company, version=POLICY_VERSION)
