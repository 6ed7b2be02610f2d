"""`python main.py demo --check`: a scripted customer tour, printed, proving the demo works."""
from __future__ import annotations

from bot.app import Bot
from simulator.simulator import Simulator
from demo.seed import KF_ACCOUNT
from models import BehaviourEvent, Channel, Lead

QUESTIONS = ["下单后多久发货？", "国庆节发货吗", "能寄样品吗", "春节放假安排是怎样的"]


async def run_tour(sim: Simulator, bot: Bot, channels: list[Channel]) -> int:
    channel = channels[0]
    scan = await sim.scan_contact_way(channel.config_id, name="王工")
    customer = scan.info["external_userid"]
    print(f"王工 scans “{channel.name}” → {customer}")
    await bot.drain()
    for question in QUESTIONS:
        await sim.kf_customer_text(KF_ACCOUNT, customer, question)
        await bot.drain()
    for message in sim.received(customer):
        print(f"  [{message['channel']}] {message['text']}")
    lead = await Lead.get(identities__value=customer)
    events = await BehaviourEvent.filter(lead=lead).count()
    print(f"lead #{lead.id}: first channel {channel.code}, {events} behaviour events")
    welcomed = any(m["channel"] == "welcome" for m in sim.received(customer))
    return 0 if welcomed and events >= 2 else 1
