"""Shared steps for onboarding specifications: a marketer's channel service on the harness,
and callbacks the simulator has no actor for."""
from __future__ import annotations

from simulator import payloads
from simulator.state import Relation, WelcomeCode
from handlers.onboarding.channels import ChannelService, parse_spec
from handlers.onboarding.groups import GroupService

WELCOME_API = "wecom/externalcontact/send_welcome_msg"


def channel_service(harness) -> ChannelService:
    bot = harness.bot
    return ChannelService(bot.wecom, bot.wechat, GroupService(bot.wecom))


async def make_channel(harness, **fields):
    fields.setdefault("name", fields["code"])
    fields.setdefault("staff", ["zhangsan"])
    return await channel_service(harness).create(parse_spec(fields))


async def post_app_event(harness, plain: str):
    sim = harness.sim
    result = await sim.sender.post(sim.envelope(sim.app_channel, plain))
    await harness.settle()
    return result


async def add_without_welcome_code(harness, userid: str, state: str, external_userid: str = "wmNoCode001"):
    """An add event without WelcomeCode (a welcome is configured in the admin console)."""
    sim = harness.sim
    sim.add_customer(external_userid, "赵工")
    sim.state.relations[(userid, external_userid)] = Relation(userid, external_userid, sim.now(), state)
    plain = payloads.contact_event(sim.credentials.corp_id, sim.now(), "add_external_contact", userid,
                                   external_userid, State=state)
    return await post_app_event(harness, plain)


async def add_again_with_same_code(harness, scan) -> None:
    """The same add (same WelcomeCode) delivered as a new event (another CreateTime)."""
    sim = harness.sim
    harness.bot.clock.advance(1)
    plain = payloads.contact_event(sim.credentials.corp_id, sim.now(), "add_external_contact", scan.info["userid"],
                                   scan.info["external_userid"], State=scan.info["state"],
                                   WelcomeCode=scan.info["welcome_code"])
    await post_app_event(harness, plain)


def unused_code(sim, userid: str, external_userid: str) -> WelcomeCode:
    code = WelcomeCode(sim.state.ids.next("wc"), userid, external_userid, sim.clock.time())
    sim.state.welcome_codes[code.code] = code
    return code


async def tag_event(harness, change_type: str, tag_id: str, tag_type: str = "tag"):
    sim = harness.sim
    plain = payloads.xml_message([
        ("ToUserName", sim.credentials.corp_id), ("FromUserName", "sys"), ("CreateTime", sim.now()),
        ("MsgType", "event"), ("Event", "change_external_tag"), ("Id", tag_id), ("TagType", tag_type),
        ("ChangeType", change_type),
    ])
    return await post_app_event(harness, plain)
