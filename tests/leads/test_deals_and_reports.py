"""Deals come from the CRM (bad files refused whole, with their lines), move their leads on,
and the funnels, channel ROI and follow-up reports count them."""
import json
from datetime import timedelta
from decimal import Decimal

import pytest

from leads.deals import DealFileError, import_deals, parse_deals_csv
from leads.reports import Period, follow_up, funnels, roi
from leads.standing import move_stage, standing_of
from models import Channel, Deal, Handoff, Lead, LeadIdentity, LeadScore


async def lead_at(stage_path, channel, clock, name="客户"):
    lead = await Lead.create(name=name, first_channel=channel, last_channel=channel)
    standing = await standing_of(lead.id)
    for stage in stage_path:
        clock.advance(86400)
        await move_stage(standing, stage, by="test", reason="", at=clock.now())
    return lead


@pytest.fixture
async def company(db, clock):
    expo = await Channel.create(code="expo", name="材料展", cost=Decimal("48000"))
    site = await Channel.create(code="site", name="官网", cost=Decimal("6000"))
    leads = {
        "new": await lead_at([], expo, clock),
        "mql": await lead_at(["engaged", "mql"], expo, clock),
        "sql": await lead_at(["mql", "sql"], expo, clock),
        "opp": await lead_at(["mql", "sql", "opportunity"], site, clock),
        "site_new": await lead_at([], site, clock),
    }
    await LeadIdentity.create(lead=leads["sql"], kind="external_userid", value="wmSQL")
    return {"expo": expo, "site": site, **leads}


def csv_of(*rows):
    return "deal_id,lead,amount,status,close_date,name\n" + "\n".join(rows) + "\n"


async def test_a_deal_file_with_unknown_leads_or_bad_amounts_is_refused_with_its_lines(company, clock):
    with pytest.raises(DealFileError) as bad:
        parse_deals_csv(csv_of(f"D1,{company['sql'].id},1万,won,2026-11-30,", "D2,#1,-5,open,,", "D3,1,100,maybe,,"))
    assert [line for line, _ in bad.value.problems] == [2, 3, 4]
    assert "amount must be a number ≥ 0, got '1万'" in bad.value.problems[0][1]
    rows = parse_deals_csv(csv_of("D1,wmSQL,180000,won,2026-11-30,框架", "D2,wmNOBODY,100,open,,"))
    with pytest.raises(DealFileError, match="line 3: unknown lead 'wmNOBODY'"):
        await import_deals(rows, clock.now())
    assert await Deal.all().count() == 0


async def test_won_deals_make_customers_and_open_ones_opportunities(company, clock):
    rows = parse_deals_csv(csv_of("D1,wmSQL,180000,won,2026-11-30,框架", f"D2,{company['opp'].id},52000.5,open,,试产",
                                  f"D3,{company['opp'].id},1000,won,2026-12-01,样品"))
    result = await import_deals(rows, clock.now())
    assert (result.created, result.updated) == (3, 0)
    assert (await LeadScore.get(lead_id=company["sql"].id)).stage == "customer"
    assert (await LeadScore.get(lead_id=company["opp"].id)).stage == "customer"
    again = await import_deals(parse_deals_csv(csv_of("D1,wmSQL,190000,won,2026-11-30,框架")), clock.now())
    assert (again.created, again.updated, again.moved) == (0, 1, 0)
    assert (await Deal.get(external_id="D1")).amount == Decimal("190000.00")


async def test_the_funnels_and_channel_roi_count_stages_and_revenue(company, clock):
    await import_deals(parse_deals_csv(csv_of("D1,wmSQL,180000,won,2026-11-30,", f"D2,{company['opp'].id},6000,won,,",
                                              f"D3,{company['opp'].id},6000,won,,")), clock.now())
    shown = await funnels(Period())
    assert [(s["stage"], s["count"]) for s in shown["lead"]] == [("lead", 5), ("mql", 3), ("sql", 2), ("opportunity", 2)]
    assert shown["lead"][1]["from_previous"] == pytest.approx(0.6)
    assert [(s["stage"], s["count"]) for s in shown["sales"]] == [("opportunity", 2), ("deal", 2)]
    assert [(s["stage"], s["count"]) for s in shown["customer"]] == [("customer", 2), ("repeat", 1)]
    by_channel = {row["channel"]: row for row in await roi(Period())}
    expo, site = by_channel["材料展"], by_channel["官网"]
    assert (expo["leads"], expo["mqls"], expo["sqls"], expo["deals"], expo["revenue"]) == (3, 2, 1, 1, 180000.0)
    assert expo["cost_per_lead"] == 16000 and expo["cost_per_mql"] == 24000 and expo["roi"] == pytest.approx(3.75)
    assert (site["deals"], site["revenue"], site["roi"]) == (2, 12000.0, 2.0)
    assert expo["median_days_to_mql"] is not None
    json.dumps(by_channel)  # the CLI prints it as it is


