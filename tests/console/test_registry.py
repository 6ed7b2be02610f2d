"""How a feature module adds a page and an API endpoint: one call each on the Console."""
from __future__ import annotations

import pytest
from aiohttp import web

from bot.config import Settings
from console.kit import ApiCall, Console, PageContext, Param
from console.pages import setup_console
from tests.support.console import bearer, sign_in


async def faq_page(request: web.Request, ctx: PageContext):
    return {"greeting": ctx.t("faq.greeting"), "who": ctx.actor.name}


async def faq_count(call: ApiCall):
    return {"count": call.params["limit"]}


@pytest.fixture
async def feature_client(db, clock, aiohttp_client, tmp_path):
    (tmp_path / "faq.html").write_text(
        '{% extends "layout.html" %}{% block main %}<p id="g">{{ greeting }}, {{ who }}</p>{% endblock %}', encoding="utf-8"
    )
    app = web.Application()
    console = setup_console(app, Settings(), clock=clock)
    console.add_templates(tmp_path)
    console.catalogue.add({"zh": {"faq.greeting": "问答库"}, "en": {"faq.greeting": "FAQ library"}})
    console.add_section("faq", "nav.faq", "faq.read")
    console.add_section("surveys", "nav.surveys", "surveys.read")
    console.add_page("/faq", faq_page, template="faq.html", section="faq", title="nav.faq", permission="faq.read")
    console.add_page("/surveys", faq_page, template="faq.html", section="surveys", title="nav.surveys", permission="surveys.write")
    console.add_endpoint("GET", "/faq/count", faq_count, permission="faq.read", tag="faq", summary="Count",
                         params=(Param("limit", "integer", minimum=1, maximum=9, default=3),), response={"type": "object"})
    return console, await aiohttp_client(app)


async def test_a_feature_page_appears_in_its_section_with_its_own_messages(feature_client, users):
    console, client = feature_client
    await sign_in(client, "support1")
    assert console.section_link("faq") == "/console/faq"
    html = await (await client.get("/console/faq")).text()
    assert '<p id="g">问答库, support1</p>' in html and 'href="/console/faq"' in html
    assert "FAQ library" in await (await client.get("/console/faq?lang=en")).text()


async def test_a_feature_section_joins_the_menu_before_settings(feature_client, users):
    console, client = feature_client
    await sign_in(client, "admin1")
    html = await (await client.get("/console/")).text()
    keys = ["dashboard", "leads", "faq", "surveys", "settings"]
    assert sorted(keys, key=lambda key: html.index(f'data-section="{key}"')) == keys


async def test_a_feature_page_is_closed_to_roles_without_its_permission(feature_client, users):
    console, client = feature_client
    await sign_in(client, "sales1")
    assert (await client.get("/console/faq")).status == 200
    assert (await client.get("/console/surveys")).status == 403


async def test_a_feature_endpoint_is_served_and_described(feature_client, tokens):
    console, client = feature_client
    assert (await (await client.get("/api/v1/faq/count", headers=bearer(tokens["support"]))).json()) == {"count": 3}
    spec = await (await client.get("/api/openapi.json")).json()
    assert spec["paths"]["/faq/count"]["get"]["parameters"][0]["schema"] == {"type": "integer", "minimum": 1, "maximum": 9, "default": 3}


def test_a_misspelt_permission_or_section_is_caught_at_start_up(clock):
    console = setup_console(web.Application(), Settings(), clock=clock)
    console.add_section("faq", "nav.faq", "faq.read")
    with pytest.raises(ValueError, match="permission"):
        console.add_page("/x", faq_page, template="x.html", section="faq", title="x", permission="faq.raed")
    with pytest.raises(ValueError, match="section"):
        console.add_page("/x", faq_page, template="x.html", section="fqa", title="x", permission="faq.read")
    assert isinstance(console, Console)


def test_english_has_every_chinese_message():
    from console.kit.i18n import Catalogue

    assert Catalogue().missing("en") == set()
