"""The demo company's last 30 days, so the dashboard, the channel report and the FAQ review
inbox show something real on first start: leads arriving through each channel (more around
the expo and the live stream), consents, group joins, questions answered and missed."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from content.privacy import POLICY_VERSION
from models import (BehaviourEvent, Channel, ChannelTouch, ConsentRecord, FaqHit, GroupMembership, Lead,
                    LeadIdentity, WeComMember)

DAYS = 30
SURNAMES = "李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"  # 王工 is the phone page's own customer
TITLES = ("工", "经理", "总", "主管", "工程师")
COMPANIES = ("苏州精工塑胶", "宁波海天包装", "东莞立信模具", "常州华达汽配", "无锡新材科技", "佛山顺德电器",
             "天津港联物流", "青岛海润密封", "合肥江淮零部件", "重庆长联机电", "上海申达化工", "杭州云帆包装")
ANSWERED = (("下单后多久发货？", "ship-lead-time"), ("能寄样品吗", "sample"), ("有没有 PEEK 的报价", "price-list"),
            ("节假日发货吗", "holiday-shipping"), ("发票怎么开", "invoice"))
MISSED = ("你们招代理商吗", "工厂可以去参观吗", "可以做阻燃 V0 的 PA66 吗", "华南有没有仓库", "能帮忙做模流分析吗")
# Relative weight of each channel per day: the expo (Nov 20–23) and the live stream (Nov 26) peak.
BUSY = {"expo2026-a12": (-17, -12, 9), "live-1126": (-11, -10, 7)}


async def seed_history(now: datetime, channels: list[Channel], seed: int = 2026) -> int:
    """Leads and their behaviour over the ``DAYS`` days before ``now``; returns how many."""
    rng = random.Random(seed)
    staff = {s.userid: s for s in await WeComMember.all()}
    count = 0
    for days_ago in range(DAYS, 0, -1):
        day = now - timedelta(days=days_ago)
        for channel in channels:
            lo, hi, peak = BUSY.get(channel.code, (0, 0, 0))
            for _ in range(rng.choice((0, 0, 1, 1, 2)) + (peak if lo <= -days_ago <= hi else 0)):
                at = day.replace(hour=rng.randint(8, 21), minute=rng.randint(0, 59))
                await _lead(rng, channel, staff, at, count)
                count += 1
    return count


async def _lead(rng: random.Random, channel: Channel, staff: dict[str, WeComMember], at: datetime, n: int) -> None:
    consented = rng.random() < 0.65
    owner = staff.get(rng.choice(("zhangsan", "wangwu", "lisi")))
    lead = await Lead.create(name=f"{rng.choice(SURNAMES)}{rng.choice(TITLES)}" if consented else "",
                             company=rng.choice(COMPANIES) if consented and rng.random() < 0.6 else "",
                             first_channel=channel, last_channel=channel, owner=owner,
                             consent_at=at + timedelta(minutes=2) if consented else None,
                             consent_version=POLICY_VERSION if consented else "")
    await Lead.filter(id=lead.id).update(created_at=at, updated_at=at)
    customer = f"wmDemoHistory{n:05d}"
    await LeadIdentity.create(lead=lead, kind="external_userid", value=customer)
    await ChannelTouch.create(lead=lead, channel=channel, state=channel.code, staff_userid=owner.userid if owner else "",
                              first_touch=True, welcome="sent", at=at)
    event = _events(lead, channel, customer)
    await event("contact.added", at, {"state": channel.code, "half": False})
    await event("welcome.message", at + timedelta(seconds=2), {}, "outbound")
    if consented:
        await ConsentRecord.create(lead=lead, action="agree", policy_version=POLICY_VERSION, source="keyword",
                                   at=at + timedelta(minutes=2))
    for i in range(rng.choice((0, 1, 1, 2, 3))):
        asked = at + timedelta(minutes=5 + 7 * i)
        if rng.random() < 0.75:
            question, entry = rng.choice(ANSWERED)
            await FaqHit.create(raw_query=question, normalised_query=question, lead=lead, outcome="answer",
                                chosen_entry_id=entry, score=round(rng.uniform(82, 100), 1), platform="wecom_kf",
                                user_key=f"wecom_kf:{customer}", asked_at=asked, candidates=[[entry, 90.0]])
        else:
            question = rng.choice(MISSED)
            await FaqHit.create(raw_query=question, normalised_query=question, lead=lead, outcome="miss",
                                score=round(rng.uniform(10, 55), 1), platform="wecom_kf",
                                user_key=f"wecom_kf:{customer}", asked_at=asked)
        await event("message.text", asked, {"text": question})
        await event("faq.asked", asked, {"text": question})
    if rng.random() < 0.35:
        chat_id = "wrHuacaiAuto0001" if channel.code == "live-1126" else "wrHuacaiPackaging01"
        joined = at + timedelta(hours=1)
        await GroupMembership.create(chat_id=chat_id, external_userid=customer, lead=lead, channel=channel,
                                     join_scene=3, joined_at=joined)
        await event("group.joined", joined, {"chat_id": chat_id})


def _events(lead: Lead, channel: Channel, customer: str):
    async def event(kind: str, at: datetime, payload: dict, direction: str = "inbound") -> None:
        await BehaviourEvent.create(lead=lead, channel=channel, kind=kind, direction=direction, platform="wecom",
                                    actor=customer if direction == "inbound" else "", occurred_at=at, payload=payload)
    return event
