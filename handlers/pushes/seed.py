"""Demo data: the content library, two segments, a finished campaign with opens (its history),
a scheduled campaign and a sequence, so the demo shows pushes on first start. Demo leads come
first when there are none yet (the tour adds more)."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from content.library import import_library, parse_library
from models import BehaviourEvent, Campaign, Channel, Lead, LeadIdentity, LeadTag, PushDelivery, Segment, Sequence, TrackedLink, WeComMember

from .planning import create_campaign, plan_rotation
from .schedule import CHINA
from .sequences import create_sequence

DEMO_DIR = Path(__file__).resolve().parents[2] / "content" / "demo"
DEMO_SEGMENTS = {
    "展会线索": {"any": [{"tag": "展会线索"}, {"channel": "expo2026-a12"}]},
    "已同意的白皮书读者": {"all": [{"tag": "白皮书下载"}, {"consented": True}]},
}
DEMO_LEADS = (("王工", "苏州某某材料有限公司"), ("李经理", "宁波华东精密"), ("赵总", "常州新能汽车部件"),
              ("陈工", "无锡包装科技"))
FINISHED = """\
name: 十一月·选型白皮书首发
audience:
  segments: [展会线索]
message:
  text: "{{ name or '您' }}好，《{{ title }}》已发布，点开即可阅读：{{ link }}"
  content: pp-whitepaper-2026
schedule: now
"""
FINISHED_DAYS_AGO = 10
OPENED = 2  # of the finished campaign's recipients


async def seed_pushes(bot: Any = None) -> None:
    """The library and segments; with ``bot`` (the demo), also the campaigns and the sequence."""
    await import_library(parse_library((DEMO_DIR / "library.yaml").read_text(encoding="utf-8")))
    for name, rules in DEMO_SEGMENTS.items():
        await Segment.get_or_create(name=name, defaults={"rules": rules})
    if bot is None:
        return
    now = bot.clock.now()
    if not await LeadIdentity.exists(value__startswith="wmDemoExpo"):  # other features seed leads too
        await _demo_leads(now)
    await _finished_campaign(now - timedelta(days=FINISHED_DAYS_AGO), bot.settings.base_url)
    await _scheduled_campaign(now)
    if not await Sequence.exists():
        await create_sequence((DEMO_DIR / "sequence.yaml").read_text(encoding="utf-8"))


async def _demo_leads(now: datetime) -> None:
    """Expo visitors who agreed to the policy, owned by the sales rep."""
    owner, _ = await WeComMember.get_or_create(userid="zhangsan", defaults={"name": "张三（销售）"})
    expo = await Channel.get_or_none(code="expo2026-a12")
    for n, (name, company) in enumerate(DEMO_LEADS):
        lead = await Lead.create(name=name, company=company, owner=owner, first_channel=expo, last_channel=expo,
                                 consent_at=now - timedelta(days=20))
        await LeadIdentity.create(lead=lead, kind="external_userid", value=f"wmDemoExpo{n:04d}")
        for tag in ("2026材料展", "展会线索"):
            await LeadTag.create(lead=lead, name=tag)


async def _finished_campaign(then: datetime, base_url: str) -> None:
    """Planned ``then`` through the real planner, its history written as WeCom would have
    reported it: every member confirmed, two readers opened the whitepaper."""
    name = yaml.safe_load(FINISHED)["name"]
    if await Campaign.exists(name=name):
        return
    campaign = await create_campaign(FINISHED, then, created_by="demo")
    await plan_rotation(campaign.id, then, base_url)
    sent, confirmed = then + timedelta(minutes=1), then + timedelta(hours=1)
    await PushDelivery.filter(campaign_id=campaign.id, state="planned").update(
        state="confirmed", sent_at=sent, confirmed_at=confirmed, msgid=f"msgDemo{campaign.id:04d}")
    await Campaign.filter(id=campaign.id).update(state="finished", next_run_at=None)
    for n, link in enumerate(await TrackedLink.filter(campaign_id=campaign.id).order_by("id").limit(OPENED)):
        opened = confirmed + timedelta(hours=2 + n)
        await TrackedLink.filter(id=link.id).update(first_opened_at=opened, opens=1 + n, read_seconds=180 * (n + 1))
        if link.lead_id is not None:
            item = await link.item
            await BehaviourEvent.create(
                lead_id=link.lead_id, kind="content.opened", direction="inbound", platform="web", actor=link.recipient,
                occurred_at=opened, payload={"item": item.slug, "title": item.title, "campaign_id": campaign.id})


async def _scheduled_campaign(now: datetime) -> None:
    """The README's campaign file, due the next working morning after two days."""
    spec = yaml.safe_load((DEMO_DIR / "campaign.yaml").read_text(encoding="utf-8"))
    if await Campaign.exists(name=spec["name"]):
        return
    at = (now.astimezone(CHINA) + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    spec["schedule"] = {"at": at.strftime("%Y-%m-%dT%H:%M")}
    await create_campaign(yaml.safe_dump(spec, allow_unicode=True), now, created_by="demo")
