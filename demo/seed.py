"""The demo company's data: 华材新材料 (a fictional industrial-materials supplier). Channels and
FAQ come from content/demo/ through the features' own importers, as a customer's would."""
from __future__ import annotations

from pathlib import Path

from bot.app import Bot
from bot.simulator.simulator import Simulator
from console.accounts import create_demo_admin
from handlers.faq import seed_faq
from handlers.onboarding.channels import ChannelService
from handlers.onboarding.groups import GroupService
from handlers.onboarding.setup_file import apply_setup
from models import Channel, Staff

from .history import seed_history

DEMO_DIR = Path(__file__).resolve().parent.parent / "content" / "demo"
KF_ACCOUNT = "wkHuacaiKf0001"
COMPANY = "华材新材料"
STAFF = {"zhangsan": "张三", "lisi": "李四", "wangwu": "王五"}  # sales, support, marketing
GROUPS = {"wrHuacaiPackaging01": "华材·包装行业客户群", "wrHuacaiAuto0001": "华材·汽车零部件客户群"}


def seed_platform(sim: Simulator) -> None:
    """Staff, a customer-service account and two customer groups on the fake platform."""
    for userid, name in STAFF.items():
        sim.add_staff(userid, name)
    sim.add_kf_account(KF_ACCOUNT, "华材售前咨询", servicers=["lisi"])
    for chat_id, name in GROUPS.items():
        sim.add_group(chat_id, name, "zhangsan")


async def seed_company(bot: Bot) -> tuple[list[Channel], tuple[str, str] | None]:
    """Channels (each with a real contact way on the simulated platform), the FAQ and a
    console admin; returns the channels and the admin's credentials."""
    service = ChannelService(bot.wecom, bot.wechat, GroupService(bot.wecom))
    await apply_setup((DEMO_DIR / "channels.yaml").read_text(encoding="utf-8"), service)
    await seed_faq(DEMO_DIR / "faq.yaml")
    admin = await create_demo_admin(bot.clock)
    channels = list(await Channel.filter(archived=False).exclude(config_id="").order_by("id"))
    for userid, name in STAFF.items():
        await Staff.update_or_create(userid=userid, defaults={"name": name})
    await seed_history(bot.clock.now(), channels)
    return channels, admin
