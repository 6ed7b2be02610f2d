"""Fixtures for console tests: a bare app with the console mounted, staff users, tokens,
and a signed-in browser-like client."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from aiohttp import web

from bot.config import Settings
from console.pages import setup_console
from console.access.accounts import create_user
from console.access.tokens import create_token
from console.kit.i18n import DISPLAY_TZ
from models import BehaviourEvent, Channel, Lead, LeadIdentity, LeadTag, WeComMember
from tests.support.console import PASSWORD



@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    """argon2id with the smallest cost, so tests do not spend seconds hashing."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("console.access.passwords._HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
async def console_app(db, clock):
    app = web.Application()
    setup_console(app, Settings(secret_key="test-secret"), clock=clock)
    return app


@pytest.fixture
async def client(console_app, aiohttp_client):
    return await aiohttp_client(console_app)


@pytest.fixture
async def users(db, clock):
    """One staff user per role; the sales user is WeCom member ``zhangsan``."""
    return {
        role: await create_user(role + "1", role, PASSWORD, clock=clock, wecom_userid="zhangsan" if role == "sales" else None)
        for role in ("admin", "marketer", "support", "sales")
    }


@pytest.fixture
async def tokens(db, clock):
    """An API token per role that may have one: {"admin": secret, ...}."""
    return {role: (await create_token(f"{role}-token", role, clock=clock))[1] for role in ("admin", "marketer", "support")}


@pytest.fixture
async def crm(db, clock):
    """Leads, channels and behaviour: 王工 scanned the expo booth code and is zhangsan's."""
    expo = await Channel.create(code="expo2026", name="2026 工业展展位")
    web_ = await Channel.create(code="site", name="官网")
    zhangsan = await WeComMember.create(userid="zhangsan", name="张三")
    lisi = await WeComMember.create(userid="lisi", name="李四")
    wang = await Lead.create(name="王工", company="华东精密机械", first_channel=expo, last_channel=expo, owner=zhangsan,
                             consent_at=datetime(2023, 11, 14, 2, 0, tzinfo=timezone.utc), consent_version="v1")
    await LeadIdentity.create(lead=wang, kind="external_userid", value="wmWANG")
    await LeadTag.create(lead=wang, name="制造业")
    li = await Lead.create(name="李经理", company="南方化工", first_channel=web_, last_channel=web_, owner=lisi)
    await LeadTag.create(lead=li, name="化工")
    base = clock.now().replace(hour=1)  # 09:00 China time
    await BehaviourEvent.create(lead=wang, channel=expo, kind="contact.added", direction="inbound", platform="wecom",
                                actor="wmWANG", occurred_at=base, payload={"state": "expo2026"})
    await BehaviourEvent.create(lead=wang, channel=expo, kind="message.text", direction="inbound", platform="wecom_kf",
                                actor="wmWANG", occurred_at=base.replace(hour=2), payload={"text": "你们的交期是多久？"})
    await BehaviourEvent.create(lead=li, channel=web_, kind="contact.added", direction="inbound", platform="wecom",
                                actor="wmLI", occurred_at=base, payload={})
    return {"wang": wang, "li": li, "expo": expo, "site": web_, "today": base.astimezone(DISPLAY_TZ).date()}
