"""A sales rep sees only their own customers, on every page, export and API endpoint: the
test walks every registered console page and API operation, so a new one is covered too."""
from __future__ import annotations

import re


from console.access.actors import Actor
from console.access.permissions import Role
from tests.support.console import sign_in
from tests.security.conftest import LISI_SECRETS

PARAM = re.compile(r"\{(\w+)(?::([^}]*))?\}")


def concrete(path: str, values: dict[str, str]) -> str:
    """A registered path with its parameters filled in (the first choice of an alternation)."""
    def fill(match: re.Match) -> str:
        name, pattern = match.group(1), match.group(2) or ""
        if name in values:
            return values[name]
        if "|" in pattern:
            return pattern.split("|")[0]
        raise AssertionError(f"the scope test does not know how to fill {{{name}}} in {path}: add it to VALUES")
    return PARAM.sub(fill, path)


def values_for(reps) -> dict[str, str]:
    """Every path parameter, naming lisi's things where they can."""
    return {"lead_id": str(reps.li.id), "suggestion_id": str(reps.theirs.id), "entry_id": "lead-time",
            "code": reps.expo.code, "user_id": str(reps.admin.id), "token_id": "1", "chat_id": "wmLISISECRET",
            # marketing's own material (no customer's data lives on these pages by id)
            "slug": "whitepaper", "campaign_id": "1", "segment_id": "1", "sequence_id": "1", "survey_id": "1",
            "wave_id": "1", "deal_id": "1", "handoff_id": "1", "key": "faq", "version": "1"}


QUERY = "?chat_id=wmLISISECRET&q=%E6%9D%8E&lead_id={lead}"


def leaks(body: str, url: str = "") -> list[str]:
    """lisi's customer's data in ``body`` (what the url itself asked for may be echoed)."""
    return [s for s in LISI_SECRETS if s in body and s not in url]


async def test_a_sales_rep_sees_no_other_reps_customer_on_any_console_page(full_console, two_reps, aiohttp_client):
    app, console = full_console
    client = await aiohttp_client(app)
    assert (await sign_in(client, "sales1")).status == 303
    values, seen_own, walked = values_for(two_reps), 0, 0
    for page in console.pages:
        if "GET" not in page.methods:
            continue
        url = "/console" + concrete(page.path, values) + QUERY.format(lead=two_reps.li.id)
        response = await client.get(url, allow_redirects=False)
        body = await response.text(errors="replace") if response.status != 200 or "image" not in response.content_type else ""
        assert response.status < 500, url
        assert not leaks(body, url), f"{url} shows lisi's customer: {leaks(body, url)}"
        seen_own += "王工问交期多久" in body
        walked += 1
    assert walked >= 15 and seen_own >= 2  # the rep does see their own customer's questions


async def test_a_scoped_api_caller_sees_no_other_reps_customer_on_any_operation(
        full_console, two_reps, aiohttp_client, monkeypatch):
    app, console = full_console
    sales = Actor("user", two_reps.sales.id, "sales1", Role.SALES, wecom_userid="zhangsan")

    async def as_sales(secret, clock):
        return sales

    monkeypatch.setattr("console.kit.api.token_actor", as_sales)
    client = await aiohttp_client(app)
    values, walked = values_for(two_reps), 0
    for endpoint in console.endpoints:
        if endpoint.method != "GET":
            continue
        url = "/api/v1" + concrete(endpoint.path, values) + QUERY.format(lead=two_reps.li.id)
        response = await client.get(url, headers={"Authorization": "Bearer x"})
        body = await response.text(errors="replace")
        assert response.status < 500, url
        assert not leaks(body, url), f"GET {url} shows lisi's customer: {leaks(body, url)}"
        walked += 1
    assert walked >= 15


async def test_closing_a_suggestion_needs_a_write_permission_and_the_rep_s_own_chat(
        full_console, two_reps, aiohttp_client):
    from models import FaqSuggestion

    app, _ = full_console
    client = await aiohttp_client(app)
    await sign_in(client, "sales1")
    page = await client.get("/console/faq/toolbar?chat_id=wmWANG")
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', await page.text()).group(1)

    theirs = await client.post(f"/console/faq/toolbar/{two_reps.theirs.id}", data={"status": "sent", "csrf_token": token},
                               allow_redirects=False)
    mine = await client.post(f"/console/faq/toolbar/{two_reps.mine.id}", data={"status": "sent", "csrf_token": token},
                             allow_redirects=False)

    assert theirs.status in (403, 404)
    assert (await FaqSuggestion.get(id=two_reps.theirs.id)).status == "open"
    assert mine.status == 303 and (await FaqSuggestion.get(id=two_reps.mine.id)).status == "sent"


def test_closing_a_suggestion_is_a_write_in_the_permission_matrix(full_console):
    _, console = full_console
    closing = [e for e in console.endpoints if e.method == "POST" and e.path.startswith("/faq/suggestions/")]
    assert closing and all(e.permission.endswith(".write") for e in closing)
    toolbar = [p for p in console.pages if "POST" in p.methods and p.path.startswith("/faq/toolbar/")]
    assert toolbar and all(p.permission.endswith(".write") for p in toolbar)
