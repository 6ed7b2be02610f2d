"""内容与推送 in the console: a marketer saves a segment and sees its live count, creates a
campaign from a file (refused with every problem when broken), and pauses it; support staff
may look but not change."""
from __future__ import annotations

import re

import pytest
from aiohttp import web

from bot.config import Settings
from console.access.accounts import create_user
from console.pages import setup_console
from content.library import import_library, parse_library
from handlers.pushes import register_console
from models import Campaign, Lead, LeadTag, TrackedLink
from tests.support.console import PASSWORD, csrf_of, sign_in

from tests.support.pushes import CAMPAIGN
from .test_content import LIBRARY


@pytest.fixture
async def client(db, clock, aiohttp_client):
    app = web.Application()
    register_console(setup_console(app, Settings(secret_key="test-secret"), clock=clock))
    for role in ("marketer", "support"):
        await create_user(role + "1", role, PASSWORD, clock=clock)
    for i in range(3):
        lead = await Lead.create(name=f"化工客户{i}", consent_at=clock.now())
        await LeadTag.create(lead=lead, name="化工")
    return await aiohttp_client(app)


async def _post(client, path, data):
    page = await client.get(path)
    return await client.post(path, data={**data, "csrf_token": csrf_of(await page.text())}, allow_redirects=True)


async def test_a_marketer_saves_a_segment_and_schedules_a_campaign(client, clock):
    await sign_in(client, "marketer1")
    page = await _post(client, "/console/content/segments", {"name": "化工客户", "rules": "{tag: 化工}"})
    html = await page.text()
    assert "化工客户" in html and re.search(r'class="count">3<', html) and "化工客户0" in html

    refused = await _post(client, "/console/content/campaigns",
                          {"source": CAMPAIGN.replace("{{ name }}", "{{ nickname }}")})
    assert "uses {{ nickname }}" in await refused.text()
    assert await Campaign.all().count() == 0

    created = await _post(client, "/console/content/campaigns", {"source": CAMPAIGN})
    html = await created.text()
    campaign = await Campaign.get()
    assert f"已创建活动 #{campaign.id}" in html and "已排期" in html
    paused = await _post(client, f"/console/content/campaigns/{campaign.id}/pause", {})
    assert paused.status == 200 and (await Campaign.get()).state == "paused"


async def test_the_library_shows_each_item_and_who_read_it(client, clock):
    await import_library(parse_library(LIBRARY))
    lead = await Lead.get(name="化工客户1")
    from models import ContentItem

    item = await ContentItem.get(slug="pp-whitepaper")
    await TrackedLink.create(token="tok", item=item, lead=lead, recipient="wm1", created_at=clock.now(),
                             first_opened_at=clock.now(), opens=2, read_seconds=190)
    await sign_in(client, "support1")
    library = await (await client.get("/console/content")).text()
    assert "高分子材料选型白皮书" in library and "白皮书" in library
    readers = await (await client.get("/console/content/items/pp-whitepaper")).text()
    assert "化工客户1" in readers and "3 min 10 s" in readers
    page = await client.get("/console/content/segments")
    refused = await client.post("/console/content/segments",
                                data={"name": "x", "rules": "{tag: y}", "csrf_token": csrf_of(await page.text())},
                                allow_redirects=False)
    assert refused.status == 403


async def test_the_dashboard_shows_recent_campaigns_with_their_open_rate(client, clock, monkeypatch):
    from types import SimpleNamespace

    from bot.config import Settings
    from console.access.permissions import MATRIX, Role
    from handlers.pushes.seed import seed_pushes

    await Lead.all().delete()  # the demo's campaigns go to its own expo visitors
    await seed_pushes(SimpleNamespace(clock=clock, settings=Settings()))
    finished = await Campaign.filter(sequence=None, state="finished").first()
    await sign_in(client, "support1")

    html = await (await client.get("/console/")).text()

    panel = html.split('id="panel-pushes"')[1].split("</section>")[0]
    row = panel.split(f'href="/console/content/campaigns#campaign-{finished.id}"')[1].split("</tr>")[0]
    assert finished.name in row and "已完成" in row and "打开率" in panel
    assert re.findall(r"<td>([^<]*)</td>", row) == ["4", "4", "4", "2", "50%"]
    campaigns = await (await client.get("/console/content/campaigns")).text()
    assert f'id="campaign-{finished.id}"' in campaigns

    monkeypatch.setitem(MATRIX, Role.SUPPORT, MATRIX[Role.SUPPORT] - {"content.read"})
    assert 'id="panel-pushes"' not in await (await client.get("/console/")).text()
