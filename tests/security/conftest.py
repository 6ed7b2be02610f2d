"""A console with every feature's pages and API mounted, and two sales reps' customers:
zhangsan's 王工 and lisi's 李秘书, each with FAQ questions, suggestions and behaviour."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from aiohttp import web

from bot.config import Settings
from console.access.accounts import create_user
from models import (
    BehaviourEvent, Channel, FaqHit, FaqSuggestion, Lead, LeadIdentity, LeadProfile, WeComMember,
)
from tests.console.conftest import (  # noqa: F401 - fixtures shared with the console tests
    client, console_app, crm, quick_password_hashing, users,
)
from tests.support.console import PASSWORD

# What only lisi's customer said or is: none of it may reach zhangsan.
LISI_SECRETS = ("李秘书", "保密化工", "13900001111", "mi@secret.example", "wmLISISECRET", "我的私人问题XYZ")


@pytest.fixture
async def full_console(db, clock):
    """The app with the console and every product feature's pages and endpoints; the Console."""
    import main

    app = web.Application()
    bot = SimpleNamespace(settings=Settings(secret_key="test-secret"), clock=clock, wecom=None, wechat=None)
    consoles = []
    from console.pages import setup_console

    console = setup_console(app, bot.settings, clock=clock)
    consoles.append(console)
    for feature in main.features():
        if feature.console is not None:
            feature.console(console, bot)
    return app, console


@pytest.fixture
async def two_reps(db, clock):
    """zhangsan (sales user sales1) owns 王工; lisi owns 李秘书. Both asked FAQ questions."""
    zhangsan = await WeComMember.create(userid="zhangsan", name="张三")
    lisi = await WeComMember.create(userid="lisi", name="李四")
    expo = await Channel.create(code="expo", name="展会")
    wang = await Lead.create(name="王工", company="华东机械", owner=zhangsan, first_channel=expo, last_channel=expo)
    li = await Lead.create(name="李秘书", company="保密化工", owner=lisi, first_channel=expo, last_channel=expo)
    await LeadProfile.create(lead=li, phone="13900001111", email="mi@secret.example")
    await LeadIdentity.create(lead=wang, kind="external_userid", value="wmWANG")
    await LeadIdentity.create(lead=li, kind="external_userid", value="wmLISISECRET")
    now = clock.now()
    hits = {}
    for lead, ext, text in ((wang, "wmWANG", "王工问交期多久"), (li, "wmLISISECRET", "我的私人问题XYZ 13900001111")):
        hits[lead.id] = await FaqHit.create(
            raw_query=text, normalised_query=text, lead=lead, chat_id=ext, outcome="miss", platform="wecom",
            user_key=f"wecom:{ext}", asked_at=now)
        await BehaviourEvent.create(lead=lead, channel=expo, kind="message.text", direction="inbound",
                                    platform="wecom", actor=ext, occurred_at=now, payload={"text": text})
    mine = await FaqSuggestion.create(
        hit=hits[wang.id], chat_id="wmWANG", chat_kind="single", staff_userid="zhangsan", customer="wmWANG",
        question="王工问交期多久", entry_id="lead-time", answer="两周", asked_at=now, suggested_at=now)
    theirs = await FaqSuggestion.create(
        hit=hits[li.id], chat_id="wmLISISECRET", chat_kind="single", staff_userid="lisi", customer="wmLISISECRET",
        question="我的私人问题XYZ 13900001111", entry_id="lead-time", answer="两周", asked_at=now, suggested_at=now)
    sales = await create_user("sales1", "sales", PASSWORD, clock=clock, wecom_userid="zhangsan")
    admin = await create_user("admin1", "admin", PASSWORD, clock=clock)
    return SimpleNamespace(wang=wang, li=li, expo=expo, mine=mine, theirs=theirs, sales=sales, admin=admin,
                           hits=hits)
