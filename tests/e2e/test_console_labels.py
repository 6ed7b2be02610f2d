"""Every enum, role and event kind the console shows has a label in Chinese and in English: a page
that looks up a message only one catalogue has, or prints a raw code, fails here. The data is
a real customer's tour (scan, questions, consent, group, hand-over) plus one event of every
kind the platform and the features record."""
from __future__ import annotations

import re

import aiohttp
import pytest

from bot.api.deliveries import DELIVERING_APIS
from bot import events as platform_events
from console.access.accounts import create_user
from console.access.permissions import Role
from console.access.tokens import create_token, revoke_token
from console.kit.i18n import Catalogue
from models import BehaviourEvent, Lead
from tests.support.console import PASSWORD
from tests.support.faq import store_test_faq
from tests.support.onboarding import make_channel

KF = "wkKF0001"
FEATURE_KINDS = ("faq.asked", "faq.handed_over", "group.joined", "group.left", "lead.lost")
PLATFORM_KINDS = sorted({cls.kind for cls in vars(platform_events).values()
                         if isinstance(cls, type) and isinstance(getattr(cls, "kind", None), str)})
EVERY_KIND = sorted(set(PLATFORM_KINDS) | {kind for kind, _, _ in DELIVERING_APIS.values()} | set(FEATURE_KINDS)
                    | {"reply.message"})
RAW_CODES = [*(k for k in EVERY_KIND if "." in k), "trade_show", "whitepaper", "live_stream", "sales_rep", "external_userid",
             *(role.value for role in Role)]


@pytest.fixture
def catalogues(monkeypatch) -> list[Catalogue]:
    made: list[Catalogue] = []

    class Recording(Catalogue):
        def __init__(self) -> None:
            super().__init__()
            made.append(self)

    monkeypatch.setattr("console.kit.app.Catalogue", Recording)
    return made


async def customer_tour(harness) -> tuple[Lead, BehaviourEvent]:
    await store_test_faq()
    channel = await make_channel(harness, code="expo", name="展位", kind="trade_show", staff=["zhangsan"])
    customer = harness.sim.add_customer(None, "王工")
    await harness.sim.scan_contact_way(channel.config_id, customer.external_userid)
    for text in ("下单后多久发货？", "我家猫会不会飞", "同意", "人工"):
        await harness.sim.kf_customer_text(KF, customer.external_userid, text)
        await harness.settle()
    lead = await Lead.get()
    assert await BehaviourEvent.filter(lead=lead, kind="faq.handed_over").exists()  # “人工” is on the timeline
    answered = await BehaviourEvent.filter(lead=lead, kind="faq.asked").order_by("id").first()
    assert answered.payload["question"]  # the entry's question, not only its id
    for kind in EVERY_KIND:
        await BehaviourEvent.create(lead=lead, channel=channel, kind=kind, direction="inbound", platform="wecom",
                                    actor=customer.external_userid, occurred_at=harness.bot.clock.now(), payload={})
    return lead, answered


def visible(html: str) -> str:
    """What a person reads: no raw-record details, no tags, no attribute values."""
    html = re.sub(r"<details class=\"raw\">.*?</details>", "", html, flags=re.S)
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_console_pages_show_labels_never_keys(catalogues, make_harness, clock, language):
    harness = await make_harness()
    lead, answered = await customer_tour(harness)
    await create_user("boss", "admin", PASSWORD, clock=clock)
    from models import StaffUser

    await StaffUser.filter(username="boss").update(language=language)
    for i, role in enumerate(Role):  # every role shown on the users and tokens pages
        await create_user(f"staff{i}", role.value, PASSWORD, clock=clock)
        if role != Role.SALES:  # a token acts for no one person: no own-leads role
            await create_token(f"key{i}", role.value, clock=clock, created_by="user:boss")
    await revoke_token((await create_token("old key", "marketer", clock=clock))[0].id, clock=clock)
    [catalogue] = catalogues
    pages = ["/console/", "/console/leads", f"/console/leads/{lead.id}", "/console/channels",
             "/console/channels/expo", "/console/channels/crm", "/console/faq", "/console/faq/entries",
             f"/console/faq/entries/{answered.payload['entry_id']}",
             "/console/faq/stats", "/console/faq/settings", "/console/settings/users", "/console/settings/tokens",
             "/console/settings/audit"]
    async with aiohttp.ClientSession(harness.bot_url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        login = await (await browser.get("/console/login")).text()
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', login).group(1)
        await browser.post("/console/login", data={"username": "boss", "password": PASSWORD, "csrf_token": token})
        html = {path: await (await browser.get(path)).text() for path in pages}
    shown = {path: visible(page) for path, page in html.items()}

    lead_page = shown[f"/console/leads/{lead.id}"]
    assert "王工" in lead_page and ("转人工" if language == "zh" else "Handed to a person") in lead_page
    assert sorted(msgid for lang, msgid in catalogue.misses if lang == language) == []
    weekdays = shown["/console/faq/settings"]
    assert ("Mon" in weekdays and "周一" not in weekdays) if language == "en" else "周一" in weekdays
    assert answered.payload["question"] in html[f"/console/faq/entries/{answered.payload['entry_id']}"]
    assert "staff3" in shown["/console/settings/users"] and "key0" in shown["/console/settings/tokens"]
    stats = shown["/console/faq/stats"]
    assert "下单后多久发货？" in stats and answered.payload["entry_id"] not in stats  # questions, not entry ids
    for path, text in shown.items():
        raw = [code for code in RAW_CODES if re.search(rf"(?<![\w.]){re.escape(code)}(?![\w.])", text)]
        assert raw == [], f"{path} shows raw codes {raw}"
