"""The survey on a phone (Playwright driving Debian's Chromium, headless, a 390×844 viewport):
a customer opens the signed link, answers, closes the page and comes back to the same
question; a marketer sees the results with the chat preview. Screenshots are kept under
test-output/surveys/."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiohttp import web

from leads.behaviour import BehaviourLog
from bot.clock import Clock
from bot.config import Settings
from console.pages import setup_console
from handlers.surveys import Surveys, register_console
from handlers.surveys.page import add_page_routes
from handlers.surveys.seed import seed_surveys
from models import Lead, Survey, SurveyResponse
from tests.support.live_console import PASSWORD, LiveConsole

pytest.importorskip("playwright.sync_api")

from tests.support.browser import INSTALLED, launched_chromium  # noqa: E402
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "surveys"
pytestmark = pytest.mark.skipif(not INSTALLED, reason="Chromium is not installed")


class LiveSurveys(LiveConsole):
    """The console (with the 问卷 pages) and the survey page, seeded with the demo surveys."""

    async def _start(self) -> None:
        await super()._start()
        await self._runner.cleanup()
        clock = Clock()
        await seed_surveys(clock.now(), customers=30)
        self.lead_id = (await Lead.create(name="手机用户")).id
        self.poll_id = (await Survey.get(key="content-poll")).id
        app = web.Application()
        register_console(setup_console(app, Settings(secret_key="live-secret"), clock=clock))
        self.surveys = Surveys(secret_key="live-secret")
        add_page_routes(app, SimpleNamespace(services={"surveys": self.surveys}, clock=clock, behaviour=BehaviourLog(clock)))
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"

    def link(self) -> str:
        expires = datetime.now(timezone.utc) + timedelta(days=3)
        return self.surveys.links.url(self.url, self.poll_id, self.lead_id, expires)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = LiveSurveys(tmp_path_factory.mktemp("survey-browser")).start()
    yield server
    server.stop()


@pytest.fixture
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with launched_chromium() as chromium:
        yield chromium


def test_a_customer_answers_on_a_phone_and_resumes_after_closing_the_page(live, browser):
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                has_touch=True, locale="zh-CN")
    page = phone.new_page()
    page.goto(live.link())
    assert page.inner_text("#question") == "1. 您最想看哪些内容？"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    page.screenshot(path=str(SHOTS / "01-phone-question.png"), full_page=True)

    for label in ("客户案例", "产品参数与选型"):
        page.get_by_label(label).check()
    page.click("#next")
    assert page.inner_text("#question") == "2. 您更喜欢哪种形式？"

    page.close()
    again = phone.new_page()  # closed and opened again from the chat
    again.goto(live.link())
    assert again.inner_text("#question") == "2. 您更喜欢哪种形式？"
    again.click("#next")  # nothing chosen: the browser asks for a choice, nothing is sent
    assert again.inner_text("#question") == "2. 您更喜欢哪种形式？"
    again.get_by_label("短视频").check()
    again.click("#next")
    again.locator(".scale label").nth(4).click()
    again.screenshot(path=str(SHOTS / "02-phone-rating.png"), full_page=True)
    again.click("#next")
    assert "谢谢！" in again.inner_text("#message")
    again.screenshot(path=str(SHOTS / "03-phone-thanks.png"), full_page=True)

    async def stored():
        return (await SurveyResponse.get(lead_id=live.lead_id)).answers

    assert live.call(stored) == {"topics": ["cases", "specs"], "format": "短视频", "rating": 5}


def test_a_marketer_reads_the_nps_and_previews_the_chat(live, browser):
    page = browser.new_context(base_url=live.url, locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.goto("/console/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/")
    page.goto("/console/surveys")
    page.click("text=年度客户满意度调查")
    assert "净推荐值（NPS）" in page.inner_text("#nps")
    assert page.locator("#preview .bubble").first.inner_text().startswith("您好！占用您 1 分钟")
    page.select_option("select[name=wave]", "2026")
    page.click("form.filters button")
    assert "wave=2026" in page.url and page.locator("select[name=wave]").input_value() == "2026"
    page.screenshot(path=str(SHOTS / "04-console-results.png"), full_page=True)
