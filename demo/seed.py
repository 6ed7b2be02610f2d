"""The demo company's data: 华材新材料 (a fictional industrial-materials supplier). Each feature
seeds its part (channels, FAQ) from content/demo/ through its own importers, as a customer's
would."""
from __future__ import annotations

from typing import Iterable

from bot.app import Bot
from bot.feature import Feature, seed_demo
from console.access.accounts import create_demo_admin
from models import Channel, WeComMember
from simulator.simulator import Simulator

from .history import seed_history

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


async def seed_company(bot: Bot, features: Iterable[Feature]) -> tuple[list[Channel], tuple[str, str] | None]:
    """Every feature's demo data (channels with real contact ways on the simulated platform,
    the FAQ...) and a console admin; returns the channels and the admin's credentials."""
    await seed_demo(bot, features)
    admin = await create_demo_admin(bot.clock)
    channels = list(await Channel.filter(archived=False).exclude(config_id="").order_by("id"))
    for userid, name in STAFF.items():
        await WeComMember.update_or_create(userid=userid, defaults={"name": name})
    await seed_history(bot.clock.now(), channels)
    return channels, admin
