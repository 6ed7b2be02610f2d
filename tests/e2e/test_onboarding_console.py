"""A marketer works with channels in the console and through the API."""
import re

import pytest
from aiohttp import FormData, web

from bot.config import Settings
from console.pages import setup_console
from console.access.accounts import create_user
from console.access.tokens import create_token
from handlers.onboarding import privacy_setup, register_console
from models import Channel, CrmAccount, Lead, LeadProfile
from tests.support.console import PASSWORD, bearer, csrf_of, sign_in
from tests.support.onboarding import make_channel


@pytest.fixture
async def console_client(harness, aiohttp_client, clock):
    app = web.Application()
    console = setup_console(app, Settings(secret_key="test-secret"), clock=clock)
    register_console(console, harness.bot)
    privacy_setup(app, harness.bot)
    await create_user("marketer1", "marketer", PASSWORD, clock=clock)
    await create_user("sales1", "sales", PASSWORD, clock=clock, wecom_userid="zhangsan")
    client = await aiohttp_client(app)
    client.token = (await create_token("ci", "marketer", clock=clock))[1]
    return client


async def test_a_marketer_creates_a_channel_in_the_console_and_downloads_its_qr_code(console_client, harness):
    await sign_in(console_client, "marketer1")
    page = await console_client.get("/console/channels")
    assert page.status == 200
    form = {"code": "expo2026-a12", "name": "2026 材料展 A12", "kind": "trade_show", "platform": "wecom",
            "cost": "3000", "staff": "zhangsan:100, lisi", "tags": "2026材料展", "csrf_token": csrf_of(await page.text())}

    created = await console_client.post("/console/channels", data=form, allow_redirects=False)

    assert created.status == 303 and created.headers["Location"].startswith("/console/channels/expo2026-a12")
    channel = await Channel.get(code="expo2026-a12")
    assert harness.sim.state.contact_ways[channel.config_id].user == ["zhangsan", "lisi"]
    png = await console_client.get("/console/channels/expo2026-a12/qr.png")
    svg = await console_client.get("/console/channels/expo2026-a12/qr.svg")
    assert (await png.read()).startswith(b"\x89PNG") and "2026 材料展 A12" in await svg.text()
    listing = await console_client.get("/console/channels")
    assert "expo2026-a12" in await listing.text() and "<svg" in await listing.text()


async def test_an_over_long_code_in_the_console_is_refused_with_a_clear_error(console_client, harness):
    await sign_in(console_client, "marketer1")
    page = await console_client.get("/console/channels")
    form = {"code": "x" * 31, "name": "太长", "staff": "zhangsan", "csrf_token": csrf_of(await page.text())}

    refused = await console_client.post("/console/channels", data=form)

    assert "at most 30" in await refused.text()
    assert await Channel.all().count() == 0


async def test_sales_can_see_channels_but_not_create_them(console_client):
    await sign_in(console_client, "sales1")
    page = await console_client.get("/console/channels")
    assert page.status == 200 and 'id="channel-form"' not in await page.text()


async def test_the_report_downloads_as_csv(console_client, harness):
    await make_channel(harness, code="expo", cost=100)
    await sign_in(console_client, "marketer1")
    csv = await console_client.get("/console/channels/report.csv")
    assert csv.content_type == "text/csv" and "expo" in await csv.text()


async def test_crm_import_in_the_console_reports_bad_rows_and_imports_nothing(console_client):
    await sign_in(console_client, "marketer1")
    page = await console_client.get("/console/channels/crm")
    token = csrf_of(await page.text())
    form = FormData()
    form.add_field("csrf_token", token)
    form.add_field("file", "account,phone\n某某材料,not-a-phone\n".encode(), filename="crm.csv", content_type="text/csv")

    answer = await console_client.post("/console/channels/crm", data=form)

    assert "not a phone number" in await answer.text()
    assert await CrmAccount.all().count() == 0


