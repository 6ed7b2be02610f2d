"""In a real browser (Playwright driving Debian's Chromium, headless): a marketer creates and
schedules a campaign from a file in 内容与推送, and a customer opens its tracked link on a phone.
Screenshots under test-output/pushes/."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from aiohttp import web
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from bot.clock import Clock
from bot.config import Settings
from bot.database import tortoise_config
from console.access.accounts import create_user
from console.pages import setup_console
from content.library import import_library, parse_library
from handlers.pushes import register_console
from handlers.pushes.links import ContentLinks, add_routes
from handlers.pushes.planning import plan_due
from handlers.pushes.radar import OwnerAlerts
from models import BehaviourEvent, Lead, LeadIdentity, LeadTag, Segment, WeComMember, TrackedLink
from leads.behaviour import BehaviourLog
from tests.support.live_console import PASSWORD, LiveConsole

from .test_content import LIBRARY

pytest.importorskip("playwright.sync_api")

from tests.support.browser import INSTALLED, launched_chromium  # noqa: E402
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "pushes"
pytestmark = pytest.mark.skipif(not INSTALLED, reason="Chromium is not installed")

CAMPAIGN = """\
name: 化工客户白皮书
audience:
  segments: [化工客户]
message:
  text: "{{ name }}您好，《{{ title }}》请查收：{{ link }}"
  content: pp-whitepaper
schedule: now
"""


class LivePushes(LiveConsole):
    """The console with 内容与推送 and the customer-facing content pages, served for real."""

    async def _start(self) -> None:
        EXECUTOR_CACHE.clear()
        await Tortoise.init(config=tortoise_config(self.database_url), _enable_global_fallback=True)
        await Tortoise.generate_schemas()
        clock = Clock()
        await create_user("marketer", "marketer", PASSWORD, clock=clock)
        owner = await WeComMember.create(userid="zhangsan", name="张三")
        for n, name in enumerate(("王工", "李经理")):
            lead = await Lead.create(name=name, owner=owner, consent_at=clock.now())
            await LeadIdentity.create(lead=lead, kind="external_userid", value=f"wm{n}")
            await LeadTag.create(lead=lead, name="化工")
        await Segment.create(name="化工客户", rules={"tag": "化工"})
        await import_library(parse_library(LIBRARY))
        app = web.Application()
        register_console(setup_console(app, Settings(secret_key="live-secret"), clock=clock))
        add_routes(app, ContentLinks(SimpleNamespace(clock=clock, behaviour=BehaviourLog(clock)), OwnerAlerts(clock, None)))
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = LivePushes(tmp_path_factory.mktemp("pushes")).start()
    yield server
    server.stop()


@pytest.fixture
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with launched_chromium() as chromium:
        yield chromium


def test_a_marketer_schedules_a_campaign_and_a_customer_opens_its_link(live, browser):
    page = browser.new_context(base_url=live.url, locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.goto("/console/login")
    page.fill("input[name=username]", "marketer")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/")
    page.click("nav.main-nav a[data-section=content]")
    assert "高分子材料选型白皮书" in page.inner_text("#content-library")
    page.goto("/console/content/segments")
    assert page.inner_text("#segments td.count") == "2"
    page.goto("/console/content/campaigns")
    page.fill("textarea[name=source]", CAMPAIGN.replace("{{ name }}", "{{ nickname }}"))
    page.click("form[action='/console/content/campaigns'] button[type=submit]")
    assert "nickname" in page.inner_text("div.error")
    page.screenshot(path=str(SHOTS / "01-campaign-refused.png"), full_page=True)
    page.fill("textarea[name=source]", CAMPAIGN)
    page.click("form[action='/console/content/campaigns'] button[type=submit]")
    assert "已创建活动" in page.inner_text("p.notice")
    assert "已排期" in page.inner_text("#campaigns")
    page.screenshot(path=str(SHOTS / "02-campaign-scheduled.png"), full_page=True)

    live.call(lambda: plan_due(Clock().now(), live.url))
    token = live.call(_token_of_wang)
    phone = browser.new_context(base_url=live.url, locale="zh-CN", viewport={"width": 390, "height": 844},
                                is_mobile=True).new_page()
    phone.goto(f"/c/{token}")
    assert phone.inner_text("h1") == "高分子材料选型白皮书"
    assert phone.inner_text("a.action") == "下载白皮书"
    phone.screenshot(path=str(SHOTS / "03-phone-whitepaper.png"), full_page=True)
    assert live.call(_opens) == 1

    page.reload()
    cells = [c.strip() for c in page.inner_text("#campaigns tbody tr").split("\t")]
    assert cells[2] == "发送中" and cells[4] == "2" and cells[8] == "1"  # planned 2, opened 1
    page.screenshot(path=str(SHOTS / "04-campaign-opened.png"), full_page=True)


async def _token_of_wang() -> str:
    return (await TrackedLink.get(recipient="wm0")).token


async def _opens() -> int:
    return await BehaviourEvent.filter(kind="content.opened").count()
