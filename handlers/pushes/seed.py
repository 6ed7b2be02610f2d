"""Demo data: the content library and two segments of the demo company."""
from __future__ import annotations

from pathlib import Path

from content.library import import_library, parse_library
from models import Segment

DEMO_DIR = Path(__file__).resolve().parents[2] / "content" / "demo"
DEMO_SEGMENTS = {
    "展会线索": {"any": [{"tag": "展会线索"}, {"channel": "expo2026-a12"}]},
    "已同意的白皮书读者": {"all": [{"tag": "白皮书下载"}, {"consented": True}]},
}


async def seed_pushes() -> None:
    await import_library(parse_library((DEMO_DIR / "library.yaml").read_text(encoding="utf-8")))
    for name, rules in DEMO_SEGMENTS.items():
        await Segment.get_or_create(name=name, defaults={"rules": rules})
