"""The privacy policy (个人信息保护政策) shown to contacts before consent, and its version.
Change ``policy.md.j2`` and bump ``VERSION`` together: consent is recorded per version."""
from __future__ import annotations

from pathlib import Path

from content.rendering import render

HERE = Path(__file__).parent
POLICY_VERSION = (HERE / "VERSION").read_text(encoding="utf-8").strip()


def render_policy(company: str) -> str:
    """The policy text (Markdown) for ``company``."""
    source = (HERE / "policy.md.j2").read_text(encoding="utf-8")
    return render(source, {"company": company, "version": POLICY_VERSION})


_BLOCKS = (("# ", "h1"), ("## ", "h2"), ("- ", "li"))


def policy_page(company: str, *, token: str = "", notice: str = "") -> str:
    """The policy as an HTML page; ``token`` adds the agree button, ``notice`` replaces it."""
    blocks = []
    for line in render_policy(company).splitlines():
        tag, text = next(((tag, line[len(prefix):]) for prefix, tag in _BLOCKS if line.startswith(prefix)), ("p", line))
        if tag != "p" or text.strip():
            blocks.append((tag, text))
    source = (HERE / "page.html.j2").read_text(encoding="utf-8")
    return render(source, {"version": POLICY_VERSION, "blocks": blocks, "token": token, "notice": notice}, dialect="html")
