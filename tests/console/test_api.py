"""The REST API: bearer tokens, leads, behaviour events, staff users, tokens, the audit log,
one JSON error shape, and the OpenAPI document generated from the registered endpoints."""
from __future__ import annotations

from models import ApiToken, AuditEntry, LeadTag
from tests.support.console import bearer


async def test_no_token_is_a_401_in_the_one_error_shape(client, db):
    response = await client.get("/api/v1/leads")
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert (await response.json())["error"]["code"] == "unauthorized"


async def test_an_unknown_token_is_refused(client, db):
    response = await client.get("/api/v1/leads", headers=bearer("siyu_not-a-token"))
    assert response.status == 401 and (await response.json())["error"]["code"] == "invalid_token"


async def test_tokens_are_stored_hashed(tokens):
    stored = await ApiToken.all().values_list("token_hash", flat=True)
    assert not set(tokens.values()) & set(stored)


async def test_listing_leads_pages_and_filters(client, tokens, crm):
    body = await (await client.get("/api/v1/leads", headers=bearer(tokens["marketer"]), params={"per_page": "1"})).json()
    assert body["total"] == 2 and body["per_page"] == 1 and len(body["items"]) == 1
    by_tag = await (await client.get("/api/v1/leads", headers=bearer(tokens["marketer"]), params={"tag": "制造业"})).json()
    assert [i["name"] for i in by_tag["items"]] == ["王工"]
    by_channel = await (await client.get("/api/v1/leads", headers=bearer(tokens["marketer"]), params={"channel": "site"})).json()
    assert [i["name"] for i in by_channel["items"]] == ["李经理"]


async def test_a_search_longer_than_any_channel_code_still_searches_names(client, tokens, crm):
    long_term = "王" * 31  # channel codes have at most 30 characters
    body = await (await client.get("/api/v1/leads", headers=bearer(tokens["marketer"]), params={"q": long_term})).json()
    assert body["total"] == 0
    by_name = await (await client.get("/api/v1/leads", headers=bearer(tokens["marketer"]), params={"q": "王工"})).json()
    assert [i["name"] for i in by_name["items"]] == ["王工"]


async def test_a_bad_parameter_is_a_400_naming_it(client, tokens, db):
    response = await client.get("/api/v1/leads", headers=bearer(tokens["admin"]), params={"per_page": "1000"})
    assert response.status == 400
    error = (await response.json())["error"]
    assert error["code"] == "invalid_parameter" and "per_page" in error["message"]


async def test_a_lead_with_its_identities_and_its_timeline_newest_first(client, tokens, crm):
    lead_id = crm["wang"].id
    lead = await (await client.get(f"/api/v1/leads/{lead_id}", headers=bearer(tokens["support"]))).json()
    assert lead["identities"][0] == {"kind": "external_userid", "value": "wmWANG", "created_at": lead["identities"][0]["created_at"]}
    assert lead["first_channel"]["code"] == "expo2026" and lead["consent"]["given"] is True
    timeline = await (await client.get(f"/api/v1/leads/{lead_id}/timeline", headers=bearer(tokens["support"]))).json()
    assert [e["kind"] for e in timeline["items"]] == ["message.text", "contact.added"]


async def test_an_unknown_lead_is_a_404(client, tokens, db):
    response = await client.get("/api/v1/leads/424242", headers=bearer(tokens["admin"]))
    assert response.status == 404 and (await response.json())["error"]["code"] == "not_found"


async def test_patching_a_lead_changes_it_and_records_who_did_what(client, tokens, crm):
    lead_id = crm["wang"].id
    response = await client.patch(
        f"/api/v1/leads/{lead_id}", headers=bearer(tokens["marketer"]),
        json={"tags": ["制造业", "大客户"], "status": "mql", "company": "华东精密机械股份"},
    )
    assert response.status == 200
    body = await response.json()
    assert body["status"] == "mql" and body["tags"] == sorted(["制造业", "大客户"])
    assert body["updated_at"] > crm["wang"].updated_at.isoformat()
    entry = await AuditEntry.get(action="lead.update")
    assert entry.actor.endswith(":marketer-token")
    assert entry.before == {"company": "华东精密机械", "status": "active", "tags": ["制造业"]}
    assert entry.after["status"] == "mql"


async def test_a_bad_patch_changes_nothing_and_says_why(client, tokens, crm):
    lead_id = crm["wang"].id
    for body, word in (({"tags": "not a list"}, "tags"), ({"score": 5}, "score"), ({"status": "hot"}, "status"), ({}, "at least one"), ({"owner": "nobody"}, "nobody")):
        response = await client.patch(f"/api/v1/leads/{lead_id}", headers=bearer(tokens["admin"]), json=body)
        assert response.status == (409 if "owner" in body else 400), body
        assert word in (await response.json())["error"]["message"], body
    assert await LeadTag.filter(lead_id=lead_id).values_list("name", flat=True) == ["制造业"]
    assert await AuditEntry.all().count() == 0


async def test_a_body_that_is_not_json_is_refused(client, tokens, crm):
    url = f"/api/v1/leads/{crm['wang'].id}"
    bad = await client.patch(url, headers={**bearer(tokens["admin"]), "Content-Type": "application/json"}, data="{oops")
    assert bad.status == 400 and (await bad.json())["error"]["code"] == "invalid_json"
    form = await client.patch(url, headers=bearer(tokens["admin"]), data={"name": "x"})
    assert form.status == 415