async def test_follow_up_shows_each_reps_share_answered_within_the_sla(company, clock):
    now = clock.now()
    due = now - timedelta(hours=1)
    await Handoff.create(lead=company["mql"], status="accepted", rep_userid="zhangsan", created_at=now, due_at=due,
                         answered_at=due - timedelta(hours=2))
    await Handoff.create(lead=company["sql"], status="offered", rep_userid="zhangsan", created_at=now, due_at=due)
    await Handoff.create(lead=company["opp"], status="offered", rep_userid="lisi", created_at=now,
                         due_at=now + timedelta(hours=5))
    assert await follow_up(now) == [{"rep": "zhangsan", "mqls": 2, "within_sla": 1, "share": 0.5}]


def test_report_commands_print_json(tmp_path, monkeypatch, capsys):
    from main import main

    monkeypatch.setenv("SIYU_DATABASE_URL", f"sqlite://{tmp_path}/r.db")
    assert main(["report", "funnel", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [s["stage"] for s in printed["lead"]] == ["lead", "mql", "sql", "opportunity"]
    assert main(["report", "roi", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    bad = tmp_path / "deals.csv"
    bad.write_text(csv_of("D1,99,12,won,,"), encoding="utf-8")
    assert main(["deals", "import", str(bad)]) == 1
    assert "line 2: unknown lead '99'" in capsys.readouterr().err
    rules = tmp_path / "rules.yaml"
    rules.write_text("behaviour:\n  - {kind: faq.askd, points: 3}\n", encoding="utf-8")
    assert main(["scoring", "import", str(rules)]) == 1
    assert "line 2: unknown behaviour kind 'faq.askd'" in capsys.readouterr().err


async def test_the_console_shows_the_funnels_roi_and_follow_up_with_csv(company, clock, aiohttp_client):
    from aiohttp import web

    from bot.config import Settings
    from console.access.accounts import create_user
    from console.pages import setup_console
    from handlers.sales.web import register_console
    from tests.support.console import PASSWORD, sign_in

    await import_deals(parse_deals_csv(csv_of("D1,wmSQL,180000,won,2026-11-30,")), clock.now())
    app = web.Application()
    console = setup_console(app, Settings(secret_key="test-secret"), clock=clock)
    register_console(console, None)
    client = await aiohttp_client(app)
    await create_user("marketer1", "marketer", PASSWORD, clock=clock)
    await sign_in(client, "marketer1")
    html = await (await client.get("/console/sales")).text()
    assert "线索漏斗" in html and 'aria-label="线索漏斗"' in html
    assert "<td>材料展</td><td>48000</td><td>3</td><td>2</td><td>1</td>" in html
    body = await (await client.get("/console/sales/roi.csv")).text()
    assert body.lstrip("\ufeff").splitlines()[0].startswith("channel,cost,leads,mqls")
    assert "材料展,48000.0,3,2,1,1,180000.0,16000.0,24000.0,3.75" in body


async def test_the_crm_pushes_deals_through_the_api_and_reads_the_reports(company, clock, aiohttp_client):
    from aiohttp import web

    from bot.config import Settings
    from console.access.tokens import create_token
    from console.pages import setup_console
    from handlers.sales.web import register_console

    app = web.Application()
    register_console(setup_console(app, Settings(secret_key="test-secret"), clock=clock), None)
    client = await aiohttp_client(app)
    _, secret = await create_token("crm", "admin", clock=clock)
    auth = {"Authorization": f"Bearer {secret}"}
    bad = await client.post("/api/v1/deals", headers=auth, json={"items": [
        {"deal_id": "D1", "lead": "wmSQL", "amount": "180000", "status": "won"},
        {"deal_id": "D2", "lead": "wmNOBODY", "amount": "abc"}]})
    assert bad.status == 400
    assert "line 2: amount must be a number" in (await bad.json())["error"]["message"]
    assert await Deal.all().count() == 0
    good = await client.post("/api/v1/deals", headers=auth, json={"items": [
        {"deal_id": "D1", "lead": "wmSQL", "amount": "180000", "status": "won", "close_date": "2026-11-30"}]})
    assert good.status == 200 and (await good.json())["created"] == 1
    funnel = await (await client.get("/api/v1/reports/funnel", headers=auth)).json()
    assert [s["count"] for s in funnel["customer"]] == [1, 0]
    roi_items = (await (await client.get("/api/v1/reports/roi", headers=auth)).json())["items"]
    assert {r["channel"]: r["revenue"] for r in roi_items}["材料展"] == 180000.0
