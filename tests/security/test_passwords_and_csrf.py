"""Staff passwords cannot be the username in disguise or a common password; CSRF tokens
belong to one session and change when someone signs in or out."""
from __future__ import annotations

import pytest

from console.access.accounts import create_user, set_password
from console.access.passwords import WeakPassword, check_strength
from tests.support.console import PASSWORD, csrf_of, sign_in


@pytest.mark.parametrize("password", [
    "zhangwei2026", "2026ZhangWei!", "iewgnahz2026", "zhang.wei.zhang.wei",  # the username, dressed up
])
def test_a_password_derived_from_the_username_is_refused(password):
    with pytest.raises(WeakPassword) as refused:
        check_strength(password, "zhangwei")
    assert refused.value.msgid in ("refused.password_personal", "refused.password_common")


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "1234567890", "iloveyou12", "Passw0rd!!", "aaaaaaaaaaaa"])
def test_common_and_guessable_passwords_are_refused(password):
    with pytest.raises(WeakPassword):
        check_strength(password, "alice")


@pytest.mark.parametrize("password", [PASSWORD, "a long passphrase", "墨水 橙子 火车 2026", "t7#Vq9!mLp2x"])
def test_long_rare_passwords_pass(password):
    check_strength(password, "alice")


async def test_creating_or_changing_a_user_applies_the_rules(db, clock):
    with pytest.raises(WeakPassword):
        await create_user("lina", "support", "lina123456", clock=clock)
    user = await create_user("lina", "support", PASSWORD, clock=clock)
    with pytest.raises(WeakPassword):
        await set_password(user.username, "password1234")


async def test_the_user_form_says_why_a_password_is_refused(client, users):
    await sign_in(client, "admin1")
    page = await client.get("/console/settings/users/new")
    response = await client.post("/console/settings/users/new", data={
        "username": "wangwu", "role": "support", "password": "wangwu2026!", "csrf_token": csrf_of(await page.text())})
    assert response.status == 400 and "用户名" in await response.text()


async def test_a_csrf_token_from_before_sign_in_does_not_work_after_it(client, users, crm):
    anonymous = csrf_of(await (await client.get("/console/login")).text())
    await sign_in(client, "admin1")
    stale = await client.post(f"/console/leads/{crm['wang'].id}/tags", data={"tags": "x", "csrf_token": anonymous})
    fresh = csrf_of(await (await client.get(f"/console/leads/{crm['wang'].id}")).text())
    assert stale.status == 403 and fresh != anonymous


async def test_a_csrf_token_is_bound_to_its_session(client, users, crm, aiohttp_client, console_app):
    await sign_in(client, "admin1")
    mine = csrf_of(await (await client.get("/console/")).text())
    seed = client.session.cookie_jar.filter_cookies(client.make_url("/"))["siyu_csrf"].value
    other = await aiohttp_client(console_app)
    await sign_in(other, "marketer1")
    other.session.cookie_jar.update_cookies({"siyu_csrf": seed})  # even with the same CSRF cookie
    refused = await other.post(f"/console/leads/{crm['wang'].id}/tags", data={"tags": "x", "csrf_token": mine})
    assert refused.status == 403


async def test_signing_out_rotates_the_csrf_token(client, users):
    await sign_in(client, "admin1")
    page = await (await client.get("/console/")).text()
    token = csrf_of(page)
    await client.post("/console/logout", data={"csrf_token": token}, allow_redirects=False)
    after = csrf_of(await (await client.get("/console/login")).text())
    assert after != token
    seeds_before_and_after = {token, after}
    assert len(seeds_before_and_after) == 2
    replay = await client.post("/console/logout", data={"csrf_token": token}, allow_redirects=False)
    assert replay.status == 403
