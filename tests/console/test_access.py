"""Signing in and out of the console: cookies, CSRF on every form, throttling, roles."""
from __future__ import annotations

import pytest

from console.access.permissions import MATRIX, PERMISSIONS, Role, allowed
from models import AuditEntry, StaffSession
from tests.support.console import PASSWORD, csrf_of, sign_in


def test_every_role_has_a_row_in_the_matrix_and_admin_holds_every_permission():
    assert set(MATRIX) == set(Role)
    assert MATRIX[Role.ADMIN] == frozenset(PERMISSIONS)
    assert allowed("marketer", "leads.export") and not allowed("sales", "leads.export")
    assert not allowed("support", "staff.read") and not allowed("marketer", "audit.read")


def test_an_unknown_permission_is_an_error_not_a_silent_no():
    with pytest.raises(KeyError):
        allowed("admin", "leads.raed")


async def test_pages_need_a_signed_in_user(client):
    response = await client.get("/console/leads?q=x", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/console/login?next=%2Fconsole%2Fleads%3Fq%3Dx"


async def test_signing_in_sets_a_secure_http_only_same_site_session_cookie(client, users):
    response = await sign_in(client, "admin1")
    assert response.status == 303 and response.headers["Location"] == "/console/"
    cookie = response.cookies["siyu_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert await StaffSession.filter(user=users["admin"]).count() == 1
    assert (await client.get("/console/")).status == 200


async def test_the_cookie_is_marked_secure_behind_an_https_proxy(client, users):
    page = await client.get("/console/login")
    response = await client.post(
        "/console/login", headers={"X-Forwarded-Proto": "https"}, allow_redirects=False,
        data={"username": "admin1", "password": PASSWORD, "csrf_token": csrf_of(await page.text())},
    )
    assert response.cookies["siyu_session"]["secure"]


async def test_a_wrong_password_is_refused_with_the_same_message_as_an_unknown_user(client, users):
    wrong = await sign_in(client, "admin1", "wrong password!")
    unknown = await sign_in(client, "nobody", "wrong password!")
    assert wrong.status == unknown.status == 401
    assert "用户名或密码错误" in await wrong.text() and "用户名或密码错误" in await unknown.text()
    assert "siyu_session" not in wrong.cookies


async def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(client, users):
    page = await client.get("/console/login")
    form = {"username": "admin1", "password": PASSWORD, "csrf_token": csrf_of(await page.text())}
    back = await client.post("/console/login", data={**form, "next": "/console/leads?q=王"}, allow_redirects=False)
    assert back.headers["Location"] == "/console/leads?q=%E7%8E%8B"
    client.session.cookie_jar.clear()
    page = await client.get("/console/login")
    form["csrf_token"] = csrf_of(await page.text())
    away = await client.post("/console/login", data={**form, "next": "//evil.example/x"}, allow_redirects=False)
    assert away.headers["Location"] == "/console/"


async def test_five_failures_lock_the_user_out_for_fifteen_minutes(client, users, clock):
    for _ in range(5):
        assert (await sign_in(client, "admin1", "wrong password!")).status == 401
    locked = await sign_in(client, "admin1")  # even the right password
    assert locked.status == 429
    assert "15 分钟" in await locked.text()
    clock.advance(15 * 60 + 1)
    assert (await sign_in(client, "admin1")).status == 303


async def test_a_form_post_without_its_csrf_token_is_refused(client, users, crm):
    await sign_in(client, "admin1")
    lead = crm["wang"]
    refused = await client.post(f"/console/leads/{lead.id}/tags", data={"tags": "hacked"})
    assert refused.status == 403
    assert "表单已失效" in await refused.text()
    forged = await client.post(f"/console/leads/{lead.id}/tags", data={"tags": "hacked", "csrf_token": "0" * 64})
    assert forged.status == 403
    assert await AuditEntry.all().count() == 0


async def test_sign_in_itself_needs_the_csrf_token(client, users):
    response = await client.post("/console/login", data={"username": "admin1", "password": PASSWORD})
    assert response.status == 403


async def test_signing_out_ends_the_session_on_the_server(client, users):
    await sign_in(client, "admin1")
    page = await client.get("/console/")
    response = await client.post("/console/logout", data={"csrf_token": csrf_of(await page.text())}, allow_redirects=False)
    assert response.headers["Location"] == "/console/login"
    assert await StaffSession.all().count() == 0
    assert (await client.get("/console/", allow_redirects=False)).status == 303


async def test_a_session_expires_after_twelve_hours(client, users, clock):
    await sign_in(client, "admin1")
    clock.advance(12 * 3600 + 1)
    assert (await client.get("/console/", allow_redirects=False)).status == 303


async def test_navigation_shows_only_what_the_role_may_see(client, users):
    await sign_in(client, "sales1")
    html = await (await client.get("/console/")).text()
    assert 'data-section="leads"' in html and 'data-section="settings"' not in html
    assert 'data-section="surveys"' not in html
    assert (await client.get("/console/settings/audit")).status == 403


async def test_admins_see_the_consoles_own_sections_and_none_no_feature_registered(client, users):
    await sign_in(client, "admin1")  # a console without features
    html = await (await client.get("/console/")).text()
    for key in ("dashboard", "leads", "settings"):
        assert f'data-section="{key}"' in html
    for key in ("channels", "faq", "content", "surveys"):
        assert f'data-section="{key}"' not in html
    assert (await client.get("/console/section/surveys")).status == 404


async def test_the_console_speaks_chinese_by_default_and_english_on_request(client, users):
    await sign_in(client, "admin1")
    assert "线索" in await (await client.get("/console/")).text()
    english = await (await client.get("/console/?lang=en")).text()
    assert "Leads" in english and "线索" not in english
    assert "Sign out" in await (await client.get("/console/leads")).text()  # remembered


async def test_a_new_password_ends_every_open_session(client, users):
    from console.access.accounts import set_password

    await sign_in(client, "admin1")
    await set_password("admin1", "a brand new passphrase")
    assert (await client.get("/console/", allow_redirects=False)).status == 303


async def test_a_disabled_user_is_signed_out_at_once(client, users):
    await sign_in(client, "marketer1")
    users["marketer"].active = False
    await users["marketer"].save()
    assert (await client.get("/console/", allow_redirects=False)).status == 303
    assert (await sign_in(client, "marketer1")).status == 401
