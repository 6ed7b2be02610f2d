"""Push helpers: customers who added a member in the simulator with their leads, the demo
segment and campaign file, and what the simulator recorded of mass sends."""
from __future__ import annotations

from models import Lead, LeadIdentity, LeadTag, Segment, WeComMember
from simulator.state import Relation

BASE_URL = "https://siyu.example.com"


async def add_customers(sim, n: int, *, owner: str = "zhangsan", tag: str = "化工", prefix: str = "wm") -> list[Lead]:
    """n customers who added ``owner`` in WeCom, and their leads (consented, tagged)."""
    staff, _ = await WeComMember.get_or_create(userid=owner, defaults={"name": owner})
    leads = []
    for i in range(n):
        external = f"{prefix}{i:05d}"
        sim.add_customer(external, f"客户{i}")
        sim.state.relations[(owner, external)] = Relation(owner, external, sim.now())
        lead = await Lead.create(name=f"客户{i}", company=f"公司{i}", owner=staff, consent_at=sim.clock.now())
        await LeadIdentity.create(lead=lead, kind="external_userid", value=external)
        await LeadTag.create(lead=lead, name=tag)
        leads.append(lead)
    return leads


async def chemical_segment() -> Segment:
    return await Segment.create(name="化工客户", rules={"all": [{"tag": "化工"}, {"consented": True}]})


CAMPAIGN = """\
name: 化工周报
audience:
  segments: [化工客户]
message:
  text: "{{ name }}您好，本周化工行业资讯已更新。"
schedule: now
"""


def add_calls(sim) -> list:
    return sim.state.calls("wecom/externalcontact/add_msg_template")


def recipients_called(sim) -> list[str]:
    return [r for call in add_calls(sim) for r in call.payload.get("external_userid", [])]
