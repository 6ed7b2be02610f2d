"""A marketer imports a survey in the console, reads its results with the NPS and sees the
chat as customers will; support may read, not import."""
from datetime import datetime, timezone
from pathlib import Path

import pytest
from aiohttp import FormData, web

from bot.config import Settings
from console.access.accounts import create_user
from console.pages import setup_console
from handlers.surveys import register_console
from handlers.surveys.seed import seed_surveys
from models import Survey
from tests.support.console import PASSWORD, csrf_of, sign_in

DEMO = Path(__file__).parents[2] / "demo" / "surveys"


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    from argon2 import PasswordHasher

    monkeypatch.setattr("console.access.passwords._HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
async def client(db, clock, aiohttp_client):
    app = web.Application()
    register_console(setup_console(app, Settings(secret_key="test-secret"), clock=clock))
    await create_user("marketer1", "marketer", PASSWORD, clock=clock)
    await create_user("support1", "support", PASSWORD, clock=clock)
    return await aiohttp_client(app)


async def upload(client, text: str):
    page = await client.get("/console/surveys")
    form = FormData()
    form.add_field("csrf_token", csrf_of(await page.text()))
    form.add_field("file", text.encode(), filename="survey.yaml")
    return await client.post("/console/surveys", data=form)


async def test_a_marketer_imports_a_survey_and_a_bad_file_changes_nothing(client):
    await sign_in(client, "marketer1")

    bad = await upload(client, (DEMO / "nps.yaml").read_text().replace("goto: best", "goto: bset"))
    html = await bad.text()
    assert "文件有问题，未做任何修改" in html and "branches to &#39;bset&#39;, which is no question" in html
    assert not await Survey.exists()

    good = await upload(client, (DEMO / "nps.yaml").read_text())
    html = await good.text()
    assert "已导入「年度客户满意度调查」（第 2026 期）" in html and "满意度调查、NPS调查" in html


async def test_results_show_the_nps_the_distributions_and_a_phone_preview(client):
    await seed_surveys(datetime(2026, 12, 7, tzinfo=timezone.utc), customers=40)
    survey = await Survey.get(key="nps")
    await sign_in(client, "support1")

    page = await client.get(f"/console/surveys/{survey.id}?wave=2026")
    html = await page.text()

    assert page.status == 200 and "净推荐值（NPS）" in html and "95% 置信区间" in html
    assert html.count('<svg class="chart"') == 4  # score, improve, best, industry; the why texts are listed
    assert 'id="preview"' in html and "1. 您有多大可能把我们推荐给同事或朋友？" in html and "感谢您的反馈！" in html
    assert "联系方式只计数" in html
    csv = await client.get(f"/console/surveys/{survey.id}/responses.csv")
    assert csv.status == 200 and (await csv.read()).startswith("\ufeff".encode())


async def test_support_cannot_import(client):
    await sign_in(client, "support1")
    refused = await upload(client, (DEMO / "nps.yaml").read_text())
    assert refused.status == 403 and not await Survey.exists()


async def test_the_dashboard_shows_the_latest_nps_linking_to_its_results(client, monkeypatch, clock):
    from console.access.permissions import MATRIX, Role
    from handlers.surveys.results import survey_results

    await seed_surveys(datetime(2026, 12, 7, tzinfo=timezone.utc), customers=40)
    survey = await Survey.get(key="nps")
    results = await survey_results(survey)
    await sign_in(client, "support1")

    html = await (await client.get("/console/")).text()

    panel = html.split('id="panel-nps"')[1].split("</section>")[0]
    assert f'href="/console/surveys/{survey.id}"' in panel and "最新 NPS：年度客户满意度调查" in panel
    assert "%+.1f" % results["nps"] in panel and results["responses"] > 0
    assert f"推荐者 {results['promoters']} · 被动者 {results['passives']} · 贬损者 {results['detractors']}" in panel
    assert f"共 {results['responses']} 份回复" in panel

    monkeypatch.setitem(MATRIX, Role.SUPPORT, MATRIX[Role.SUPPORT] - {"surveys.read"})
    assert 'id="panel-nps"' not in await (await client.get("/console/")).text()
