"""The console in a real browser (Playwright driving Debian's Chromium, headless): sign in,
search the lead list, open a lead's timeline, see a form without its CSRF token refused,
sign out. A screenshot of each page is kept under test-output/console/."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from tests.support.live_console import PASSWORD, LiveConsole  # noqa: E402

CHROMIUM = os.environ.get("SIYU_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "console"

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed")]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server = LiveConsole(tmp_path_factory.mktemp("browser")).start()
    yield server
    server.stop()


@pytest.fixture
def page(live):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(base_url=live.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
        yield context.new_page()
        browser.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, username: str = "admin") -> None:
    page.goto("/console/")
    assert "/console/login" in page.url
    shot(page, "01-login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/")


def test_a_marketer_signs_in_finds_the_expo_visitor_and_reads_the_timeline(page):
    sign_in(page)
    assert page.inner_text("#new-today") == "2"
    assert page.locator("svg.chart rect.bar").count() == 14
    shot(page, "02-dashboard")

    page.click("nav.main-nav a[data-section=leads]")
    page.fill("input[name=q]", "工业展")
    page.click("form.filters button[type=submit]")
    rows = page.locator("#lead-list tbody tr")
    assert rows.count() == 1 and "王工" in rows.first.inner_text()
    shot(page, "03-lead-search")

    page.click("#lead-list a:has-text('王工')")
    assert page.inner_text("#lead-name").startswith("王工")
    kinds = page.locator("#timeline .kind").all_inner_texts()
    assert kinds == ["提问", "发来消息", "添加了企业微信"]  # newest first, as labels
    sentences = page.locator("#timeline .sentence").all_inner_texts()
    assert sentences[0] == "问“你们的交期是多久”，机器人用条目“交期是多久？”回答（匹配度 92.5）"
    assert sentences[1] == "“你们的交期是多久？”"
    assert "已同意" in page.inner_text("#consent")
    shot(page, "04-lead-timeline")


def test_a_form_without_its_csrf_token_is_refused(page):
    sign_in(page)
    page.goto("/console/leads?q=王工")
    page.click("#lead-list a:has-text('王工')")
    page.eval_on_selector("#tags-form input[name=csrf_token]", "input => input.remove()")
    page.fill("#tags-form input[name=tags]", "被篡改")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("#tags-form button[type=submit]")
    assert answer.value.status == 403
    assert "表单已失效" in page.inner_text("main")
    shot(page, "05-csrf-refused")


def test_signing_out_closes_the_console(page):
    sign_in(page)
    page.click("#logout")
    page.wait_for_url("**/console/login")
    page.goto("/console/leads")
    assert "/console/login" in page.url
    shot(page, "06-signed-out")


def test_the_console_is_available_in_english(page):
    sign_in(page)
    page.click("a.lang")
    assert page.locator("nav.main-nav a[data-section=leads]").inner_text() == "Leads"
    shot(page, "07-english")


def test_an_admin_changes_a_lead_and_reads_it_in_the_audit_log(page):
    sign_in(page)
    page.goto("/console/leads?q=王工")
    page.click("#lead-list a:has-text('王工')")
    page.fill("#tags-form input[name=tags]", "制造业, 大客户")
    page.click("#tags-form button[type=submit]")
    assert "已保存" in page.inner_text("main")
    page.click("nav.main-nav a[data-section=settings]")
    shot(page, "08-staff-users")
    page.click("a[href='/console/settings/tokens']")
    page.fill("#add-token input[name=name]", "BI 报表")
    page.click("#add-token button[type=submit]")
    assert page.inner_text("#new-token code").startswith("siyu_")
    shot(page, "09-api-tokens")
    page.click("a[href='/console/settings/audit']")
    audit = page.inner_text("#audit")
    assert "修改线索" in audit and "创建 API 令牌" in audit and "admin" in audit and "lead.update" not in audit
    shot(page, "10-audit-log")
    page.goto("/api/docs")
    assert "GET /leads" in page.inner_text("main")
    shot(page, "11-api-docs")
