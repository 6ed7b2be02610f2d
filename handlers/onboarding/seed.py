"""The demo company's channels, groups and tags, loaded when the demo starts (the same YAML
import a customer uses)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .channels import ChannelService
from .groups import GroupService
from .setup_file import apply_setup

DEMO_CHANNELS = Path(__file__).resolve().parents[2] / "content" / "demo" / "channels.yaml"


async def seed_channels(bot: Any, path: str | Path = DEMO_CHANNELS) -> None:
    """Create the demo channels, each with a real contact way on the (simulated) platform."""
    service = ChannelService(bot.wecom, bot.wechat, GroupService(bot.wecom))
    await apply_setup(Path(path).read_text(encoding="utf-8"), service)
