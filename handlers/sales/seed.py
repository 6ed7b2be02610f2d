"""The demo company's sales side: its scoring rules, two reps (张三 for East China and cars,
李四 for the South and electronics, both reporting to 王五), leads in every stage with their
history, MQLs waiting on both reps (one past its deadline) and won deals for two channels —
so the funnel and ROI page shows real figures on first start."""
from __future__ import annotations

from contextlib import suppress
from datetime import timedelta
from pathlib import Path
from typing import Any

from leads.deals import check_rows, import_deals
from leads.lifecycle import StageError
from leads.standing import current_rule_set, move_stage, rescore_all, save_rule_set, standing_of
from models import Channel, Handoff, Lead, LeadProfile, SalesRep

DEMO_RULES = Path(__file__).resolve().parents[2] / "content" / "demo" / "scoring.yaml"
# name, company, channel, industry, region, size, role, touches, stages (each a day apart)
PEOPLE = [
    ("陈工", "苏州恒远汽车部件有限公司", "expo2026-a12", "汽车", "江苏", "1000+", "技术负责人",
     ["contact.added", "content.downloaded"], ["engaged"]),
    ("刘经理", "宁波海纳包装材料有限公司", "whitepaper-2026", "包装", "浙江", "200-999", "采购",
     ["contact.added", "faq.asked:PA66 报价多少"], []),
    ("周总", "深圳启明电子科技有限公司", "whitepaper-2026", "电子", "广东", "1000+", "决策人",
     ["contact.added", "faq.asked:交期多久"], []),
    ("吴工", "上海申联新材料有限公司", "expo2026-a12", "新材料", "上海", "200-999", "工程师",
     ["contact.added", "event.signed_up", "event.checked_in"], ["mql", "sql"]),
    ("郑经理", "无锡华光汽车零件有限公司", "expo2026-a12", "汽车", "江苏", "1000+", "决策人",
     ["contact.added", "content.downloaded"], ["mql", "sql", "opportunity"]),
    ("王工", "苏州华创材料有限公司", "expo2026-a12", "新材料", "江苏", "1000+", "决策人",
     ["contact.added", "faq.asked:报价"], ["mql", "sql", "opportunity", "customer"]),
    ("孙经理", "东莞联创电子有限公司", "whitepaper-2026", "电子", "广东", "200-999", "采购",
     ["contact.added", "content.downloaded"], ["mql", "sql", "opportunity", "customer"]),
    ("何工", "杭州立方包装有限公司", "site-footer", "包装", "浙江", "50-199", "工程师",
     ["contact.added"], ["engaged", "mql", "recycled"]),
    ("马先生", "个人", "site-footer", "", "", "", "", ["contact.added"], ["lost"]),
    ("林工", "", "live-1126", "", "", "", "", ["contact.added"], []),
]
DEALS = [
    {"deal_id": "DEMO-1001", "lead": "王工", "amount": "380000", "status": "won", "close_date": "2026-11-28", "name": "PA66 年度框架"},
    {"deal_id": "DEMO-1002", "lead": "孙经理", "amount": "126000", "status": "won", "close_date": "2026-11-30", "name": "绝缘材料试产"},
    {"deal_id": "DEMO-1003", "lead": "郑经理", "amount": "90000", "status": "open", "close_date": "", "name": "密封件项目"},
]


async def seed_sales(bot: Any) -> None:
    if await current_rule_set() is None:
        await save_rule_set(DEMO_RULES.read_text(encoding="utf-8"), author="demo", now=bot.clock.now())
        if getattr(bot.behaviour, "scorer", None) is not None:
            await bot.behaviour.scorer.refresh(force=True)
    if await SalesRep.exists():
        return
    await SalesRep.create(userid="zhangsan", name="张三", regions=["江苏", "苏州", "无锡", "浙江", "上海"],
                          industries=["汽车", "新材料"], manager_userid="wangwu")
    await SalesRep.create(userid="lisi", name="李四", regions=["广东", "深圳", "东莞"], industries=["电子"],
                          manager_userid="wangwu")
    now = bot.clock.now()
    channels = {c.code: c for c in await Channel.all()}
    by_name = {}
    for name, company, code, industry, region, size, role, touches, stages in PEOPLE:
        channel = channels.get(code)
        lead = await Lead.create(name=name, company=company, first_channel=channel, last_channel=channel)
        await LeadProfile.create(lead=lead, industry=industry, region=region, company_size=size, role=role)
        by_name[name] = lead
        for touch in touches:
            kind, _, text = touch.partition(":")
            await bot.behaviour.record_behaviour(lead=lead, kind=kind, direction="inbound", platform="wecom",
                                                 payload={"query": text} if text else {})
        standing = await standing_of(lead.id)
        for days_ago, stage in zip(range(len(stages) * 7, 0, -7), stages):
            with suppress(StageError):  # scoring may have moved the lead past it already
                await move_stage(standing, stage, by="demo", reason="示例数据", at=now - timedelta(days=days_ago))
    handoffs = bot.services["handoffs"]
    await handoffs.drain()
    await handoffs.offer_waiting()
    overdue = await Handoff.filter(status="offered", rep_userid="zhangsan").first()
    if overdue is not None:  # one MQL waits past its deadline
        await Handoff.filter(id=overdue.id).update(offered_at=now - timedelta(days=3), due_at=now - timedelta(hours=2))
    rows = check_rows((i + 1, {**deal, "lead": str(by_name[deal["lead"]].id)}) for i, deal in enumerate(DEALS))
    await import_deals(rows, now, by="demo")
    rule_set = await current_rule_set()
    await rescore_all(rule_set, now)
