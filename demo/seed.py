"""The demo company's data: 华材新材料 (a fictional industrial-materials supplier)."""
from __future__ import annotations

from pathlib import Path

import yaml

from bot.app import Bot
from bot.simulator.simulator import Simulator
from models import Channel

DEMO_DIR = Path(__file__).resolve().parent.parent / "content" / "demo"
KF_ACCOUNT = "wkHuacaiKf0001"
STAFF = {"zhangsan": "张三（销售）", "lisi": "李四（客服）", "wangwu": "王五（市场）"}
GROUPS = {"wrHuacaiPackaging01": "华材·包装行业客户群", "wrHuacaiAuto0001": "华材·汽车零部件客户群"}

DEFAULT_CHANNELS = [
    {"code": "expo2026-a12", "name": "2026 中国国际材料展 A12 展位", "kind": "trade_show",
     "welcome": "您好{{ name }}，感谢莅临华材 A12 展位！回复“白皮书”获取《2026 高分子材料选型白皮书》。"},
    {"code": "whitepaper-2026", "name": "《高分子材料选型白皮书》下载页", "kind": "whitepaper",
     "welcome": "您好，白皮书已备好：https://example.com/wp/2026 。有选型问题直接问我。"},
    {"code": "site-footer", "name": "官网页脚", "kind": "website",
     "welcome": "您好，欢迎来到华材新材料！发货、报价、样品都可以直接问我。"},
]


def seed_platform(sim: Simulator) -> None:
    """Staff, a customer-service account and two customer groups on the fake platform."""
    for userid, name in STAFF.items():
        sim.add_staff(userid, name)
    sim.add_kf_account(KF_ACCOUNT, "华材售前咨询", servicers=["lisi"])
    for chat_id, name in GROUPS.items():
        sim.add_group(chat_id, name, "zhangsan")


def demo_channels() -> list[dict]:
    path = DEMO_DIR / "channels.yaml"
    if path.exists():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return list(data.get("channels", [])) or DEFAULT_CHANNELS
    return DEFAULT_CHANNELS


async def seed_channels(bot: Bot) -> list[Channel]:
    """Each demo channel gets a real contact way on the (simulated) platform."""
    channels = []
    for spec in demo_channels():
        channel = await Channel.get_or_none(code=spec["code"])
        if channel is None:
            way = await bot.wecom.add_contact_way(type=1, scene=2, state=spec["code"], user=["zhangsan"])
            channel = await Channel.create(
                code=spec["code"], name=spec["name"], kind=spec.get("kind", "other"),
                welcome_template=spec.get("welcome", spec.get("welcome_template", "")),
                config_id=way["config_id"], qr_url=way.get("qr_code", ""),
            )
        channels.append(channel)
    return channels