async def test_the_api_creates_edits_reports_and_archives_channels(console_client, harness):
    auth = bearer(console_client.token)
    created = await console_client.post("/api/v1/channels", headers=auth, json={
        "code": "web-footer", "name": "官网页脚", "kind": "website", "staff": ["lisi"], "tags": ["官网"]})
    assert created.status == 201, await created.text()

    too_long = await console_client.post("/api/v1/channels", headers=auth, json={"code": "y" * 31, "name": "x", "staff": ["lisi"]})
    assert too_long.status == 400 and "at most 30" in (await too_long.json())["error"]["message"]

    patched = await console_client.patch("/api/v1/channels/web-footer", headers=auth, json={"name": "官网页脚 2027"})
    assert (await patched.json())["name"] == "官网页脚 2027"
    qr = await console_client.get("/api/v1/channels/web-footer/qr?format=svg", headers=auth)
    assert qr.content_type == "image/svg+xml"
    report = await console_client.get("/api/v1/channels/report", headers=auth)
    assert [r["code"] for r in (await report.json())["items"]] == ["web-footer"]
    archived = await console_client.delete("/api/v1/channels/web-footer", headers=auth)
    assert archived.status == 204 and (await Channel.get(code="web-footer")).archived


async def test_the_api_imports_crm_csv_and_erases_a_lead(console_client, harness):
    auth = bearer(console_client.token)
    bad = await console_client.post("/api/v1/crm/import", headers=auth, json={"csv": "account\n\n"})
    assert bad.status == 400
    good = await console_client.post("/api/v1/crm/import", headers=auth, json={"csv": "account,owner\n华东精密,zhangsan\n"})
    assert (await good.json())["accounts_created"] == 1

    lead = await Lead.create(name="王工", company="华东精密")
    erased = await console_client.post(f"/api/v1/leads/{lead.id}/erase", headers=auth)
    assert erased.status == 204
    assert (await Lead.get(id=lead.id)).name == "" and (await LeadProfile.get(lead=lead)).erased_at


async def test_the_privacy_policy_page_is_public_and_versioned(console_client):
    from content.privacy import POLICY_VERSION

    page = await console_client.get("/privacy")
    assert page.status == 200 and POLICY_VERSION in await page.text()


async def test_the_api_shows_a_leads_touches_and_crm_match(console_client, harness):
    channel = await make_channel(harness, code="expo")
    await harness.sim.scan_contact_way(channel.config_id)
    await harness.settle()
    lead = await Lead.get()

    answer = await console_client.get(f"/api/v1/leads/{lead.id}/onboarding", headers=bearer(console_client.token))

    body = await answer.json()
    assert [t["channel"] for t in body["touches"]] == ["expo"] and body["touches"][0]["welcome"] == "sent"
    assert body["crm_match"] == "new" and body["consent_at"] is None


async def test_receiving_members_are_listed_by_name(console_client, harness):
    await make_channel(harness, code="expo", staff=["zhangsan"])
    customer = harness.sim.add_customer(None, "王工")
    await harness.sim.scan_contact_way((await Channel.get(code="expo")).config_id, customer.external_userid)
    await harness.settle()
    await sign_in(console_client, "marketer1")

    listing = await (await console_client.get("/console/channels")).text()

    assert "<td>张三 </td>" in listing  # the WeCom name user/get gave, not the userid


async def test_the_channel_page_offers_welcome_fields_saves_with_save_and_archives_apart(console_client, harness):
    """A marketer inserts 客户名称/渠道/员工 instead of typing template syntax; 保存 saves, and
    归档 is a separate, confirmed, danger-styled action."""
    await make_channel(harness, code="expo")
    await sign_in(console_client, "marketer1")

    page = await (await console_client.get("/console/channels/expo")).text()

    inserts = {label: field for field, label in re.findall(r'data-insert="\{\{ (\w+) \}\}">([^<]+)</button>', page)}
    assert inserts == {"客户名称": "name", "渠道": "channel_name", "员工": "staff"}
    form, archive = page.split('id="channel-form"')[1].split("</form>")[:2]
    assert '<button type="submit">保存</button>' in form and "归档" not in form
    assert 'data-confirm="确定归档此渠道？二维码将失效。"' in archive and 'class="danger">归档</button>' in archive
