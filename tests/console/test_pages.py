"""The dashboard, the lead list and the lead page, as staff of each role see them."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from models import ApiToken, AuditEntry, Lead, LeadTag, WeComMember, StaffUser
from tests.support.console import csrf_of, sign_in


async def test_the_dashboard_counts_todays_new_leads_and_charts_events_per_day(client, users, crm, clock):
    await Lead.filter(id=crm["wang"].id).update(created_at=clock.now())
    await sign_in(client, "marketer1")
    html = await (await client.get("/console/")).text()
    assert '<p class="big" id="new-today">1</p>' in html
    assert "王工" in html
    assert "<svg" in html and "近 14 天行为事件" in html
    day = crm["today"].strftime("%m-%d")
    assert f"<title>{day}: 3</title>" in html  # the three events of the fixture


async def test_the_lead_list_searches_name_company_tag_and_channel(client, users, crm):
    await sign_in(client, "marketer1")
    for term, found, hidden in (("王", "王工", "李经理"), ("化工", "李经理", "王工"), ("制造业", "王工", "李经理"), ("工业展", "王工", "李经理")):
        html = await (await client.get("/console/leads", params={"q": term})).text()
        assert found in html and hidden not in html, term


async def test_the_lead_list_filters_by_channel_tag_and_stage(client, users, crm):
    await sign_in(client, "marketer1")
    by_channel = await (await client.get("/console/leads", params={"channel": "site"})).text()
    assert "李经理" in by_channel and "王工" not in by_channel
    by_tag = await (await client.get("/console/leads", params={"tag": "制造业"})).text()
    assert "王工" in by_tag and "李经理" not in by_tag
    by_stage = await (await client.get("/console/leads", params={"status": "customer"})).text()
    assert "没有符合条件的线索" in by_stage


async def test_the_lead_list_pages_through_many_leads(client, users, db):
    for i in range(30):
        await Lead.create(name=f"客户{i:02d}")
    await sign_in(client, "marketer1")
    first = await (await client.get("/console/leads")).text()
    assert "共 30 条" in first and "客户29" in first and "客户04" not in first
    assert "page=2" in first
    second = await (await client.get("/console/leads", params={"page": "2"})).text()
    assert "客户04" in second and "客户29" not in second


async def test_the_csv_export_has_the_filtered_leads_and_opens_in_spreadsheets(client, users, crm):
    await sign_in(client, "marketer1")
    response = await client.get("/console/leads.csv", params={"channel": "expo2026"})
    assert response.status == 200 and response.content_type == "text/csv"
    body = (await response.read()).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body[1:])))
    assert [(r["姓名"], r["公司"], r["标签"], r["首次来源渠道"], r["阶段"]) for r in rows] == [
        ("王工", "华东精密机械", "制造业", "2026 工业展展位", "新线索")]


async def test_the_csv_speaks_the_readers_language(client, users, crm):
    await StaffUser.filter(username="marketer1").update(language="en")
    await sign_in(client, "marketer1")
    body = (await (await client.get("/console/leads.csv", params={"channel": "expo2026"})).read()).decode("utf-8")
    [row] = list(csv.DictReader(io.StringIO(body[1:])))
    assert (row["Name"], row["Stage"], row["Owner"]) == ("王工", "New", "张三")


async def test_csv_cells_cannot_smuggle_spreadsheet_formulas(client, users, db):
    await Lead.create(name="=HYPERLINK(\"http://x\")")
    await sign_in(client, "marketer1")
    body = (await (await client.get("/console/leads.csv")).read()).decode("utf-8")
    assert "'=HYPERLINK" in body


async def test_the_lead_page_shows_the_360_degree_view_and_the_timeline_newest_first(client, users, crm):
    await sign_in(client, "support1")
    html = await (await client.get(f"/console/leads/{crm['wang'].id}")).text()
    for expected in ("王工", "华东精密机械", "wmWANG", "制造业", "2026 工业展展位", "张三", "已同意（v1，2023-11-14）"):
        assert expected in html, expected
    assert html.index("message.text") < html.index("contact.added")
    assert "你们的交期是多久？" in html


async def test_sales_see_only_their_own_leads(client, users, crm):
    await sign_in(client, "sales1")  # WeCom member zhangsan, owner of 王工
    listing = await (await client.get("/console/leads")).text()
    assert "王工" in listing and "李经理" not in listing
    assert (await client.get(f"/console/leads/{crm['li'].id}")).status == 404
    assert (await client.get("/console/leads.csv")).status == 403


async def test_editing_tags_is_saved_and_audited(client, users, crm):
    await sign_in(client, "support1")
    lead = crm["wang"]
    page = await (await client.get(f"/console/leads/{lead.id}")).text()
    response = await client.post(f"/console/leads/{lead.id}/tags", data={"tags": "制造业， 华东, 大客户", "csrf_token": csrf_of(page)})
    assert response.status == 200 and "已保存" in await response.text()
    assert sorted(await LeadTag.filter(lead=lead).values_list("name", flat=True)) == sorted(["华东", "制造业", "大客户"])
    entry = await AuditEntry.get(action="lead.update")
    assert entry.actor == "user:support1" and entry.target_id == str(lead.id)
    assert entry.before == {"tags": ["制造业"]} and entry.after == {"tags": sorted(["华东", "制造业", "大客户"])}


async def test_admins_read_the_audit_log_in_the_console(client, users, crm):
    await sign_in(client, "support1")
    page = await (await client.get(f"/console/leads/{crm['wang'].id}")).text()
    await client.post(f"/console/leads/{crm['wang'].id}/tags", data={"tags": "VIP", "csrf_token": csrf_of(page)})
    client.session.cookie_jar.clear()
    await sign_in(client, "admin1")
    html = await (await client.get("/console/settings/audit")).text()
    rows = [re.sub(r"<details.*?</details>|<[^>]+>", " ", row, flags=re.S)
            for row in re.findall(r"<tr><td class=\"nowrap\">.*?</tr>", html, re.S)]
    text = next(row for row in rows if "修改线索" in row)  # looking at the lead is on record too
    assert "support1" in text and f"修改线索 #{crm['wang'].id}：标签：制造业 → VIP" in text
    assert "lead.update" not in text and "null" not in text
    assert any("查看线索" in row for row in rows) and not any("lead.view" in row for row in rows)


async def test_an_unknown_lead_is_a_friendly_404(client, users, db):
    await sign_in(client, "admin1")
    response = await client.get("/console/leads/999")
    assert response.status == 404 and "找不到该页面" in await response.text()


async def test_no_page_loads_anything_from_another_site(client, users, crm):
    await sign_in(client, "admin1")
    for path in ("/console/", "/console/leads", f"/console/leads/{crm['wang'].id}", "/console/settings/audit", "/api/docs"):
        html = await (await client.get(path)).text()
        assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html, path


async def test_editing_a_lead_changes_only_what_changed_and_audits_it(client, users, crm):
    await sign_in(client, "marketer1")
    lead = crm["wang"]
    page = await (await client.get(f"/console/leads/{lead.id}")).text()
    form = {"name": "王工", "company": "华东精密机械", "status": "mql", "owner": "lisi", "csrf_token": csrf_of(page)}
    response = await client.post(f"/console/leads/{lead.id}/fields", data=form)
    assert "已保存" in await response.text()
    entry = await AuditEntry.get(action="lead.update")
    assert entry.before == {"status": "active", "owner": "zhangsan"} and entry.after == {"status": "mql", "owner": "lisi"}


async def test_sales_cannot_hand_their_lead_to_someone_else(client, users, crm):
    await sign_in(client, "sales1")
    lead = crm["wang"]
    page = await (await client.get(f"/console/leads/{lead.id}")).text()
    assert 'name="owner"' not in page
    await client.post(f"/console/leads/{lead.id}/fields", data={"status": "sql", "owner": "lisi", "csrf_token": csrf_of(page)})
    await lead.refresh_from_db()
    assert lead.status == "sql" and lead.owner_id == (await WeComMember.get(userid="zhangsan")).id


async def test_admins_add_staff_users_and_change_roles_in_the_console(client, users):
    await sign_in(client, "admin1")
    page = await (await client.get("/console/settings/users")).text()
    token = csrf_of(page)
    weak = await client.post("/console/settings/users/new", data={"username": "wangwu", "role": "sales", "password": "short", "csrf_token": token})
    assert weak.status == 400 and "密码至少 10 位" in await weak.text()
    added = await client.post("/console/settings/users/new", data={"username": "wangwu", "role": "sales", "password": "a long passphrase", "wecom_userid": "wangwu", "csrf_token": token})
    assert added.status == 200 and "wangwu" in await added.text()
    user = await StaffUser.get(username="wangwu")
    await client.post(f"/console/settings/users/{user.id}", data={"role": "support", "active": "on", "wecom_userid": "wangwu", "csrf_token": token})
    assert (await StaffUser.get(username="wangwu")).role == "support"
    last = await client.post(f"/console/settings/users/{users['admin'].id}", data={"role": "sales", "csrf_token": token})
    assert last.status == 409 and "不能降级或停用最后一个管理员" in await last.text()


async def test_a_token_created_in_the_console_is_shown_once_and_can_be_revoked(client, users):
    await sign_in(client, "admin1")
    token = csrf_of(await (await client.get("/console/settings/tokens")).text())
    created = await client.post("/console/settings/tokens/new", data={"name": "BI 报表", "role": "marketer", "csrf_token": token})
    html = await created.text()
    assert created.headers["Cache-Control"] == "no-store" and 'class="secret">siyu_' in html
    row = await ApiToken.get(name="BI 报表")
    await client.post(f"/console/settings/tokens/{row.id}/revoke", data={"csrf_token": token})
    await row.refresh_from_db()
    assert row.revoked_at is not None
    assert 'class="secret"' not in await (await client.get("/console/settings/tokens")).text()


async def test_the_lead_list_filters_by_owner_and_creation_date(client, users, crm):
    await Lead.filter(id=crm["li"].id).update(created_at=crm["wang"].created_at.replace(year=2020))
    await sign_in(client, "marketer1")
    by_owner = await (await client.get("/console/leads", params={"owner": "lisi"})).text()
    assert "李经理" in by_owner and "王工" not in by_owner
    recent = await (await client.get("/console/leads", params={"from": "2021-01-01"})).text()
    assert "王工" in recent and "李经理" not in recent
    old = await (await client.get("/console/leads", params={"to": "2020-12-31"})).text()
    assert "李经理" in old and "王工" not in old


async def test_a_refused_lead_edit_says_why_in_the_page_language_and_changes_nothing(client, users, crm):
    await sign_in(client, "marketer1")
    lead = crm["wang"]
    page = await (await client.get(f"/console/leads/{lead.id}")).text()
    response = await client.post(f"/console/leads/{lead.id}/fields", data={"name": "王" * 200, "status": "sql", "csrf_token": csrf_of(page)})
    assert response.status == 400 and "姓名或公司名称过长" in await response.text()
    await lead.refresh_from_db()
    assert (lead.name, lead.status) == ("王工", "active")
    assert await AuditEntry.exclude(action="lead.view").count() == 0  # only the look is on record


async def test_a_long_timeline_pages_back_to_the_very_first_touch(client, users, crm, clock):
    from models import BehaviourEvent

    start = clock.now()
    await BehaviourEvent.bulk_create([
        BehaviourEvent(lead_id=crm["li"].id, kind=f"touch.{i:03d}", direction="inbound", occurred_at=start.replace(year=2022) + timedelta(minutes=i), payload={})
        for i in range(250)
    ])
    await sign_in(client, "admin1")
    first = await (await client.get(f"/console/leads/{crm['li'].id}")).text()
    assert "contact.added" in first and "touch.249" in first and "touch.049" not in first and 'id="older"' in first
    second = await (await client.get(f"/console/leads/{crm['li'].id}", params={"page": "2"})).text()
    assert "touch.000" in second and 'id="older"' not in second


async def test_people_without_a_name_are_shown_by_their_ids(client, users, db):
    from models import LeadIdentity

    member = await WeComMember.create(userid="wangwu")
    lead = await Lead.create(owner=member)
    await LeadIdentity.create(lead=lead, kind="external_userid", value="wmNoNameYet01")
    await sign_in(client, "admin1")

    listing = await (await client.get("/console/leads")).text()
    page = await (await client.get(f"/console/leads/{lead.id}")).text()

    assert "wmNoNameYet01" in listing and "<td>wangwu</td>" in listing
    assert "wmNoNameYet01" in page and "wangwu" in page
    assert "（未命名）" not in listing + page
