"""PIPL: erasing a person reaches every table that holds their data, and a person's data can
be exported as JSON from the console, the API and the command line."""
from __future__ import annotations

import json

from tortoise import fields

from leads.privacy import HOLDINGS, NOT_PERSONAL, Erasure, personal_fields
from models import AuditEntry, CrmAccount, CrmContact, DialogState, FaqHit, FaqSuggestion, LeadProfile
from tests.support.console import bearer, sign_in
from tests.console.test_cli import run

TEXT_COLUMNS = (fields.CharField, fields.TextField, fields.JSONField)
# What erasure must remove (the platform id wmLISISECRET stays, pseudonymous, to honour the stop).
ERASED = ("李秘书", "保密化工", "13900001111", "mi@secret.example", "我的私人问题XYZ")


def test_every_text_column_of_every_model_is_declared_personal_or_not():
    """A new column holding text is a decision: erase it with the person, or say why not."""
    personal = personal_fields()
    undeclared = []
    import models

    for name in models.__all__:
        model = getattr(models, name)
        for column, field in model._meta.fields_map.items():
            if isinstance(field, TEXT_COLUMNS) and column not in personal.get(name, set()) | NOT_PERSONAL.get(name, set()):
                undeclared.append(f"{name}.{column}")
    assert not undeclared, f"declare these in leads.privacy (HOLDINGS or NOT_PERSONAL): {undeclared}"
    for holding in HOLDINGS:
        assert set(holding.fields) <= set(holding.model._meta.fields_map), holding.model.__name__


def test_no_column_is_declared_both_personal_and_not():
    for name, columns in personal_fields().items():
        assert not columns & NOT_PERSONAL.get(name, set()), name


async def everything_stored() -> str:
    """Every row of every table, as text."""
    import models

    dumps = []
    for name in models.__all__:
        dumps.append(json.dumps(await getattr(models, name).all().values(), ensure_ascii=False, default=str))
    return "\n".join(dumps)


async def test_erasure_through_the_api_leaves_the_person_nowhere(full_console, two_reps, aiohttp_client, clock):
    from console.access.tokens import create_token

    app, _ = full_console
    li = two_reps.li
    account = await CrmAccount.create(name="客户公司", normalised="客户公司")  # a company: not personal
    await CrmContact.create(account=account, name="李秘书", phone="13900001111", email="mi@secret.example")
    await DialogState.create(user_key="wecom_kf:wkKF:wmLISISECRET", state="survey.q1", data={"answer": "13900001111"})
    await FaqHit.create(raw_query="我的私人问题XYZ again", normalised_query="我的私人问题XYZ", outcome="miss",
                        user_key="wecom_kf:wkKF:wmLISISECRET", chat_id="wkKF")  # before the lead was known
    await AuditEntry.create(actor="user:admin1", action="lead.update", target_type="lead", target_id=str(li.id),
                            before={"name": "李"}, after={"name": "李秘书"}, at=clock.now())
    client = await aiohttp_client(app)
    _, secret = await create_token("erasure", "admin", clock=clock)
    before = await everything_stored()
    assert all(s in before for s in ERASED)

    response = await client.post(f"/api/v1/leads/{li.id}/erase", headers=bearer(secret))

    assert response.status == 204
    stored = await everything_stored()
    assert [s for s in ERASED if s in stored] == []
    assert (await LeadProfile.get(lead_id=li.id)).erased_at is not None
    assert await FaqHit.filter(outcome="miss").count() == 3  # the counts stay
    assert "王工问交期多久" in stored  # other people are untouched
    csv = await (await client.get("/api/v1/faq/hits.csv", headers=bearer(secret))).text()
    assert "我的私人问题XYZ" not in csv and "王工问交期多久" in csv
    assert (await FaqSuggestion.get(id=two_reps.theirs.id)).question == ""


def test_erasure_rules_clear_delete_or_keep_with_a_reason():
    kept = {f"{h.model.__name__}.{c}" for h in HOLDINGS for c, rule in h.fields.items() if rule == Erasure.KEEP}
    assert kept <= {"LeadIdentity.value", "BehaviourEvent.actor", "GroupMembership.external_userid",
                    "KfConversation.external_userid", "PushDelivery.recipient",
                    "TrackedLink.recipient", "SurveyResponse.recipient"}  # pseudonymous platform ids only


async def test_a_person_s_data_exports_as_json_from_console_api_and_cli(full_console, two_reps, aiohttp_client, clock):
    from console.access.tokens import create_token

    app, _ = full_console
    li = two_reps.li
    client = await aiohttp_client(app)
    _, secret = await create_token("access", "admin", clock=clock)
    await sign_in(client, "admin1")

    lead_page = await (await client.get(f"/console/leads/{li.id}")).text()
    assert f"/console/leads/{li.id}/personal-data.json" in lead_page and "导出此人的全部个人信息" in lead_page
    page = await client.get(f"/console/leads/{li.id}/personal-data.json")
    api = await client.get(f"/api/v1/leads/{li.id}/personal-data", headers=bearer(secret))
    code, out, _ = await run("lead", "personal-data", str(li.id), clock=clock)

    for data in (json.loads(await page.text()), await api.json(), json.loads(out)):
        assert data["lead_id"] == li.id
        assert data["tables"]["lead"][0]["name"] == "李秘书"
        assert data["tables"]["lead_profile"][0]["phone"] == "13900001111"
        assert "我的私人问题XYZ" in data["tables"]["faq_hit"][0]["raw_query"]
        assert data["tables"]["faq_suggestion"][0]["customer"] == "wmLISISECRET"
        assert "王工" not in json.dumps(data, ensure_ascii=False)
    assert page.status == 200 and page.content_type == "application/json" and code == 0
    assert await AuditEntry.filter(action="lead.personal_data", target_id=str(li.id)).count() == 3


async def test_sales_cannot_export_a_person_and_every_look_at_a_lead_is_audited(full_console, two_reps, aiohttp_client):
    app, _ = full_console
    client = await aiohttp_client(app)
    await sign_in(client, "sales1")
    refused = await client.get(f"/console/leads/{two_reps.wang.id}/personal-data.json")
    await client.get(f"/console/leads/{two_reps.wang.id}")
    assert refused.status == 403
    assert await AuditEntry.filter(action="lead.view", actor="user:sales1", target_id=str(two_reps.wang.id)).exists()
