"""The chat-toolbar page in a real browser (Playwright driving Chromium, headless), with the
WeCom client's ``wx`` stood in: one click sends the suggestion into the chat and marks it
sent; the page's script and style come from the bot itself, under its content policy."""
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
from models import FaqSuggestion  # noqa: E402
from tests.support.live_console import PASSWORD, LiveConsole  # noqa: E402

CHROMIUM = os.environ.get("SIYU_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed")]

FAKE_WX = """
window.wx = {
  agentConfig: function (config) { window.agentConfigured = config; if (config.success) config.success(); },
  invoke: function (name, args, callback) {
    if (name === "getContext") return callback({entry: "group_chat_tools"});
    if (name === "getCurExternalChat") return callback({chatId: "wrCustomers01"});
    if (name === "sendChatMessage") {
      var sent = JSON.parse(sessionStorage.getItem("sent") || "[]");
      sent.push(args);
      sessionStorage.setItem("sent", JSON.stringify(sent));
      return callback({err_msg: "sendChatMessage:ok"});
    }
  }
};
"""


class FakeWeCom:
    agent_id = 1000002
    app = type("Credential", (), {"app_id": "wwCORP"})()

    async def call(self, method, path, credential, params=None):
        return {"errcode": 0, "ticket": "TICKET", "expires_in": 7200}


class LiveFaqConsole(LiveConsole):
    async def _start(self) -> None:
        EXECUTOR_CACHE.clear()
        await Tortoise.init(config=tortoise_config(self.database_url), _enable_global_fallback=True)
        await Tortoise.generate_schemas()
        clock = Clock()
        await create_user("support", "support", PASSWORD, clock=clock, wecom_userid="zhangsan")
        now = datetime.now(timezone.utc)
        await FaqSuggestion.create(chat_id="wrCustomers01", staff_userid="zhangsan", question="满多少包邮",
                                   entry_id="freight", answer="单笔满 3000 元包邮。", asked_at=now, suggested_at=now)
        app = web.Application()
        bot = type("Bot", (), {"wecom": FakeWeCom()})()
        register_console(setup_console(app, Settings(secret_key="live-secret"), clock=clock), bot)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = LiveFaqConsole(tmp_path_factory.mktemp("toolbar")).start()
    yield server
    server.stop()


def test_one_click_sends_the_suggestion_into_the_current_chat(live):
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(base_url=live.url, locale="zh-CN", viewport={"width": 420, "height": 800})
        context.add_init_script(FAKE_WX)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
        page.goto("/console/login")
        page.fill("input[name=username]", "support")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")

        page.goto("/console/faq/toolbar")  # opened from the group's toolbar: the page finds the chat
        page.wait_for_url("**chat_id=wrCustomers01")
        configured = page.evaluate("window.agentConfigured")
        page.click("button.send")
        page.wait_for_selector("#no-suggestions")
        sent = page.evaluate("JSON.parse(sessionStorage.getItem('sent'))")
        browser.close()

    assert errors == []
    async def status():
        return (await FaqSuggestion.get(chat_id="wrCustomers01")).status

    assert live.call(status) == "sent"
    assert sent == [{"msgtype": "text", "enterChat": True, "text": {"content": "单笔满 3000 元包邮。"}}]
    assert configured["corpid"] == "wwCORP" and "sendChatMessage" in configured["jsApiList"]
