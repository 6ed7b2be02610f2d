"""Support staff in a real browser (Playwright driving Chromium, headless): the review inbox
shows the estimated wrong-answer rate and labels inferred unhappiness as inferred, nonsense
is not pre-filled with an entry, synonyms are edited and saved, and an entry's likely new
wordings are attached with one click."""
from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from aiohttp import web
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

sync_api = pytest.importorskip("playwright.sync_api")

from bot.clock import Clock  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.database import tortoise_config  # noqa: E402
from console.pages import setup_console  # noqa: E402
from console.access.accounts import create_user  # noqa: E402
from handlers.faq import register_console  # noqa: E402
from handlers.faq.store import FaqStore  # noqa: E402
from models import FaqEntryRecord, FaqHit, FaqSettings  # noqa: E402
from tests.support.live_console import PASSWORD, LiveConsole  # noqa: E402
from tests.support.faq import store_test_faq  # noqa: E402

CHROMIUM = os.environ.get("SIYU_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed")]


async def _asked(query: str, outcome: str = "miss", **fields) -> None:
    found = (await FaqStore().index()).match(query, "single")
    await FaqHit.create(raw_query=query, normalised_query=found.normalised, candidates=[list(c) for c in found.candidates],
                        outcome=outcome, score=found.score, asked_at=datetime.now(timezone.utc), **fields)


class LiveReviewConsole(LiveConsole):
    async def _start(self) -> None:
        EXECUTOR_CACHE.clear()
        await Tortoise.init(config=tortoise_config(self.database_url), _enable_global_fallback=True)
        await Tortoise.generate_schemas()
        clock = Clock()
        await create_user("support", "support", PASSWORD, clock=clock)
        await store_test_faq()
        await _asked("我家猫会不会飞", signals=["asked_again"], feedback="negative")
        await _asked("样品寄过来收费吗")
        app = web.Application()
        register_console(setup_console(app, Settings(secret_key="live-secret"), clock=clock))
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = LiveReviewConsole(tmp_path_factory.mktemp("review")).start()
    yield server
    server.stop()


def test_support_staff_review_calibrate_and_teach_the_faq_in_the_browser(live, tmp_path):
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_context(base_url=live.url, locale="zh-CN", viewport={"width": 1200, "height": 900}).new_page()
        page.goto("/console/login")
        page.fill("input[name=username]", "support")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")

        page.goto("/console/faq")
        estimate = page.inner_text("#wrong-rate")
        cat = page.locator("section.cluster", has_text="我家猫会不会飞")
        cat_heading = cat.locator("h2").inner_text()
        cat_choice = cat.locator("select[name=entry_id]").input_value()
        page.screenshot(path=str(tmp_path / "inbox.png"), full_page=True)

        page.click("text=同义词")
        page.fill("textarea[name=text]", "运费 = 邮费 = 快递费\n发货 = 出货")
        page.click("form[action='/console/faq/synonyms'] button[type=submit]")
        saved = page.inner_text("[role=status]")
        page.screenshot(path=str(tmp_path / "synonyms.png"), full_page=True)

        page.goto("/console/faq/entries/sample")
        suggested = page.inner_text("#suggested-variants")
        page.click("#suggested-variants button[value=attach]")
        page.screenshot(path=str(tmp_path / "entry.png"), full_page=True)
        browser.close()

    assert "当前估计答错率 3.3%" in estimate and "出厂校准" in estimate
    assert "推断不满意：又问了一遍 1" in cat_heading and "差评" not in cat_heading
    assert cat_choice == ""  # nonsense is not pre-filled with an entry
    assert "已保存 2 组同义词" in saved
    assert "样品寄过来收费吗" in suggested

    async def state():
        return (await FaqSettings.get(id=1)).synonyms, (await FaqEntryRecord.get(id="sample")).variants

    synonyms, variants = live.call(state)
    assert synonyms == [["运费", "邮费", "快递费"], ["发货", "出货"]]
    assert "样品寄过来收费吗" in variants