async def test_behaviour_events_list_with_filters(client, tokens, crm):
    events = await (await client.get("/api/v1/events", headers=bearer(tokens["support"]), params={"kind": "contact.added"})).json()
    assert events["total"] == 2
    mine = await (await client.get("/api/v1/events", headers=bearer(tokens["support"]), params={"lead_id": str(crm["li"].id)})).json()
    assert [e["actor"] for e in mine["items"]] == ["wmLI"]


async def test_a_role_without_the_permission_gets_a_403(client, tokens, db):
    response = await client.get("/api/v1/audit", headers=bearer(tokens["marketer"]))
    assert response.status == 403
    assert "audit.read" in (await response.json())["error"]["message"]


async def test_admins_list_staff_users(client, tokens, users):
    body = await (await client.get("/api/v1/staff-users", headers=bearer(tokens["admin"]))).json()
    assert {u["username"]: u["role"] for u in body["items"]}["sales1"] == "sales"
    assert "password_hash" not in body["items"][0]


async def test_a_token_created_through_the_api_works_once_and_not_after_revocation(client, tokens, db):
    created = await client.post("/api/v1/tokens", headers=bearer(tokens["admin"]), json={"name": "crm-sync", "role": "support"})
    assert created.status == 201
    new = await created.json()
    assert new["token"].startswith("siyu_") and new["prefix"] == new["token"][:12]
    assert (await client.get("/api/v1/leads", headers=bearer(new["token"]))).status == 200
    listed = await (await client.get("/api/v1/tokens", headers=bearer(tokens["admin"]))).json()
    assert all("token" not in t for t in listed["items"])
    revoked = await client.delete(f"/api/v1/tokens/{new['id']}", headers=bearer(tokens["admin"]))
    assert revoked.status == 204
    assert (await client.get("/api/v1/leads", headers=bearer(new["token"]))).status == 401
    actions = await AuditEntry.all().order_by("id").values_list("action", flat=True)
    assert actions == ["token.create", "token.revoke"]


async def test_a_sales_token_is_refused_because_a_token_is_no_one_person(client, tokens, db):
    response = await client.post("/api/v1/tokens", headers=bearer(tokens["admin"]), json={"name": "x", "role": "sales"})
    assert response.status == 400


async def test_the_audit_log_is_listable_by_admins(client, tokens, crm):
    await client.patch(f"/api/v1/leads/{crm['li'].id}", headers=bearer(tokens["support"]), json={"name": "李总"})
    body = await (await client.get("/api/v1/audit", headers=bearer(tokens["admin"]), params={"action": "lead.update"})).json()
    [entry] = body["items"]
    assert entry["before"] == {"name": "李经理"} and entry["after"] == {"name": "李总"}
    assert entry["target_type"] == "lead" and entry["target_id"] == str(crm["li"].id)


async def test_unknown_paths_and_methods_answer_in_the_error_shape(client, tokens, db):
    missing = await client.get("/api/v1/nothing-here", headers=bearer(tokens["admin"]))
    assert missing.status == 404 and (await missing.json())["error"]["code"] == "not_found"
    wrong = await client.put("/api/v1/leads", headers=bearer(tokens["admin"]))
    assert wrong.status == 405 and "GET" in wrong.headers["Allow"]


async def test_the_openapi_document_describes_every_endpoint_with_its_permission(client, db):
    spec = await (await client.get("/api/openapi.json")).json()
    assert spec["openapi"].startswith("3.")
    assert {"/leads", "/leads/{lead_id}", "/leads/{lead_id}/timeline", "/events", "/staff-users", "/tokens", "/tokens/{token_id}", "/audit"} <= set(spec["paths"])
    patch = spec["paths"]["/leads/{lead_id}"]["patch"]
    assert "leads.write" in patch["description"] and "400" in patch["responses"]
    docs = await (await client.get("/api/docs")).text()
    assert "PATCH /leads/{lead_id}" in docs


async def test_admins_create_staff_users_and_change_their_roles(client, tokens, users):
    created = await client.post("/api/v1/staff-users", headers=bearer(tokens["admin"]),
                                json={"username": "wangwu", "role": "sales", "password": "a long passphrase", "wecom_userid": "wangwu"})
    assert created.status == 201
    user = await created.json()
    assert user["role"] == "sales" and user["wecom_userid"] == "wangwu"
    again = await client.post("/api/v1/staff-users", headers=bearer(tokens["admin"]),
                              json={"username": "wangwu", "role": "sales", "password": "a long passphrase"})
    assert again.status == 409
    changed = await client.patch(f"/api/v1/staff-users/{user['id']}", headers=bearer(tokens["admin"]), json={"role": "support", "active": False})
    assert (await changed.json())["role"] == "support"
    entry = await AuditEntry.get(action="user.update")
    assert entry.before == {"role": "sales", "active": True} and entry.after == {"role": "support", "active": False}


async def test_the_last_admin_cannot_be_demoted(client, tokens, users):
    response = await client.patch(f"/api/v1/staff-users/{users['admin'].id}", headers=bearer(tokens["admin"]), json={"role": "support"})
    assert response.status == 409 and "last active admin" in (await response.json())["error"]["message"]


async def test_a_weak_password_is_refused(client, tokens, db):
    response = await client.post("/api/v1/staff-users", headers=bearer(tokens["admin"]), json={"username": "x", "role": "sales", "password": "short"})
    assert response.status == 400 and "10" in (await response.json())["error"]["message"]
