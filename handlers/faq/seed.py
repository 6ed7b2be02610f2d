"""The demo company's FAQ, loaded when the demo starts."""
from __future__ import annotations

import asyncio
from pathlib import Path

from faq import parse_faq_file
from handlers.faq.store import save_entries

DEMO_FAQ = Path(__file__).resolve().parents[2] / "content" / "demo" / "faq.yaml"


async def seed_faq(path: str | Path = DEMO_FAQ, by: str = "demo") -> dict[str, int]:
    """Import the demo FAQ (idempotent: a second run changes nothing). Needs a connected
    database; returns the created/updated/unchanged counts."""
    entries = parse_faq_file(await asyncio.to_thread(Path(path).read_text, encoding="utf-8"), "yaml")
    return await save_entries(entries, by)
